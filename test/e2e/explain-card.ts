// The "Inside the network" card's checks, run on a page whose shipped model has read a drawn
// 7: both views opened, every layer named with its shape, the heat maps drawn for the guess
// and then for a chosen class and a chosen convolution, the view saved as a PNG; the card at the page's width and at
// 390 px with no console error, and axe clean. Screenshots go to `out`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright';
import { readModel } from '../../src/io/tfjs-model.ts';
import { layerTitle } from '../../src/ui/layers-figure.ts';
import { seriousAxeViolations } from './page-server.ts';

const CARD = '#explain-card';

/** The shipped network's layers as the Layers view names them. */
function modelLayers(modelDir: string): string[] {
  const { model } = readModel(JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')), new Map([['weights.bin', readFileSync(join(modelDir, 'weights.bin'))]]));
  return model.layers.map((l) => layerTitle({ layer: l.spec.name, type: l.spec.type, shape: l.outputShape }));
}

/** Colourful pixels (not grey) of a canvas: the heat maps. */
function colourPixels(canvas: Element): number {
  const c = canvas as HTMLCanvasElement;
  const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) n++;
  return n;
}

/** Checks the card on `page` (a drawn 7 already read as 7), leaving the viewport as it found it. */
export async function expectExplainCard(page: Page, modelDir: string, out: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const t0 = performance.now();
  await page.click(`${CARD} [data-view="layers"] summary`);
  await page.click(`${CARD} [data-view="why"] summary`);
  await page.waitForSelector(`${CARD}[data-state="ready"]`, { timeout: 120_000 });
  console.log(`explain card: first explanation shown ${((performance.now() - t0) / 1000).toFixed(1)} s after the views opened`);
  expect(await page.$$eval(`${CARD} .layer-shapes li`, (els) => els.map((e) => e.textContent))).toEqual(modelLayers(modelDir));
  expect(await page.getAttribute(CARD, 'data-class-index')).toBe('7');
  expect(await page.textContent(`${CARD} [data-role="caption"]`)).toMatch(/^top: 7 \d+\.\d%.*explained: 7; Grad-CAM on conv2d_1/);
  expect(await page.$eval(`${CARD} [data-figure="why"]`, colourPixels)).toBeGreaterThan(500);
  expect(await page.$eval(`${CARD} [data-figure="layers"]`, (c) => (c as HTMLCanvasElement).height)).toBeGreaterThan(400);

  await page.selectOption(`${CARD} [data-role="class"]`, '3');
  await page.waitForSelector(`${CARD}[data-class-index="3"][data-state="ready"]`, { timeout: 60_000 });
  expect(await page.textContent(`${CARD} [data-role="caption"]`)).toMatch(/explained: 3;/);
  // Grad-CAM on any convolution: the choices are the model's Conv2D layers, the last one by default.
  expect(await page.$$eval(`${CARD} [data-role="cam-layer"] option`, (els) => els.map((e) => (e as HTMLOptionElement).value))).toEqual(['', 'conv2d', 'conv2d_1']);
  await page.selectOption(`${CARD} [data-role="cam-layer"]`, 'conv2d');
  await page.waitForFunction((card) => /Grad-CAM on conv2d\./.test(document.querySelector(`${card} [data-role="caption"]`)?.textContent ?? ''), CARD, { timeout: 60_000 });
  expect(await page.textContent(`${CARD} [data-role="caption"]`)).toMatch(/explained: 3; Grad-CAM on conv2d\..*right: where the convolution \(conv2d\) looks/);
  expect(await page.$eval(`${CARD} [data-figure="why"]`, colourPixels)).toBeGreaterThan(500);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${CARD} [data-action="save-why"]`)]);
  expect(download.suggestedFilename()).toBe('why.png');
  await page.locator(CARD).screenshot({ path: join(out, 'explain-card-desktop.png'), timeout: 60_000 });

  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.$eval(CARD, (el) => el.getBoundingClientRect().right - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.locator(CARD).screenshot({ path: join(out, 'explain-card-390.png'), timeout: 60_000 });
  const bad = await seriousAxeViolations(page);
  expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
  expect(errors).toEqual([]);
  await page.setViewportSize(viewport);
  console.log(`explain card: checked in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
