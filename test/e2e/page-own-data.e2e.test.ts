// The page with the user's own images, in real headless Chromium (WebGPU on SwiftShader where
// there is no GPU): a folder of three colour classes picked with the folder input is read by the
// worker (its damaged and empty pictures named and left out), shown with its classes, counts
// and coloured sample images; a folder with an empty class and an empty .npz are refused with
// one line naming them while the dataset read before stays; a zip of the folder dropped on the
// page gives the same dataset; the model to train is refused
// until fitted to the images (8x8x3) and the classes (3), then trains 2 epochs, and the
// predictions grid names the classes. No console error on the way. A screenshot goes to
// test-results/e2e/own-data.png (gitignored).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { recordedDataset } from '../../src/io/model-dataset.ts';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { ROOT, startPageServer, type PageServer } from './page-server.ts';

const CLASSES = { blue: [30, 60, 220], green: [40, 200, 60], red: [220, 40, 30] } as const;
const PER_CLASS = 20;
const SIDE = 8;
/** Flatten, Dense(8), Dense(10) on 28x28x1: a model that does not fit the folder until fitted. */
const layer = (type: string, config: Record<string, unknown>) => ({ class_name: type, config });
const TINY_MISFIT = {
  class_name: 'Sequential',
  config: {
    name: 'tiny_misfit',
    layers: [layer('InputLayer', { batch_shape: [null, 28, 28, 1] }), layer('Flatten', { name: 'f' }), layer('Dense', { name: 'd', units: 8, activation: 'relu' }), layer('Dense', { name: 'out', units: 10, activation: 'softmax' })],
  },
};

let pages: PageServer;
let page: Page;
let dir: string;
const errors: string[] = [];

/** An 8x8 RGB picture of one colour with a little noise. */
function picture(rgb: readonly number[], seed: number): Uint8Array {
  const data = new Uint8Array(SIDE * SIDE * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, rgb[i % 3] + (((seed * 31 + i * 17) % 41) - 20)));
  return encode({ width: SIDE, height: SIDE, data, channels: 3 });
}

const headline = () => page.textContent('#data-headline');
const dataError = () => page.textContent('#data-error');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'page-own-data-'));
  const good = join(dir, 'colours');
  for (const [name, rgb] of Object.entries(CLASSES)) {
    mkdirSync(join(good, name), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) writeFileSync(join(good, name, `${i}.png`), picture(rgb, i));
  }
  writeFileSync(join(good, 'red', 'damaged.png'), picture(CLASSES.red, 99).subarray(0, 40));
  writeFileSync(join(good, 'blue', 'empty.png'), new Uint8Array(0));
  const bad = join(dir, 'no-pictures');
  for (const name of ['cats', 'dogs']) mkdirSync(join(bad, name), { recursive: true });
  writeFileSync(join(bad, 'cats', 'a.png'), picture(CLASSES.red, 1));
  writeFileSync(join(bad, 'dogs', 'notes.txt'), 'not a picture');
  writeFileSync(join(dir, 'empty.npz'), new Uint8Array(0));

  pages = await startPageServer();
  const ctx = await pages.browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' });
  page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(`${pages.url}?estimate=on-demand`);
}, 120_000);

afterAll(async () => {
  await pages?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('reads a picked folder of colour classes, refuses bad data by name, fits the model and trains on it', async () => {
  await page.waitForFunction(() => 'mnistPage' in globalThis); // the panels are wired
  // A class folder without a picture: one line naming it, nothing read.
  await page.setInputFiles('#data-folder', join(dir, 'no-pictures'));
  await page.waitForFunction(() => /holds no images/.test(document.getElementById('data-error')!.textContent ?? ''), undefined, { timeout: 30_000 });
  expect(await dataError()).toMatch(/^no-pictures\/dogs: class folder dogs\/ holds no images/);
  expect(await page.isHidden('#data-summary')).toBe(true);

  // The colour folder: three classes, 20 pictures each, one damaged and one empty file named and left out.
  await page.setInputFiles('#data-folder', join(dir, 'colours'));
  await page.waitForSelector('#data-summary:not([hidden])', { timeout: 60_000 });
  expect(await headline()).toBe('colours: 3 classes [blue, green, red], 48 training and 12 test images of 8x8x3 (0.2 of each class held out for testing).');
  const rows = await page.$$eval('#data-classes tr', (trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent).join(' ')));
  expect(rows).toEqual(['Class Train Test', 'blue 16 4', 'green 16 4', 'red 16 4', 'All 48 12']);
  expect(await page.textContent('#data-skipped')).toMatch(/2 files skipped .*blue\/empty\.png \(empty\).*red\/damaged\.png \(/);
  expect(await dataError()).toBe('');
  // The samples are in colour, captioned by class: a red one's pixels are red.
  const samples = await page.$$eval('#data-samples figure', (figs) =>
    figs.map((f) => {
      const c = f.querySelector('canvas')!;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      return { name: f.querySelector('figcaption')!.textContent, rgb: [px[0], px[1], px[2]] };
    }),
  );
  expect(samples.length).toBe(12);
  const red = samples.find((s) => s.name === 'red')!;
  expect(red.rgb[0]).toBeGreaterThan(150);
  expect(red.rgb[1]).toBeLessThan(100);
  expect(await page.inputValue('#dataset')).toBe('own');
  expect(await page.textContent('#data-cli')).toBe('--dataset colours --image-size 8,8 --color-mode rgb --test-split 0.2');

  // An empty .npz: refused by name; the colour folder stays the dataset.
  await page.setInputFiles('#data-file', join(dir, 'empty.npz'));
  await page.waitForFunction(() => /empty\.npz/.test(document.getElementById('data-error')!.textContent ?? ''));
  expect(await dataError()).toBe('empty.npz: an empty file (0 bytes)');
  expect(await headline()).toMatch(/^colours: 3 classes/);

  // The same folder zipped and dropped on the page (a synthetic drop): the same dataset.
  const members: Record<string, Uint8Array> = {};
  for (const name of Object.keys(CLASSES)) for (const f of readdirSync(join(dir, 'colours', name))) members[`colours/${name}/${f}`] = readFileSync(join(dir, 'colours', name, f));
  const zip = Array.from(zipSync(members));
  await page.evaluate((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'colours.zip', { type: 'application/zip' }));
    document.getElementById('data-drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, zip);
  await page.waitForFunction(() => (globalThis as { mnistPage?: { state: { own?: { name: string }; ownReading?: unknown } } }).mnistPage?.state.ownReading === undefined && document.getElementById('data-error')!.textContent === '');
  expect(await headline()).toBe('colours: 3 classes [blue, green, red], 48 training and 12 test images of 8x8x3 (0.2 of each class held out for testing).');
  expect(await page.textContent('#data-skipped')).toMatch(/2 files skipped .*blue\/empty\.png \(empty\).*red\/damaged\.png \(/);

  // A model for 28x28x1 and 10 classes is refused, with the fit offered.
  await page.fill('#config', JSON.stringify(TINY_MISFIT));
  await page.waitForSelector('#data-fit:not([hidden])');
  expect(await page.textContent('#data-fit-text')).toMatch(/does not fit this data: the model's input is 28x28x1 \(height x width x channels\), the dataset's images are 8x8x3: its InputLayer's batch_shape must be \[null, 8, 8, 3\]/);
  expect(await page.isDisabled('#train')).toBe(true);
  await page.click('#data-fit');
  expect(await page.isHidden('#data-fit')).toBe(true);
  const config = JSON.parse(await page.inputValue('#config'));
  expect(config.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(['InputLayer', 'Rescaling', 'Flatten', 'Dense', 'Dense']);
  expect(config.config.layers[0].config.batch_shape).toEqual([null, 8, 8, 3]);
  expect(config.config.layers[4].config.units).toBe(3);

  const form = { epochs: '2', batchSize: '16', learningRate: '0.01', validationSplit: '0.1', evalCount: '12' };
  for (const [name, value] of Object.entries(form)) await page.fill(`input[name=${name}]`, value);
  await page.selectOption('select[name=autotune]', 'off');
  await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled, undefined, { timeout: 120_000 });
  await page.$eval('#train', (b) => (b as HTMLButtonElement).click()); // no hover: no estimate measured first
  await page.waitForFunction(() => document.querySelector('#test-count')?.textContent === '12', undefined, { timeout: 180_000 });
  const captions = await page.$$eval('#samples .pred', (els) => els.map((e) => e.textContent));
  expect(captions.length).toBe(12);
  for (const c of captions) expect(['blue', 'green', 'red']).toContain(c);
  const heads = await page.$$eval('#confusion tr:first-child th', (ths) => ths.map((t) => t.textContent));
  expect(heads).toEqual(['', 'blue', 'green', 'red']);
  expect(await page.textContent('#active-model')).toMatch(/2 epochs on colours/);
  // Saved, the model's file records the data it learned: its class names and input scaling.
  const [saved] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  expect(saved.suggestedFilename()).toBe('model.json');
  const record = recordedDataset(JSON.parse(readFileSync(await saved.path(), 'utf8')).userDefinedMetadata);
  expect(record?.classNames).toEqual(['blue', 'green', 'red']);
  expect(record?.imageShape).toEqual([8, 8, 3]);

  // Kept in this browser: after a reload the card shows the same data, and it can be chosen for a run again.
  const shown = await headline();
  await page.reload();
  await page.waitForFunction((text) => document.getElementById('data-headline')?.textContent === text, `${shown} Kept in this browser from an earlier visit.`, { timeout: 30_000 });
  await page.selectOption('#dataset', 'own');
  // The run restored from the autosave reads the pictures' bytes as it was trained to (as they are, not divided by 255): evaluated again, it predicts the same classes
  await page.waitForFunction(() => /after epoch 2/.test(document.getElementById('model-status')?.textContent ?? ''), undefined, { timeout: 60_000 });
  await page.waitForFunction(() => !(document.getElementById('evaluate') as HTMLButtonElement).disabled, undefined, { timeout: 60_000 });
  await page.click('#evaluate');
  await page.waitForFunction(() => document.querySelectorAll('#samples .pred').length > 0, undefined, { timeout: 120_000 });
  const again = await page.$$eval('#samples .pred', (els) => els.map((e) => e.textContent));
  expect(new Set(captions).size).toBeGreaterThan(1);
  expect(again.slice(0, captions.length)).toEqual(captions.slice(0, again.length));
  // and, saved again, its file still records the data it learned
  const [resaved] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  expect(recordedDataset(JSON.parse(readFileSync(await resaved.path(), 'utf8')).userDefinedMetadata)?.classNames).toEqual(['blue', 'green', 'red']);
  mkdirSync(join(ROOT, 'test-results', 'e2e'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'test-results', 'e2e', 'own-data.png'), fullPage: true });
  expect(errors).toEqual([]);
}, 300_000);
