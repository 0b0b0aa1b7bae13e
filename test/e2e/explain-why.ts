// The Why? buttons' checks, for the page tests: a Why? button beside a picture (a digit of a
// number read, a worst mistake) opens the "Inside the network" card's Why? view on that very
// picture: the input it shows is the picture beside the button (both stretched black .. white,
// as the card draws it), with heat maps, no console error, and axe clean.
import { expect } from 'vitest';
import type { Page } from 'playwright';
import { seriousAxeViolations } from './page-server.ts';

const CARD = '#explain-card';

/**
 * Compares the Why? figure's first panel (the input as the model sees it) with `picture`, a
 * canvas of the picture pixel for pixel; returns the largest difference in grey levels after
 * both are stretched to 0 .. 255, and the heat maps' colourful pixels.
 */
function compareShown([why, picture]: readonly string[]): { maxDiff: number; heatPixels: number; size: string } {
  const GAP = 6; // src/explain/explanation-png.ts's margin around each panel
  const src = document.querySelector(picture) as HTMLCanvasElement;
  const fig = document.querySelector(why) as HTMLCanvasElement;
  const [w, h] = [src.width, src.height];
  const scale = Math.round((fig.width - 4 * GAP) / (3 * w)); // three panels: input, saliency, Grad-CAM
  const grey = (d: Uint8ClampedArray, i: number) => (d[i] + d[i + 1] + d[i + 2]) / 3;
  const stretch = (v: number[]) => {
    const [lo, hi] = [Math.min(...v), Math.max(...v)];
    return v.map((x) => (hi > lo ? (255 * (x - lo)) / (hi - lo) : 0));
  };
  const s = src.getContext('2d')!.getImageData(0, 0, w, h).data;
  const f = fig.getContext('2d')!.getImageData(0, 0, fig.width, fig.height).data;
  const want = stretch(Array.from({ length: w * h }, (_, p) => grey(s, 4 * p)));
  const shown = stretch(Array.from({ length: w * h }, (_, p) => grey(f, 4 * ((GAP + Math.floor(p / w) * scale + (scale >> 1)) * fig.width + GAP + (p % w) * scale + (scale >> 1)))));
  let heatPixels = 0;
  for (let y = GAP; y < GAP + h * scale; y++) {
    for (let x = 2 * GAP + w * scale; x < fig.width - GAP; x++) {
      const i = 4 * (y * fig.width + x);
      if (Math.max(f[i], f[i + 1], f[i + 2]) - Math.min(f[i], f[i + 1], f[i + 2]) > 60) heatPixels++;
    }
  }
  return { maxDiff: Math.max(...want.map((v, p) => Math.abs(v - shown[p]))), heatPixels, size: `${w}x${h} x${scale}` };
}

/**
 * Clicks the Why? button of `figure` (whose canvas is the picture) and checks the card
 * explains that picture for its guess; returns the seconds until it was shown.
 */
export async function expectWhyOf(page: Page, figure: string): Promise<number> {
  const button = `${figure} button.why`;
  const errors: string[] = [];
  const onError = (e: Error) => errors.push(e.message);
  const onConsole = (m: { type(): string; text(): string }) => m.type() === 'error' && errors.push(m.text());
  page.on('pageerror', onError);
  page.on('console', onConsole);
  const label = (await page.getAttribute(button, 'aria-label')) ?? '';
  expect(label).toMatch(/^Why\? Explain /);
  const title = label.replace(/^Why\? Explain /, '');
  const t0 = performance.now();
  await page.click(button);
  await page.waitForFunction(
    ([card, t]) => {
      const el = document.querySelector<HTMLElement>(card);
      return el?.dataset.state === 'ready' && el.dataset.explained === t;
    },
    [CARD, title] as const,
    { timeout: 60_000 },
  );
  const seconds = (performance.now() - t0) / 1000;
  expect(await page.textContent(`${CARD} [data-role="subject"]`)).toBe(`Explaining ${title}.`);
  expect(await page.$eval(`${CARD} [data-view="why"]`, (d) => (d as HTMLDetailsElement).open)).toBe(true);
  expect(await page.inputValue(`${CARD} [data-role="class"]`)).toBe(''); // the guess
  const shown = await page.evaluate(compareShown, [`${CARD} [data-figure="why"]`, `${figure} canvas`] as const);
  expect(shown.maxDiff, `the shown input (${shown.size}) against the picture beside the button`).toBeLessThanOrEqual(2);
  expect(shown.heatPixels).toBeGreaterThan(50);
  const bad = await seriousAxeViolations(page);
  expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
  page.off('pageerror', onError);
  page.off('console', onConsole);
  expect(errors).toEqual([]);
  return seconds;
}
