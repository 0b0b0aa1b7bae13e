// End-to-end tests of the page in real headless Chromium (WebGPU on SwiftShader where there is
// no GPU): a Vite dev server started here, the browser driven by Playwright. Screenshots go
// to test-results/ (gitignored).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Download, Page } from 'playwright';
import { build, createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import { launchWebGpuBrowser } from '../../src/cli/browser.ts';
import { readKerasFile } from '../../src/io/keras-file.ts';
import { modelFromKerasFile } from '../../src/io/keras-model.ts';
import { unzipSync, zipSync } from 'fflate';
import { globalHeapSizeFields } from '../io/fuzz-cases-keras.ts';

import { expectWhyOf } from './explain-why.ts';
import { durations, mainThreadReport, watchMainThread } from './main-thread-watch.ts';
const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-results', 'e2e');
const RUN_TIMEOUT = 300_000;
/** Flatten, Dense(16, relu), Dense(10): a model with few kernel choices, quick to tune. */
const TINY_MODEL = {
  module: 'keras',
  class_name: 'Sequential',
  config: {
    name: 'tiny',
    layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 28, 28, 1], name: 'input_layer' } },
      { class_name: 'Flatten', config: { name: 'flatten' } },
      { class_name: 'Dense', config: { name: 'dense', units: 16, activation: 'relu' } },
      { class_name: 'Dense', config: { name: 'dense_1', units: 10, activation: 'softmax' } },
    ],
  },
};

/**
 * TINY_MODEL with Dropout(0.25) before its last layer: everything a resume must restore comes
 * into play (Adam's moments and step, the dropout masks' step, the shuffle).
 */
const TINY_DROPOUT_MODEL = {
  ...TINY_MODEL,
  config: {
    name: 'tiny_dropout',
    layers: [...TINY_MODEL.config.layers.slice(0, 3), { class_name: 'Dropout', config: { name: 'dropout', rate: 0.25 } }, TINY_MODEL.config.layers[3]],
  },
};

let server: ViteDevServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let url: string;

function shot(name: string): Promise<Buffer> {
  return page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

async function text(selector: string): Promise<string> {
  return (await page.textContent(selector))?.trim() ?? '';
}

/** The 10 probabilities shown next to the drawing pad, in percent. */
async function shownProbabilities(): Promise<number[]> {
  return page.$$eval('#bars .value', (els) => els.map((e) => Number.parseFloat(e.textContent ?? 'NaN')));
}

/** Waits until the drawn digit has been classified. */
async function waitForGuess(): Promise<void> {
  await page.waitForSelector('#guess[data-state="ready"]', { timeout: 60_000 });
}

async function drawOne(): Promise<void> {
  await page.locator('#pad').scrollIntoViewIfNeeded(); // the mouse only reaches what is in the viewport
  const box = (await page.locator('#pad').boundingBox())!;
  const x = box.x + box.width * 0.5;
  await page.mouse.move(x, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(x + i * 0.3, box.y + box.height * (0.15 + (0.7 * i) / 12));
  await page.mouse.up();
}

interface ShownRun {
  running: boolean;
  busy: boolean;
  /** Epochs the page shows (its history). */
  shown: number;
  /** The epoch of the autosave the page knows to be kept. */
  kept: number;
  history: { loss: number; accuracy: number; val_loss: number; val_accuracy: number }[];
}

/** What the page shows of its run, and the epoch of its autosave. */
function shownRun(): Promise<ShownRun> {
  return page.evaluate(() => {
    type S = { running: boolean; busy: boolean; run?: { history: ShownRun['history'] }; checkpoint?: { epoch: number } };
    const s = (globalThis as unknown as { mnistPage: { state: S } }).mnistPage.state;
    const history = (s.run?.history ?? []).map(({ loss, accuracy, val_loss, val_accuracy }) => ({ loss, accuracy, val_loss, val_accuracy }));
    return { running: s.running, busy: s.busy, shown: history.length, kept: s.checkpoint?.epoch ?? 0, history };
  });
}

/**
 * Watches the page from now on: after every change of its DOM, whether each epoch it shows is
 * in its autosave (what is not is listed in epochWatch.unkept); with `stopAt`, Stop is clicked
 * as soon as the running run shows that epoch (right after the page has let the worker go on).
 */
async function watchEpochs(stopAt?: number): Promise<void> {
  await page.evaluate((stopAt) => {
    type S = { running: boolean; run?: { options: unknown; history: unknown[] }; checkpoint?: { options: unknown; epoch: number } };
    const g = globalThis as unknown as { mnistPage: { state: S }; epochWatch?: { unkept: string[]; stoppedAt: number } };
    const watch = (g.epochWatch = { unkept: [] as string[], stoppedAt: 0 });
    new MutationObserver(() => {
      const s = g.mnistPage.state;
      const shown = s.run?.history.length ?? 0;
      const c = s.checkpoint;
      if (shown > 0 && !(c && c.options === s.run!.options && c.epoch >= shown)) watch.unkept.push(`epoch ${shown} shown, autosave of ${c?.options === s.run!.options ? `epoch ${c!.epoch}` : 'another run'}`);
      if (stopAt !== undefined && !watch.stoppedAt && s.running && shown >= stopAt) {
        watch.stoppedAt = shown;
        document.getElementById('stop')!.click();
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, stopAt);
}

async function epochWatch(): Promise<{ unkept: string[]; stoppedAt: number }> {
  return page.evaluate(() => (globalThis as unknown as { epochWatch: { unkept: string[]; stoppedAt: number } }).epochWatch);
}

/** The bytes of weights.bin as "Save" downloads it now. */
async function savedWeights(): Promise<Buffer> {
  const download = page.waitForEvent('download', { predicate: (d) => d.suggestedFilename() === 'weights.bin', timeout: 60_000 });
  await page.click('#save');
  return readFileSync((await (await download).path())!);
}

/** Clicks Save and keeps the two files it downloads in `dir`; returns their names, sorted. */
async function saveModel(dir: string): Promise<string[]> {
  const downloads: Download[] = [];
  const both = new Promise<void>((done) => {
    const on = (d: Download) => {
      downloads.push(d);
      if (downloads.length === 2) {
        page.off('download', on);
        done();
      }
    };
    page.on('download', on);
  });
  await page.click('#save');
  await both;
  for (const d of downloads) await d.saveAs(join(dir, d.suggestedFilename()));
  return downloads.map((d) => d.suggestedFilename()).sort();
}

/** The page's training worker (the one that answers mnistWorker, src/ui/worker.ts). */
async function trainerWorker(): Promise<import('playwright').Worker> {
  for (const w of page.workers()) {
    if (await w.evaluate(() => 'mnistWorker' in self).catch(() => false)) return w;
  }
  throw new Error('no training worker in the page');
}

async function waitIdle(timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = (globalThis as { mnistPage?: { state: { running: boolean; busy: boolean } } }).mnistPage?.state;
      return s && !s.running && !s.busy;
    },
    undefined,
    { timeout },
  );
}

/**
 * The Train form for a tiny, exactly repeatable run: TINY_DROPOUT_MODEL, fixed kernels, Adam,
 * seed 7, 2 epochs of 900 images at batch 32 (100 validation, 100 test), shuffled, not continued.
 */
async function fillTinyRunForm(): Promise<void> {
  await page.fill('#config', JSON.stringify(TINY_DROPOUT_MODEL));
  await page.selectOption('select[name=autotune]', 'off'); // the same kernels in every run
  await page.selectOption('select[name=optimizer]', 'adam');
  await page.fill('input[name=learningRate]', '0.001');
  await page.fill('input[name=seed]', '7');
  await page.fill('input[name=epochs]', '2');
  await page.fill('input[name=batchSize]', '32');
  await page.fill('input[name=limit]', '1000');
  await page.fill('input[name=validationSplit]', '0.1');
  await page.fill('input[name=evalCount]', '100');
  await page.setChecked('input[name=shuffle]', true);
  await page.setChecked('input[name=continue]', false);
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await createServer({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await server.listen();
  // The estimate waits for intent here (as it did before it ran on arrival): these tests train small models, not the seed it would time.
  url = `${server.resolvedUrls!.local[0]}?estimate=on-demand`;
  // --expose-gc: the soak collects garbage in the worker before counting its GPU objects.
  browser = (await launchWebGpuBrowser('swiftshader', ['--js-flags=--expose-gc'])).browser;
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') console.error('[page console]', m.text());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the page', () => {
  it('loads and shows the adapter', async () => {
    await page.goto(url);
    await page.waitForSelector('#adapter[data-state="ok"], #adapter[data-state="fallback"]', { timeout: 60_000 });
    expect(await text('#adapter')).toMatch(/^GPU: /);
    expect(await page.isHidden('#no-webgpu')).toBe(true);
    await waitIdle(); // the shipped model (or none) has arrived
    expect(await page.isEnabled('#train')).toBe(true);
  }, 180_000);

  it('trains a short run and shows loss, accuracy, charts and predictions', async () => {
    await page.fill('input[name=epochs]', '1');
    await page.fill('input[name=batchSize]', '64');
    await page.fill('input[name=limit]', '600');
    await page.fill('input[name=validationSplit]', '0.1');
    await page.fill('input[name=evalCount]', '300');
    // A digit on the pad and the Layers view open, both on a tall screen: the view follows the
    // run (an explanation after each epoch) while the digit is drawn again and again.
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: viewport.width, height: 2600 });
    await page.click('#explain-card [data-view="layers"] summary');
    await drawOne();
    expect(await page.$eval('#explain-card', (c) => c.getBoundingClientRect().top < innerHeight)).toBe(true);
    await watchMainThread(page);
    await page.click('#train'); // the explainer's kernels compile as the trainer's do
    await page.waitForFunction(() => document.body.dataset.running === 'true');
    // Drawing until the epoch is half done: its last steps leave time for the explanation in flight to come back.
    const drawingOn = () =>
      page.evaluate(() => {
        const s = (globalThis as unknown as { mnistPage: { state: { running: boolean; run?: { progress?: { step: number; steps: number } } } } }).mnistPage.state;
        return s.running && (!s.run?.progress || s.run.progress.step < s.run.progress.steps / 2);
      });
    let strokes = 0;
    for (; strokes < 8 && (await drawingOn()); strokes++) await drawOne();
    // The Layers view shows the model after epoch 1, asked for while the run went on.
    await page.waitForFunction(() => (globalThis as unknown as { mainThreadWatch: { explainedEpochs: string[] } }).mainThreadWatch.explainedEpochs.includes('1'), undefined, { timeout: RUN_TIMEOUT });
    await page.setViewportSize(viewport);
    await page.waitForSelector('#results-card:not([hidden])', { timeout: RUN_TIMEOUT });
    await waitIdle();
    const watched = await mainThreadReport(page);
    console.log(
      `drawing while training with the Layers view open: ${strokes} strokes; ` +
        `pointer moves waited ${durations(watched.moveWaits)}, handled within ${durations(watched.moveTimes)}; ` +
        `long tasks ${durations(watched.longTasks)}; the card drew each explanation in ${durations(watched.explainDraws)}; ` +
        `explanations shown after epochs ${watched.explainedEpochs.join(', ')}`,
    );
    expect(watched.moveTimes.length).toBeGreaterThan(50);
    expect(watched.moveTimes[Math.floor(watched.moveTimes.length / 2)]).toBeLessThan(50); // most moves are drawn at once
    expect(await text('#stat-loss')).toMatch(/^\d+\.\d{4}$/);
    expect(await text('#stat-acc')).toMatch(/%$/);
    expect(await text('#stat-val-acc')).toMatch(/%$/);
    const acc = Number.parseFloat(await text('#test-acc'));
    expect(acc).toBeGreaterThan(20); // 9 Adam steps on 540 images: already better than chance (10%)
    expect(await text('#test-count')).toBe('300');
    expect(Number.parseFloat(await text('#test-loss'))).toBeGreaterThan(0);
    // charts: uPlot draws into canvases; the batch-loss chart has data points
    expect(await page.locator('#chart-batch canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#chart-loss canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#chart-acc canvas').count()).toBeGreaterThan(0);
    // predictions grid, confusion matrix, worst mistakes
    expect(await page.locator('#samples figure').count()).toBe(40);
    expect(await page.locator('#confusion td').count()).toBe(100);
    const total = await page.$$eval('#confusion td', (tds) => tds.reduce((a, td) => a + Number(td.textContent || 0), 0));
    expect(total).toBe(300);
    expect(await page.locator('#worst figure').count()).toBeGreaterThan(0);
    expect(await page.locator('#worst figure.wrong').count()).toBe(await page.locator('#worst figure').count());
    // a worst mistake's Why? button: the explain card shows that test image and its heat maps
    console.log(`Why? beside a worst mistake: explained in ${(await expectWhyOf(page, '#worst figure:nth-child(1)')).toFixed(1)} s`);
    for (const view of ['layers', 'why']) await page.click(`#explain-card [data-view="${view}"] summary`); // closed: the tests below explain nothing
    expect(await page.isEnabled('#save')).toBe(true);
    // Kernels "auto" on SwiftShader: the fixed rules, and the card says why
    expect(await page.inputValue('select[name=autotune]')).toBe('auto');
    expect(await text('#kernels-title')).toBe('Kernels: the fixed rules');
    expect(await text('#kernels-report')).toMatch(/software adapter: "auto" tunes on a hardware GPU only/);
    expect(await page.locator('#kernels-table').count()).toBe(0);
    // the two figures as PNG: the curves (three charts stacked) and the predictions grid (40 digits, 8 a row)
    for (const [button, name, minHeight] of [['#save-curves', 'learning-curves.png', 3 * 180], ['#save-predictions', 'test-predictions.png', 5 * 84]] as const) {
      const download = page.waitForEvent('download', (d) => d.suggestedFilename() === name);
      await page.click(button);
      const png = readFileSync((await (await download).path())!);
      writeFileSync(join(OUT, name), png);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBeGreaterThan(200); // IHDR width
      expect(png.readUInt32BE(20)).toBeGreaterThan(minHeight); // IHDR height
    }
    await shot('after-short-run');
  }, RUN_TIMEOUT + 30_000);

  it('classifies a digit drawn on the canvas', async () => {
    await drawOne();
    await waitForGuess();
    expect(await text('#guess')).toMatch(/^\d$/);
    const p = await shownProbabilities();
    expect(p).toHaveLength(10);
    expect(p.reduce((a, b) => a + b, 0)).toBeGreaterThan(99);
    expect(p.reduce((a, b) => a + b, 0)).toBeLessThan(101);
    // what the model sees: a non-empty 28x28 image
    const ink = await page.$eval('#seen', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    expect(ink).toBeGreaterThan(10);
    await page.locator('#draw-card').screenshot({ path: join(OUT, 'draw.png') });
  }, 90_000);

  it('saves the weights and loads them back; a wrong file changes nothing', async () => {
    const dir = join(OUT, 'model');
    mkdirSync(dir, { recursive: true });
    expect(await saveModel(dir)).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    const weights = readFileSync(join(dir, 'weights.bin'));
    expect(weights.length).toBe(225_034 * 4);
    const before = await shownProbabilities();

    // 1. a wrong pair: the model unchanged, a clear message
    const bad = join(dir, 'bad-model.json');
    writeFileSync(bad, JSON.stringify({ format: 'graph-model', weightsManifest: [] }));
    await page.setInputFiles('#load', [bad, join(dir, 'weights.bin')]);
    await page.waitForSelector('#message.error', { timeout: 30_000 });
    expect(await text('#message')).toMatch(/nothing was changed.*layers-model/s);
    // only one file
    await page.setInputFiles('#load', [join(dir, 'weights.bin')]);
    await page.waitForFunction(() => /both files together/.test(document.getElementById('message')!.textContent ?? ''));
    await shot('load-error');

    // 2. zero weights: every class equally likely, so the load really happened
    const zeros = join(dir, 'zeros');
    mkdirSync(zeros, { recursive: true });
    writeFileSync(join(zeros, 'model.json'), JSON.stringify(json));
    writeFileSync(join(zeros, 'weights.bin'), new Uint8Array(weights.length));
    await page.setInputFiles('#load', [join(zeros, 'model.json'), join(zeros, 'weights.bin')]);
    await page.waitForSelector('#message.ok', { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('#bars .value')?.textContent === '10.0%', undefined, {
      timeout: 30_000,
    });

    // 3. the saved pair: the drawn digit's probabilities are as before (on a busy machine the
    // load and the prediction after it can wait tens of seconds for SwiftShader)
    await page.setInputFiles('#load', [join(dir, 'model.json'), join(dir, 'weights.bin')]);
    await page
      .waitForFunction(
        (expected) => {
          const now = Array.from(document.querySelectorAll('#bars .value')).map((e) => Number.parseFloat(e.textContent ?? ''));
          return now.every((v, i) => Math.abs(v - expected[i]) < 0.051);
        },
        before,
        { timeout: 90_000 },
      )
      .catch(async (e: unknown) => {
        // Say what the page shows instead of only that the wait ran out.
        throw new Error(
          `probabilities after loading the saved pair: ${JSON.stringify(await shownProbabilities())}, expected ${JSON.stringify(before)}; ` +
            `message "${await text('#message')}", model status "${await text('#model-status')}" (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
        );
      });
    expect(await text('#model-status')).toMatch(/Loaded model\.json \+ weights\.bin/);

    // 4. saving again gives the same bytes
    const again = page.waitForEvent('download', (d) => d.suggestedFilename() === 'weights.bin');
    await page.click('#save');
    const path = join(dir, 'weights-again.bin');
    await (await again).saveAs(path);
    expect(Buffer.compare(readFileSync(path), weights)).toBe(0);

    // 5. "Save as .keras": Keras 3's file of the same weights, and Load takes it back
    const keras = page.waitForEvent('download', { predicate: (d) => d.suggestedFilename() === 'model.keras', timeout: 120_000 });
    await page.click('#save-keras');
    const kerasPath = join(dir, 'model.keras');
    await (await keras).saveAs(kerasPath);
    const read = modelFromKerasFile(await readKerasFile(new Uint8Array(readFileSync(kerasPath)), 'model.keras'), 'model.keras');
    const flat = new Float32Array(weights.buffer, weights.byteOffset, weights.length / 4);
    const packed = new Float32Array(read.model.params.count);
    let at = 0;
    for (const p of read.model.params.entries) packed.set(read.params.subarray(p.offset, p.offset + p.size), (at += p.size) - p.size);
    expect(Buffer.compare(Buffer.from(packed.buffer), Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength))).toBe(0);
    // a damaged .keras on which the HDF5 library loops (a global heap object's size edited) is refused at its time limit, and the worker goes on
    const members = unzipSync(new Uint8Array(readFileSync(join(ROOT, 'test', 'fixtures', 'keras', 'small-bn.keras'))));
    const h5 = members['model.weights.h5'].slice();
    h5[globalHeapSizeFields(h5)[0] + 1] = 10;
    const loopPath = join(dir, 'loop.keras');
    writeFileSync(loopPath, zipSync({ ...members, 'model.weights.h5': h5 }, { level: 0 }));
    const refusedAt = Date.now();
    await page.setInputFiles('#load', [loopPath]);
    await page.waitForFunction(() => /loop\.keras: model\.weights\.h5: is damaged: the HDF5 library did not finish reading it in \d/.test(document.body.textContent ?? ''), undefined, { timeout: 90_000 });
    console.log(`a looping .keras refused after ${((Date.now() - refusedAt) / 1000).toFixed(1)} s`);
    await page.setInputFiles('#load', [kerasPath]);
    await page.waitForFunction(() => /Loaded model\.keras\./.test(document.getElementById('model-status')!.textContent ?? ''), undefined, { timeout: 90_000 });
  }, 300_000);

  it('restores the autosaved run after a reload, in preference to the shipped model; an older autosave (weights only) loads as weights, with a note', async () => {
    // The autosave as an older version of the page wrote it: no trainer state.
    await page.evaluate(
      () =>
        new Promise<void>((done, fail) => {
          const open = indexedDB.open('webgpu-mnist', 1);
          open.onerror = () => fail(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction('checkpoints', 'readwrite');
            const store = tx.objectStore('checkpoints');
            const get = store.get('latest');
            get.onsuccess = () => {
              delete (get.result as { state?: unknown }).state;
              store.put(get.result, 'latest');
            };
            tx.oncomplete = () => (db.close(), done());
            tx.onerror = () => fail(tx.error);
          };
        }),
    );
    await page.reload();
    await page.waitForSelector('#resume-banner:not([hidden])', { timeout: 30_000 });
    expect(await text('#resume-text')).toMatch(/epoch 1 of 1/);
    expect(await text('#resume-text')).toMatch(/holds the weights only/);
    expect(await text('#resume-text')).toMatch(/autosave wins over the shipped model/);
    expect(await page.isHidden('#resume-run')).toBe(true); // finished: nothing to resume
    await page.waitForSelector('#active-model[data-kind="autosave"]', { timeout: 120_000 });
    expect(await text('#active-model')).toMatch(/restored from the autosave/);
    await drawOne();
    await waitForGuess();
    expect(await text('#guess')).toMatch(/^\d$/);
  }, 180_000);

  it('pauses and resumes; resumes from the last autosave when the GPU device is lost mid-training', async () => {
    await page.fill('input[name=epochs]', '2');
    // Epochs long enough (16 steps) that the loss simulated once epoch 1 is autosaved falls inside epoch 2.
    await page.fill('input[name=limit]', '2000');
    await page.fill('input[name=evalCount]', '100');
    await page.click('#train');
    // pause: 'Pausing…' while the steps already submitted finish, then 'Paused', which holds
    // the progress still; resume goes on
    // (the first run after the reload: the dataset is downloaded now, not when the autosave was restored)
    await page.waitForSelector('body[data-phase="training"]', { timeout: 240_000 });
    await page.click('#pause');
    await page.waitForSelector('body[data-phase="pausing"], body[data-phase="paused"]', { timeout: 30_000 });
    expect(await text('#pause')).toBe('Resume');
    await page.waitForSelector('body[data-phase="paused"]', { timeout: 120_000 });
    const width = await page.$eval('#bar-fill', (e) => (e as HTMLElement).style.width);
    await page.waitForTimeout(3000);
    expect(await page.$eval('#bar-fill', (e) => (e as HTMLElement).style.width)).toBe(width);
    await page.click('#pause');
    await page.waitForSelector('body[data-phase="training"]', { timeout: 30_000 });
    await page.waitForFunction(() => /Autosaved after epoch 1/.test(document.getElementById('model-status')!.textContent ?? ''), undefined, {
      timeout: RUN_TIMEOUT,
    });
    await page.evaluate(() => (globalThis as unknown as { mnistPage: { simulateDeviceLoss(): void } }).mnistPage.simulateDeviceLoss());
    await page
      .waitForFunction(() => /GPU device was lost \((?!Failed).*Resuming from the autosave after epoch 1/s.test(document.getElementById('message')!.textContent ?? ''), undefined, {
        timeout: 60_000,
      })
      .catch(async (e: unknown) => {
        throw new Error(`after the device loss the page says "${await text('#message')}" (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
      });
    await shot('device-lost');
    await page.waitForFunction(() => /Autosaved after epoch 2/.test(document.getElementById('model-status')!.textContent ?? ''), undefined, {
      timeout: RUN_TIMEOUT,
    });
    await page.waitForSelector('#message.ok', { timeout: 120_000 });
    await waitIdle();
    expect(await text('#test-count')).toBe('100');
    // the loss chart holds both epochs: the one before the loss and the one after
    const epochs = await page.evaluate(() => (globalThis as unknown as { mnistPage: { state: { run: { history: unknown[] } } } }).mnistPage.state.run.history.length);
    expect(epochs).toBe(2);
  }, 2 * RUN_TIMEOUT);

  it('tunes the kernels when asked (SwiftShader: auto keeps the fixed rules), caches them, and stops a diverging run (SGD, learning rate 1e30) naming the epoch and step, autosaving nothing non-finite', async () => {
    // A small model (3 tunable slots, about 5 s of tuning on SwiftShader; the seed's 10 take over a minute).
    await page.fill('#config', JSON.stringify(TINY_MODEL));
    await page.selectOption('select[name=autotune]', 'refresh');
    await page.fill('input[name=epochs]', '2');
    await page.fill('input[name=limit]', '600');
    await page.selectOption('select[name=optimizer]', 'sgd');
    await page.fill('input[name=learningRate]', '1e30');
    const saved = await text('#model-status');
    const diverges = async (): Promise<void> => {
      const t0 = Date.now();
      await page.click('#train');
      await page.waitForFunction(() => /Non-finite loss at epoch 1, step \d+/.test(document.getElementById('message')!.textContent ?? ''), undefined, {
        timeout: RUN_TIMEOUT,
      });
      expect(await text('#message')).toContain('The last autosave is kept.');
      await waitIdle();
      console.log(`a diverging run with the kernels tuned (${await page.inputValue('select[name=autotune]')}): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      expect(await text('#model-status')).toBe(saved);
    };
    await diverges();
    expect(await page.isVisible('#kernels-card')).toBe(true);
    expect(await text('#kernels-title')).toBe('Kernels tuned for this GPU');
    const slots = await page.evaluate(() => (globalThis as unknown as { mnistPage: { state: { run: { tuning: { slots: unknown[] } } } } }).mnistPage.state.run.tuning.slots.length);
    expect(slots).toBeGreaterThan(0);
    const rows = () =>
      page.$$eval('#kernels-table tbody tr', (trs) =>
        trs.map((tr) => ({ source: tr.getAttribute('data-source'), cells: Array.from(tr.querySelectorAll('td'), (c) => c.textContent ?? ''), chosen: tr.querySelector('li.chosen')?.textContent ?? '' })),
      );
    const tuned = await rows();
    expect(tuned).toHaveLength(slots);
    for (const r of tuned) {
      expect(r.source).toBe('tuned');
      expect(r.cells[4]).toBe('tuned now');
      expect(r.cells[5]).toMatch(/ \d+\.\d{3} ms/); // each candidate's median time (or "invalid")
      expect(r.chosen).toBe(`${r.cells[3]} ${/ (\d+\.\d{3}) ms/.exec(r.chosen)?.[1]} ms`); // the choice is a timed candidate
    }
    // "Tune (reuse cached choices)": the choices come back from IndexedDB, nothing measured
    await page.selectOption('select[name=autotune]', 'on');
    await diverges();
    const cached = await rows();
    expect(cached.map((r) => [r.source, r.cells[4], r.cells[3]])).toEqual(tuned.map((r) => ['cache', 'cached', r.cells[3]]));
    await page.locator('#kernels-card').screenshot({ path: join(OUT, 'kernels.png') });
    await page.selectOption('#preset', 'mnist-cnn');
    await page.selectOption('select[name=autotune]', 'auto');
    await page.selectOption('select[name=optimizer]', 'adam');
    await page.fill('input[name=learningRate]', '0.001');
  }, RUN_TIMEOUT);

  it('resumes a run stopped after epoch 1 and reloaded exactly: its final weights are byte-identical to those of a run that never stopped', async () => {
    const t0 = Date.now();
    await fillTinyRunForm();
    const finished = async (): Promise<ShownRun> => {
      await waitIdle(RUN_TIMEOUT);
      return shownRun();
    };

    // the run that never stops; every epoch is shown only once the autosave holds it
    await page.click('#train');
    await watchEpochs();
    const whole = await finished();
    expect(whole.shown).toBe(2);
    expect((await epochWatch()).unkept).toEqual([]);
    const expected = await savedWeights();
    expect(expected.length).toBe((784 * 16 + 16 + 16 * 10 + 10) * 4);
    const t1 = Date.now();

    // the same run, stopped as soon as epoch 1 is shown
    await page.click('#train');
    await watchEpochs(1);
    const stopped = await finished();
    expect(await epochWatch()).toEqual({ unkept: [], stoppedAt: 1 });
    expect(stopped.shown).toBe(1);
    expect(stopped.kept).toBe(1);

    // reload: the autosave offers to resume after epoch 1; resume to the end
    await page.reload();
    await page.waitForSelector('#resume-banner:not([hidden])', { timeout: 30_000 });
    expect(await text('#resume-text')).toMatch(/epoch 1 of 2/);
    expect(await text('#resume-text')).not.toMatch(/weights only/);
    await page.waitForSelector('#active-model[data-kind="autosave"]', { timeout: 120_000 });
    await waitIdle();
    await watchEpochs();
    await page.click('#resume-run');
    const resumed = await finished();
    expect((await epochWatch()).unkept).toEqual([]);
    const got = await savedWeights();
    expect(Buffer.compare(got, expected), 'the resumed run\'s weights.bin differs from the uninterrupted run\'s').toBe(0);
    expect(resumed.history).toEqual(whole.history); // each epoch's figures: the one before the stop and the one resumed
    console.log(`exact resume: uninterrupted run ${((t1 - t0) / 1000).toFixed(1)} s; stopped after epoch 1, reloaded and resumed ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    // (The soak below goes on with this page and this form: the tiny model, 2 epochs.)
  }, 2 * RUN_TIMEOUT);

  it('starts and stops runs again and again, loads a model and reads a digit: the worker\'s live GPU objects stay flat, the page\'s heap bounded', async () => {
    const t0 = Date.now();
    await fillTinyRunForm();
    await waitIdle();
    const worker = await trainerWorker();
    const cdp = await context.newCDPSession(page);
    const snapshot = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      const live = await worker.evaluate(() => (self as unknown as { mnistWorker: { liveGpuObjects(): Promise<Record<string, number>> } }).mnistWorker.liveGpuObjects());
      return { live, heapMb: usedSize / 2 ** 20 };
    };
    // The weights of the model in use, to load again and again.
    const dir = join(OUT, 'soak');
    mkdirSync(dir, { recursive: true });
    await saveModel(dir);

    /** One cycle: a run started and stopped after epoch 1, the saved model loaded, a digit drawn and read. */
    const cycle = async () => {
      await page.click('#train');
      await watchEpochs(1);
      await waitIdle(RUN_TIMEOUT);
      expect((await epochWatch()).stoppedAt).toBe(1);
      await page.setInputFiles('#load', [join(dir, 'model.json'), join(dir, 'weights.bin')]);
      await page.waitForSelector('#active-model[data-kind="file"]', { timeout: 60_000 });
      await drawOne();
      await waitForGuess();
      await waitIdle();
      return snapshot();
    };
    const CYCLES = 3;
    const snaps = [];
    for (let i = 0; i < CYCLES; i++) snaps.push(await cycle());
    console.log(`page soak (${((Date.now() - t0) / 1000).toFixed(1)} s): ${JSON.stringify(snaps.map((s) => ({ ...s, heapMb: s.heapMb.toFixed(2) })))}`);
    expect(snaps[0].live.buffer).toBeGreaterThan(0);
    // From the second cycle on: exactly the same live GPU objects (the first may add pipelines to
    // the device's cache), counted after a collection in the worker.
    for (const s of snaps.slice(2)) expect(s.live).toEqual(snaps[1].live);
    expect(snaps[CYCLES - 1].heapMb - snaps[1].heapMb).toBeLessThan(2);
  }, 2 * RUN_TIMEOUT);

  it('explains what to do in a browser without WebGPU', async () => {
    const ctx = await browser.newContext({ locale: 'en-US' });
    await ctx.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    const p = await ctx.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(url);
    await p.waitForSelector('#no-webgpu:not([hidden])', { timeout: 30_000 });
    expect(await p.textContent('#no-webgpu-message')).toMatch(/WebGPU is not available.*Chrome/s);
    expect(await p.textContent('#adapter')).toBe('No WebGPU');
    expect(await p.isDisabled('#train')).toBe(true);
    expect(errors).toEqual([]);
    await p.screenshot({ path: join(OUT, 'no-webgpu.png'), fullPage: true });
    await ctx.close();
  }, 60_000);
});

describe('the static build', () => {
  const outDir = join(ROOT, 'test-results', 'dist');
  let server: PreviewServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('builds index.html, the worker and the MNIST files, and works from a static server with no failed request and no console error or warning', async () => {
    await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    expect(existsSync(join(outDir, 'index.html'))).toBe(true);
    expect(readdirSync(join(outDir, 'assets')).some((f) => /^worker-.*\.js$/.test(f))).toBe(true);
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      expect(existsSync(join(outDir, 'mnist', f))).toBe(true);
    }
    expect(existsSync(join(outDir, 'fashion-mnist'))).toBe(false);
    expect(JSON.parse(readFileSync(join(outDir, 'datasets.json'), 'utf8'))).toEqual({ datasets: ['mnist'] });
    server = await preview({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    const ctx = await browser.newContext({ locale: 'en-US' });
    // Everything that went wrong on the way, the worker's requests and messages included.
    const problems: string[] = [];
    ctx.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`));
    ctx.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`));
    ctx.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`console ${m.type()}: ${m.text()}`));
    ctx.on('weberror', (e) => problems.push(`page error: ${e.error().message}`));
    const p = await ctx.newPage();
    await p.goto(server.resolvedUrls!.local[0]);
    await p.waitForSelector('#adapter[data-state="ok"], #adapter[data-state="fallback"]', { timeout: 60_000 });
    // a static build serves MNIST only, and says so
    await p.waitForSelector('#dataset-note:not([hidden])', { timeout: 30_000 });
    expect(await p.isDisabled('#dataset option[value="fashion-mnist"]')).toBe(true);
    await p.waitForFunction(() => {
      const s = (globalThis as { mnistPage?: { state: { busy: boolean } } }).mnistPage?.state;
      return s && !s.busy; // the shipped model has arrived (or is missing)
    }, undefined, { timeout: 120_000 });
    // the worker loads weights saved by the test above, builds a model (MNIST from dist/mnist) and classifies
    const dir = join(OUT, 'model');
    await p.setInputFiles('#load', [join(dir, 'model.json'), join(dir, 'weights.bin')]);
    await p.waitForSelector('#message.ok', { timeout: 120_000 });
    await p.fill('input[name=evalCount]', '200');
    await p.click('#evaluate');
    // the results card may already show the shipped model's figures (10,000 images): wait for this evaluation's
    await p.waitForFunction(() => document.querySelector('#test-count')?.textContent === '200', undefined, { timeout: 120_000 });
    expect(await p.isVisible('#results-card')).toBe(true);
    expect(await p.textContent('#test-acc')).toMatch(/%$/);
    expect(problems).toEqual([]);
    await ctx.close();
  }, 300_000);
});
