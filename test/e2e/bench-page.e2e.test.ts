// bench.html in real headless Chromium (WebGPU on SwiftShader where there is no GPU): a quick
// run shows every section done, the validation rows, the per-kernel table and the step chart,
// and its JSON download has the schema of `npm run bench -- --json` (bench/bench-schema.ts).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchJsonProblems } from '../../bench/bench-schema.ts';
import { BENCH_SECTIONS } from '../../bench/bench-protocol.ts';
import { seriousAxeViolations, startPageServer, type PageServer } from './page-server.ts';

let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
}, 120_000);

afterAll(async () => {
  await pages?.close();
});

describe('bench.html', () => {
  it('runs the quick suite, shows the tables and the chart, and downloads the CLI JSON', async () => {
    const page = await (await pages.browser.newContext({ acceptDownloads: true })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Small batches keep the run within the test's time on SwiftShader; the schema is the same.
    await page.goto(`${pages.url}bench.html?batch=32&infer=64`);
    expect(await page.isChecked('#quick')).toBe(true);
    // Autotune is off unless asked for (tuning the seed costs about 40 s more on SwiftShader;
    // test/bench/bench-request.test.ts covers the choice reaching the suite).
    expect(await page.inputValue('#autotune-mode')).toBe('off');
    expect(await page.isDisabled('#download')).toBe(true);
    await page.click('#run');
    await page.waitForFunction(() => /^(Done|The benchmark stopped)/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 110_000 }).catch(async (e: unknown) => {
      throw new Error(`bench.html did not finish; status: "${await page.textContent('#status')}" (${String(e)})`);
    });
    expect(await page.textContent('#status')).toMatch(/^Done in \d+ s on /);
    expect(errors).toEqual([]);

    expect(await page.$$eval('#sections li', (li) => li.map((l) => l.dataset.state))).toEqual(BENCH_SECTIONS.map(() => 'done'));
    expect(await page.textContent('#adapter')).toMatch(/^Adapter: \S/);
    const validation = await page.$$eval('#validation tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
    expect(validation.length).toBeGreaterThan(0);
    expect(validation.every((c) => c === 'ok')).toBe(true);
    expect(await page.$$eval('#kernels thead th', (th) => th.map((h) => h.textContent))).toEqual(['kernel', 'shape', 'ms', 'GFLOP/s', 'GB/s', 'share']);
    const kernelRows = await page.$$eval('#kernels tbody tr', (rows) => rows.length);
    expect(kernelRows).toBeGreaterThan(3);
    // one bar and two labels per kernel row
    expect(await page.$$eval('#step-chart rect', (r) => r.length)).toBe(kernelRows);
    expect(await page.$$eval('#step-chart text', (t) => t.length)).toBe(2 * kernelRows);

    const bad = await seriousAxeViolations(page);
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);

    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const json = JSON.parse(await readFile((await file.path())!, 'utf8'));
    expect(benchJsonProblems(json)).toEqual([]);
    expect(json).not.toHaveProperty('autotune');
    expect(await page.isHidden('#autotune')).toBe(true);
    expect(json.kernels).toHaveLength(kernelRows);
    expect(json.train.batch).toBe(32);
    expect(json.infer.batch).toBe(64);
    const shares = (json.kernels as { share: number }[]).reduce((a, k) => a + k.share, 0);
    expect(shares).toBeCloseTo(1, 6);
  }, 180_000);
});
