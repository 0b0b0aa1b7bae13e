// The map card's checks, run on a page whose shipped model is loaded: a map of 300 MNIST test
// images asked for, its progress shown, the legend naming the ten digits, coloured dots
// drawn, pointing at a dot (and the arrow keys) shows its image with the true and predicted classes, the map saved
// as a PNG, the card within a phone's width, no console error. Screenshots go to `out`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { expect } from 'vitest';
import type { Page } from 'playwright';
import { MAP_FRAME } from '../../src/ui/map-figure.ts';

const CARD = '#map-card';

/** Checks the card on `page` (the shipped model active). */
export async function expectMapCard(page: Page, out: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const t0 = performance.now();
  await page.fill(`${CARD} [data-role="count"]`, '300');
  await page.click(`${CARD} [data-action="map"]`);
  await page.waitForSelector(`${CARD}[data-state="working"]`);
  // While it maps, the page is busy: Train waits.
  expect(await page.isDisabled('#train')).toBe(true);
  await page.waitForSelector(`${CARD}[data-state="ready"], ${CARD}[data-state="error"]`, { timeout: 120_000 });
  expect(await page.textContent(`${CARD} [data-role="status"]`)).toBe('');
  await page.waitForSelector('#train:not([disabled])', { timeout: 10_000 });
  console.log(`map card: 300 test images mapped in ${((performance.now() - t0) / 1000).toFixed(1)} s (MNIST's download included)`);
  expect(await page.getAttribute(CARD, 'data-points')).toBe('300');
  expect(await page.$$eval(`${CARD} .map-legend li`, (els) => els.map((e) => e.textContent))).toEqual([...'0123456789'.split(''), 'misclassified']);
  expect(await page.textContent(`${CARD} [data-role="caption"]`)).toMatch(
    /^300 test images placed by the input of \w+ \(128 values: the output of \w+\); UMAP with nNeighbors 15, minDist 0\.1, 400 epochs, seed 1\. \d+\.\d% right, \d+ misclassified/,
  );

  await page.locator(`${CARD} [data-figure="map"]`).scrollIntoViewIfNeeded();
  // The dots: colourful pixels, in at least eight of the ten class colours; the first one found is pointed at.
  const dots = await page.$eval(`${CARD} [data-figure="map"]`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    let first = -1;
    const hues = new Set<string>();
    for (let i = 0; i < px.length; i += 4) {
      if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) <= 60) continue;
      count++;
      if (first < 0) first = i / 4;
      hues.add(`${px[i] >> 5},${px[i + 1] >> 5},${px[i + 2] >> 5}`);
    }
    const r = canvas.getBoundingClientRect();
    const scale = r.width / canvas.width;
    return { count, colours: hues.size, x: r.left + ((first % canvas.width) + 0.5) * scale, y: r.top + (Math.floor(first / canvas.width) + 0.5) * scale };
  });
  // Dots of a class overlap where the network clusters it tightly: at least 4 coloured pixels a dot on average.
  expect(dots.count).toBeGreaterThan(300 * 4);
  expect(dots.colours).toBeGreaterThanOrEqual(8);
  await page.mouse.move(dots.x, dots.y);
  await page.waitForSelector(`${CARD} [data-role="tip"]:not([hidden])`, { timeout: 5_000 });
  expect(await page.textContent(`${CARD} [data-role="tip"]`)).toMatch(/^test image \d+true: \dpredicted: \d$/);

  // The keyboard: the arrow keys walk from dot to dot.
  const pointed = await page.textContent(`${CARD} [data-role="tip"]`);
  await page.focus(`${CARD} [data-figure="map"]`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  expect(await page.isVisible(`${CARD} [data-role="tip"]`)).toBe(true);
  expect(await page.textContent(`${CARD} [data-role="tip"]`)).not.toBe(pointed);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${CARD} [data-action="save"]`)]);
  expect(download.suggestedFilename()).toBe('test-map.png');
  const png = decode(readFileSync(await download.path()));
  expect(png.width).toBeGreaterThan(MAP_FRAME.width); // the map with a margin, a title above and the legend below
  expect(png.height).toBeGreaterThan(MAP_FRAME.height + 60);
  await page.locator(CARD).screenshot({ path: join(out, 'map-card-desktop.png'), timeout: 60_000 });

  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.$eval(CARD, (el) => el.getBoundingClientRect().right - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.locator(CARD).screenshot({ path: join(out, 'map-card-390.png'), timeout: 60_000 });
  await page.setViewportSize(viewport);
  expect(errors).toEqual([]);
  console.log(`map card: checked in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
