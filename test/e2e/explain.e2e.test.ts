// The "Inside the network" card in real headless Chromium (WebGPU on SwiftShader where there
// is no GPU), with the model shipped with the page: a drawn 7, both views opened, every layer
// named with its shape, the heat maps drawn for the guess and then for a chosen class, the
// view saved as a PNG; the card at desktop and phone width with no console error, and axe
// clean. Screenshots go to test-results/e2e/explain/ (gitignored).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations, startPageServer, type PageServer } from './page-server.ts';
import { drawSeven } from './draw-digit.ts';
import { SHIPPED_MODEL_PATH } from '../../src/ui/shipped-model.ts';
import { readModel } from '../../src/io/tfjs-model.ts';
import { layerTitle } from '../../src/ui/layers-figure.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-results', 'e2e', 'explain');
const CARD = '#explain-card';
/** The shipped network's layers as the Layers view names them. */
function shippedLayers(): string[] {
  const dir = join(ROOT, 'public', SHIPPED_MODEL_PATH);
  const { model } = readModel(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), new Map([['weights.bin', readFileSync(join(dir, 'weights.bin'))]]));
  return model.layers.map((l) => layerTitle({ layer: l.spec.name, type: l.spec.type, shape: l.outputShape }));
}

let pages: PageServer;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'public', SHIPPED_MODEL_PATH, 'model.json'))) throw new Error(`no shipped model at public/${SHIPPED_MODEL_PATH}: the card's test needs it`);
  mkdirSync(OUT, { recursive: true });
  pages = await startPageServer();
}, 120_000);

afterAll(async () => {
  await pages?.close();
});

/** Colourful pixels (not grey) of a canvas: the heat maps. */
function colourPixels(canvas: Element): number {
  const c = canvas as HTMLCanvasElement;
  const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) n++;
  return n;
}

describe('the Inside the network card', () => {
  it('shows every layer and the heat maps of a drawn 7, for the guess and a chosen class', async () => {
    const ctx = await pages.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', acceptDownloads: true });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${pages.url}?estimate=on-demand`);
    await page.waitForSelector('#active-model[data-kind="shipped"]', { timeout: 120_000 });
    await drawSeven(page);
    await page.waitForFunction(() => document.getElementById('guess')?.textContent === '7', undefined, { timeout: 90_000 });
    const t0 = performance.now();
    await page.click(`${CARD} [data-view="layers"] summary`);
    await page.click(`${CARD} [data-view="why"] summary`);
    await page.waitForSelector(`${CARD}[data-state="ready"]`, { timeout: 120_000 });
    console.log(`explain e2e: first explanation shown ${((performance.now() - t0) / 1000).toFixed(1)} s after the views opened`);
    expect(await page.$$eval(`${CARD} .layer-shapes li`, (els) => els.map((e) => e.textContent))).toEqual(shippedLayers());
    expect(await page.getAttribute(CARD, 'data-class-index')).toBe('7');
    expect(await page.textContent(`${CARD} [data-role="caption"]`)).toMatch(/^top: 7 \d+\.\d%.*explained: 7; Grad-CAM on conv2d_1/);
    expect(await page.$eval(`${CARD} [data-figure="why"]`, colourPixels)).toBeGreaterThan(500);
    expect(await page.$eval(`${CARD} [data-figure="layers"]`, (c) => (c as HTMLCanvasElement).height)).toBeGreaterThan(400);

    await page.selectOption(`${CARD} [data-role="class"]`, '3');
    await page.waitForSelector(`${CARD}[data-class-index="3"][data-state="ready"]`, { timeout: 60_000 });
    expect(await page.textContent(`${CARD} [data-role="caption"]`)).toMatch(/explained: 3;/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${CARD} [data-action="save-why"]`)]);
    expect(download.suggestedFilename()).toBe('why.png');
    await page.locator(CARD).screenshot({ path: join(OUT, 'explain-1280.png'), timeout: 60_000 });

    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.$eval(CARD, (el) => el.getBoundingClientRect().right - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.locator(CARD).screenshot({ path: join(OUT, 'explain-390.png'), timeout: 60_000 });
    const bad = await seriousAxeViolations(page);
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 300_000);
});
