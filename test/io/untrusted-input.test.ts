// The loaders' shared defences: one printable line per error, JSON refused before parsing when
// it is binary, too long or too deep, and zip members read within a cap and checked by CRC.
import { deflateSync, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { describeStart, FileFormatError, oneLine, problemList } from '../../src/io/file-format-error.ts';
import { JsonContentError, parseJsonContent, tooDeepAt } from '../../src/io/json-content.ts';
import { MAX_JSON_BYTES } from '../../src/io/load-limits.ts';
import { zipEntries, zipMember, ZipReadError } from '../../src/io/zip-read.ts';

const problemOf = (input: Uint8Array | string) => {
  try {
    parseJsonContent(input);
  } catch (e) {
    expect(e).toBeInstanceOf(JsonContentError);
    return (e as Error).message;
  }
  return 'parsed';
};

describe('one printable line', () => {
  it('escapes line breaks, terminal escapes, bidirectional overrides and lone surrogates; cuts long text', () => {
    expect(oneLine('a\nb\r\u001b[31mred\u202eevil\ud800')).toBe('a\\x0ab\\x0d\\x1b[31mred\\u202eevil\\ud800');
    expect(oneLine('😀 ok')).toBe('😀 ok');
    expect(oneLine('x'.repeat(5000))).toHaveLength(1000);
    expect(new FileFormatError('f.bin: line 1\nline 2').message).toBe('f.bin: line 1\\x0aline 2');
  });

  it('lists a few problems and counts the rest', () => {
    expect(problemList(['a', 'b'])).toBe('a; b');
    expect(problemList(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a; b; c; d; and 2 more');
  });

  it('names what a binary file may be', () => {
    expect(describeStart(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d]))).toBe('starts with bytes 89 50 4e 47: a PNG image?');
    expect(describeStart(new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBe('starts with bytes 50 4b 03 04: a zip archive (such as a .keras file)?');
    expect(describeStart(new Uint8Array([1, 2]))).toBe('starts with bytes 01 02');
    expect(describeStart(new Uint8Array(0))).toBe('is empty');
  });
});

describe('JSON from a file', () => {
  it('parses text and bytes (a byte order mark allowed)', () => {
    expect(parseJsonContent('{"a": [1, "]["]}')).toEqual({ a: [1, ']['] });
    expect(parseJsonContent(strToU8('\ufeff{"b": true}'))).toEqual({ b: true });
  });

  it('refuses binary data by naming it, never quoting its bytes', () => {
    expect(problemOf(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('not a JSON file (starts with bytes 89 50 4e 47: a PNG image?)');
    expect(problemOf(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toBe('not a JSON file (not UTF-8 text; starts with bytes 7b ff fe 7d)');
    expect(problemOf('{"a": 1}\u0000')).toMatch(/^not a JSON file/);
  });

  it('refuses a document over the cap before decoding it, and nesting past 64 levels before parsing it', () => {
    expect(problemOf(new Uint8Array(MAX_JSON_BYTES + 1).fill(0x20))).toBe('4,194,305 bytes, more than the 4,194,304 a JSON document may have here');
    expect(problemOf('['.repeat(65) + ']'.repeat(65))).toBe('JSON nested more than 64 levels deep (at character 64)');
    expect(parseJsonContent('['.repeat(64) + ']'.repeat(64))).toBeInstanceOf(Array);
    expect(tooDeepAt(`{"s": "${'['.repeat(100)}\\"${'{'.repeat(100)}"}`)).toBe(-1); // brackets inside strings do not count
  });

  it('reports a syntax error on one short line', () => {
    const message = problemOf(`{"a": 1,\n${'x'.repeat(10_000)}}`);
    expect(message).toMatch(/^not valid JSON \(/);
    expect(message.length).toBeLessThan(200);
    expect(message).not.toContain('\n');
  });
});

describe('zip members', () => {
  const text = strToU8('{"hello": "world"}');
  const entryOf = (zip: Uint8Array, name: string) => zipEntries(zip).find((e) => e.name === name)!;
  const problem = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ZipReadError);
      return (e as Error).message;
    }
    return 'read';
  };

  it('reads stored and deflated members', () => {
    for (const level of [0, 6] as const) {
      const zip = zipSync({ 'a.json': text, 'b.bin': new Uint8Array(20_000).fill(7) }, { level });
      expect(zipMember(zip, entryOf(zip, 'a.json'), 1000)).toEqual(text);
      expect(zipMember(zip, entryOf(zip, 'b.bin'), 20_000)).toEqual(new Uint8Array(20_000).fill(7));
    }
  });

  it('stops inflating at the cap whatever size the archive declares', () => {
    const zip = zipSync({ 'big.txt': new Uint8Array(2_000_000).fill(0x20) }, { level: 1 });
    const entry = entryOf(zip, 'big.txt');
    expect(problem(() => zipMember(zip, entry, 500_000))).toBe('member big.txt is larger than the 500,000 bytes this trainer reads (a damaged file or a zip bomb?)');
    expect(problem(() => zipMember(zip, { ...entry, declaredSize: 10 }, 500_000))).toMatch(/larger than the 500,000 bytes/);
    expect(zipMember(zip, { ...entry, declaredSize: 10 }, 2_000_000)).toHaveLength(2_000_000);
  });

  it('refuses damaged data: a CRC mismatch, a cut deflate stream, data past the end', () => {
    const zip = zipSync({ 'a.json': text }, { level: 0 });
    const entry = entryOf(zip, 'a.json');
    expect(problem(() => zipMember(zip, { ...entry, crc32: entry.crc32 ^ 1 }, 1000))).toBe('member a.json is damaged (its CRC-32 does not match)');
    expect(problem(() => zipMember(zip, { ...entry, compressedSize: 1e9 }, 2e9))).toBe('member a.json: its data runs past the end of the archive (truncated?)');
    const deflated = zipSync({ 'a.json': text }, { level: 9 });
    const d = entryOf(deflated, 'a.json');
    expect(problem(() => zipMember(deflated, { ...d, compressedSize: d.compressedSize - 3 }, 1000))).toMatch(/^member a\.json is damaged \(/);
    expect(problem(() => zipEntries(deflateSync(text)))).toBe('not a zip archive (no end-of-central-directory record)');
  });
});
