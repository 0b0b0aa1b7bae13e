// The start-up guard's locale repair: tags Intl rejects (Chromium under a C locale reports
// "en-US@posix") become ones it accepts; good tags stay as they are.
import { describe, expect, it } from 'vitest';
import { repairLocale, validLocale } from '../../src/ui/boot.ts';

describe('validLocale', () => {
  it('keeps tags Intl accepts', () => {
    for (const tag of ['en-US', 'de', 'fr-CA', 'zh-Hant-TW']) expect(validLocale(tag)).toBe(tag);
  });
  it('repairs POSIX-style tags and falls back to en-US', () => {
    expect(() => new Intl.NumberFormat('en-US@posix')).toThrow(); // what the page meets
    expect(validLocale('en-US@posix')).toBe('en-US');
    expect(validLocale('de_DE')).toBe('de-DE');
    expect(validLocale('C')).toBe('en-US');
    expect(validLocale('POSIX')).toBe('en-US');
    expect(validLocale('')).toBe('en-US');
    expect(validLocale(undefined)).toBe('en-US');
    expect(validLocale('not a tag at all')).toBe('en-US');
  });
});

describe('repairLocale', () => {
  const fakeNavigator = (language: string, languages: string[]) => ({ language, languages }) as unknown as Navigator;
  it('replaces language and languages where Intl rejects them', () => {
    const nav = fakeNavigator('en-US@posix', ['en-US@posix', 'fr']);
    repairLocale(nav);
    expect(nav.language).toBe('en-US');
    expect([...nav.languages]).toEqual(['en-US', 'fr']);
    expect(() => new Intl.NumberFormat(nav.language)).not.toThrow();
  });
  it('leaves good tags alone', () => {
    const nav = fakeNavigator('de-DE', ['de-DE', 'en']);
    repairLocale(nav);
    expect(nav.language).toBe('de-DE');
    expect([...nav.languages]).toEqual(['de-DE', 'en']);
  });
});
