// The page on arrival, in real headless Chromium (WebGPU on SwiftShader where there is no
// GPU): the shipped model (public/trained/mnist-cnn/) predicts a drawn 7 with no training and
// no dataset download, its learning curves drawn, and the "Inside the network" card explains
// it (explain-card.ts), explains a digit of a number written on the number reader's pad
// (its Why? button, explain-why.ts) and maps 300 test images (map-card.ts); the model chooser's errors name the layer
// and option; axe finds no serious or critical violation; the phone layout keeps the pad and
// results within reach; under a C locale the page starts, estimates the first run on arrival
// and fits it to the adapter (the estimate compared with the run's real time); a start-up
// error is shown on the page.
// Screenshots at 1400x1000 and 390x844 go to test-results/e2e/ (gitignored).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { seriousAxeViolations, startPageServer, type PageServer } from './page-server.ts';
import { drawSeven } from './draw-digit.ts';
import { expectExplainCard } from './explain-card.ts';
import { expectMapCard } from './map-card.ts';
import { expectWhyOf } from './explain-why.ts';
import { glyph, padStrokes } from './number-pad.ts';
import { launchWebGpuBrowser } from '../../src/cli/browser.ts';
import { SHIPPED_MODEL_PATH } from '../../src/ui/shipped-model.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-results', 'e2e');
const SHIPPED = existsSync(join(ROOT, 'public', SHIPPED_MODEL_PATH, 'model.json'));

let pages: PageServer;
let browser: Browser;
let url: string;
/** Every GET the pages made, to see that no dataset was downloaded (the dataset choice only asks HEAD). */
const requested: string[] = [];

async function open(width: number, height: number): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height }, locale: 'en-US' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('request', (r) => r.method() === 'GET' && requested.push(r.url()));
  await page.goto(`${url}?estimate=on-demand`); // the arrival estimate is the C-locale test's (below): it compiles the seed's trainer
  return page;
}

/**
 * Pixels of the chart's canvas in a colour (not grey, not white): the plotted series. Axes,
 * grid and labels are grey or black, so a chart without data has none.
 */
async function seriesPixels(page: Page, chart: string): Promise<number> {
  return page.$eval(`${chart} canvas`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) n++;
    return n;
  });
}

/** The shipped model's epoch curves drawn (its history.json), waiting for the model to load. */
async function expectShippedCurves(page: Page): Promise<void> {
  await page.waitForFunction(() => ((globalThis as { mnistPage?: { state: { modelHistory?: unknown[] } } }).mnistPage?.state.modelHistory?.length ?? 0) > 0, undefined, {
    timeout: 120_000,
  });
  await page.waitForTimeout(300); // the charts redraw on the next frame
  expect(await seriesPixels(page, '#chart-loss')).toBeGreaterThan(50);
  expect(await seriesPixels(page, '#chart-acc')).toBeGreaterThan(50);
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  pages = await startPageServer();
  ({ url, browser } = pages);
}, 120_000);

afterAll(async () => {
  await pages?.close();
});

describe('the page on arrival', () => {
  it.skipIf(!SHIPPED)('recognises a drawn 7 with the shipped model, with no training and no dataset download', async () => {
    const page = await open(1400, 1000);
    await page.waitForSelector('#active-model[data-kind="shipped"]', { timeout: 120_000 });
    expect(await page.textContent('#active-model')).toMatch(/^Active model: shipped with the page/);
    await drawSeven(page);
    // The first answers may be of the stroke half drawn: wait for the whole drawing's.
    await page.waitForFunction(() => document.getElementById('guess')?.textContent === '7', undefined, { timeout: 90_000 }).catch(async () => {
      const p = await page.$$eval('#bars .value', (els) => els.map((e) => e.textContent).join(' '));
      throw new Error(`the drawn 7 reads "${await page.textContent('#guess')}" (probabilities 0-9: ${p})`);
    });
    expect(requested.filter((r) => /idx\d-ubyte/.test(r))).toEqual([]);
    await expectShippedCurves(page);
    await page.screenshot({ path: join(OUT, 'arrival-1400x1000.png'), fullPage: false, timeout: 120_000 });
    await expectExplainCard(page, join(ROOT, 'public', SHIPPED_MODEL_PATH), OUT);
    // A digit of a number read: its Why? button explains the field the model saw.
    await padStrokes(page, [...glyph('4', 120, 50, 110, 170), ...glyph('2', 420, 40, 130, 190)]);
    await page.waitForSelector('#numbers-card[data-state="read"]', { timeout: 60_000 });
    expect(await page.getAttribute('#numbers-card', 'data-number')).toBe('42');
    const whySeconds = await expectWhyOf(page, '#numbers-card .number-fields figure:nth-child(2)');
    console.log(`Why? beside a digit read: explained in ${whySeconds.toFixed(1)} s`);
    await expectMapCard(page, OUT); // downloads MNIST's test images: after the no-download check

    // the options form: messages name the field's label and keep to its max; Momentum is SGD's only
    expect(await page.isDisabled('input[name=momentum]')).toBe(true);
    await page.selectOption('select[name=optimizer]', 'sgd');
    expect(await page.isEnabled('input[name=momentum]')).toBe(true);
    await page.selectOption('select[name=optimizer]', 'adam');
    await page.fill('input[name=validationSplit]', '0.95');
    await page.click('#train');
    expect(await page.textContent('#options-error')).toBe('Validation split: from 0 to 0.9, got 0.95');
    await page.fill('input[name=validationSplit]', '0.1');
    await page.fill('input[name=learningRate]', '0');
    await page.click('#train');
    expect(await page.textContent('#options-error')).toMatch(/^Learning rate: /);
    expect(await page.getAttribute('body', 'data-running')).toBe('false');
    await page.context().close();
  }, 300_000);

  it('names the layer and option of an invalid config, and updates the summary for a preset', async () => {
    const page = await open(1400, 1000);
    await page.selectOption('#preset', 'lenet5');
    expect(await page.textContent('#summary')).toMatch(/average_pooling2d/);
    expect(await page.inputValue('#config')).toMatch(/"lenet5"|average_pooling2d/i);
    const text = await page.inputValue('#config');
    const broken = text.replace(/"padding": "same"/, '"padding": "sideways"');
    expect(broken).not.toBe(text);
    await page.fill('#config', broken);
    const error = await page.textContent('#config-error');
    expect(error).toMatch(/layer 0 "conv2d" \(Conv2D\), option padding/);
    expect(await page.getAttribute('#config-error', 'aria-live')).toBe('polite');
    expect(await page.inputValue('#preset')).toBe('custom');
    await page.fill('#config', text);
    expect(await page.textContent('#config-error')).toBe('');
    await page.context().close();
  }, 60_000);

  it('passes axe with no serious or critical violation', async () => {
    const page = await open(1400, 1000);
    await page.waitForSelector('#adapter[data-state="ok"], #adapter[data-state="fallback"]', { timeout: 60_000 });
    const bad = await seriousAxeViolations(page);
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
    await page.context().close();
  }, 90_000);

  it('on a phone (390x844) puts the pad near the top, with nothing wider than the screen', async () => {
    const page = await open(390, 844);
    await page.waitForSelector('#adapter[data-state="ok"], #adapter[data-state="fallback"]', { timeout: 60_000 });
    const pad = (await page.locator('#pad').boundingBox())!;
    expect(pad.y).toBeLessThan(844); // in the first screen
    expect(pad.x + pad.width).toBeLessThanOrEqual(390);
    const results = await page.evaluate(() => {
      const draw = document.getElementById('draw-card')!.getBoundingClientRect();
      const res = document.getElementById('results-card')!;
      res.hidden = false; // where the results appear once there are some
      const r = res.getBoundingClientRect();
      res.hidden = true;
      return { drawBottom: draw.bottom, resultsTop: r.top };
    });
    expect(results.resultsTop).toBeLessThanOrEqual(results.drawBottom + 40); // right after the pad
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await page.screenshot({ path: join(OUT, 'arrival-390x844.png'), fullPage: false, timeout: 120_000 });
    await page.screenshot({ path: join(OUT, 'arrival-390x844-full.png'), fullPage: true, timeout: 120_000 });
    await page.context().close();
  }, 90_000);
});

describe('start-up', () => {
  it('shows an error thrown while the page starts on the page, with what to do', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 800 }, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.route('**/src/ui/app.ts*', (route) => route.fulfill({ contentType: 'text/javascript', body: "throw new Error('forced start-up failure');" }));
    await page.goto(url);
    await page.waitForSelector('#startup-error:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#startup-error-message')).toMatch(/^forced start-up failure\. Reload the page\./);
    expect(await page.textContent('#adapter')).toBe('The page could not start');
    await ctx.close();
  }, 60_000);

  it.skipIf(!SHIPPED)('under a C locale (Chromium reports en-US@posix): starts, draws the curves, estimates the first run on arrival and fits it to the adapter (a 30 s budget here); the estimate holds within 30%', async () => {
    const saved = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL };
    process.env.LANG = 'C.UTF-8';
    process.env.LC_ALL = 'C.UTF-8';
    const launched = await launchWebGpuBrowser('swiftshader').finally(() => {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    });
    try {
      const page = await (await launched.browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const fetched: string[] = [];
      page.on('request', (r) => fetched.push(r.url()));
      const arrived = Date.now();
      await page.goto(`${url}?first-run=30`);
      await page.waitForSelector('#adapter[data-state="ok"], #adapter[data-state="fallback"]', { timeout: 60_000 });
      // The browser's own tag was one Intl rejects: the page replaced it (an own property; the browser's is on the prototype).
      expect(await page.evaluate(() => [navigator.language, Object.getOwnPropertyDescriptor(navigator, 'language') !== undefined])).toEqual(['en-US', true]);
      await expectShippedCurves(page);
      expect(await page.isHidden('#startup-error')).toBe(true);

      // The first run: measured on arrival, fitted to the budget, the full run one click away.
      await page.waitForSelector('#estimate[data-seconds]', { timeout: 180_000 });
      const shownAfter = (Date.now() - arrived) / 1000;
      const estimated = Number(await page.getAttribute('#estimate', 'data-seconds'));
      expect(await page.textContent('#estimate')).toMatch(
        /^This run: 1 epoch on [\d,]+ images, (about \d+ s|a few seconds) on this adapter \(software: SwiftShader\)\. The full run takes about [\d.]+ (min|h)\.$/,
      );
      expect(await page.textContent('#full-run')).toBe('Full run instead: 12 epochs on all 60,000 images');
      expect(estimated).toBeLessThanOrEqual(30);
      const limit = Number(await page.inputValue('input[name=limit]'));
      expect(limit).toBeGreaterThanOrEqual(1000);
      expect(fetched.filter((r) => /idx\d-ubyte/.test(r))).toEqual([]); // timed on blank images: no download yet

      // The full run is one click away (then measured as it is: the form is the user's now).
      await page.click('#full-run');
      expect(await page.inputValue('input[name=epochs]')).toBe('12');
      expect(await page.inputValue('input[name=limit]')).toBe('');
      expect(await page.isHidden('#full-run')).toBe(true);
      await page.waitForFunction(() => /^This run: about [\d.]+ (min|h) on this adapter/.test(document.getElementById('estimate')?.textContent ?? ''), undefined, { timeout: 60_000 });
      // Back to the fitted run, as the form had it (values set without an input event: no new estimate).
      await page.evaluate((n) => {
        (document.querySelector('input[name=epochs]') as HTMLInputElement).value = '1';
        (document.querySelector('input[name=limit]') as HTMLInputElement).value = String(n);
      }, limit);

      /** Trains the form as it is; the seconds it took, and where the time went (each phase with when it began). */
      const trainNow = async (): Promise<{ real: number; phases: string[] }> => {
        const started = Date.now();
        await page.click('#train');
        const phases: string[] = [];
        const poll = setInterval(() => {
          void page
            .textContent('#phase')
            .then((t) => t && !phases.at(-1)?.endsWith(` ${t.replace(/: \d+ of \d+.*/, '')}`) && phases.push(`${((Date.now() - started) / 1000).toFixed(1)} s ${t.replace(/: \d+ of \d+.*/, '')}`))
            .catch(() => undefined);
        }, 250);
        await page.waitForFunction(() => document.body.dataset.running === 'true');
        await page.waitForFunction(() => document.body.dataset.running === 'false', undefined, { timeout: 300_000 });
        clearInterval(poll);
        return { real: (Date.now() - started) / 1000, phases };
      };
      const first = await trainNow();
      console.log(`first run on SwiftShader: estimate shown ${shownAfter.toFixed(1)} s after arrival; 1 epoch on ${limit} images, estimated ${estimated.toFixed(1)} s, took ${first.real.toFixed(1)} s`);
      if (Math.abs(first.real - estimated) / first.real >= 0.3) {
        // Measured while the page (and, in `npm test`, the GPU tests beside it) started up, the steps can time slower than
        // they run later: the estimate is measured again (one image more, the same trainer timed) and must then hold.
        const before = await page.getAttribute('#estimate', 'data-seconds');
        await page.fill('input[name=limit]', String(limit + 1));
        await page.waitForFunction((old) => { const s = document.getElementById('estimate')?.dataset.seconds; return s !== undefined && s !== old; }, before, { timeout: 120_000 });
        const again = Number(await page.getAttribute('#estimate', 'data-seconds'));
        const second = await trainNow();
        console.log(`measured again: estimated ${again.toFixed(1)} s, took ${second.real.toFixed(1)} s`);
        expect(Math.abs(second.real - again) / second.real, `${first.phases.join(' / ')}; again: ${second.phases.join(' / ')}`).toBeLessThan(0.3);
      }
      expect(errors).toEqual([]);
    } finally {
      await launched.browser.close();
    }
  }, 400_000);
});
