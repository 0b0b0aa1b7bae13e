// bench.html in real headless Chromium (WebGPU on SwiftShader where there is no GPU): a quick
// run with autotune on shows every section done, the validation rows, the per-kernel table, the
// step chart and the tuning table, and its JSON download has the schema of
// `npm run bench -- --json --autotune on` (bench/bench-schema.ts).
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
    // Small batches keep the run within the test's time on SwiftShader (the tuning's plans are
    // built and checked at them too); the schema is the same.
    await page.goto(`${pages.url}bench.html?batch=8&infer=8`);
    expect(await page.isChecked('#quick')).toBe(true);
    expect(await page.inputValue('#autotune-mode')).toBe('off');
    await page.selectOption('#autotune-mode', 'on');
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
    expect(json.kernels).toHaveLength(kernelRows);
    expect(json.train.batch).toBe(8);
    expect(json.infer.batch).toBe(8);
    // autotune on: the tuning in the JSON (the CLI's "autotune" key) is the table shown, a row
    // per slot with every candidate's time, and the tuned step is beside the fixed rules'
    expect(json.autotune.tuning.mode).toBe('on');
    expect(json.autotune.train.batch).toBe(8);
    expect(await page.textContent('#autotune h2')).toBe('Kernels tuned for this GPU');
    const tuned = await page.$$eval('#tuning tbody tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (c) => c.textContent ?? '')));
    expect(tuned.map((r) => [r[0], r[1], r[3]])).toEqual(
      (json.autotune.tuning.slots as { layer: string; pass: string; choice: string }[]).map((s) => [s.layer, s.pass, s.choice]),
    );
    for (const r of tuned) expect(r[5]).toMatch(/ \d+\.\d{3} ms/);
    expect(await page.textContent('#tuned-step')).toBe(
      `Training step at batch 8: ${json.autotune.train.ms_per_step.toFixed(1)} ms/step (${json.autotune.train.samples_per_s.toFixed(0)} samples/s) with the tuned kernels, ` +
        `${json.train.ms_per_step.toFixed(1)} ms/step (${json.train.samples_per_s.toFixed(0)} samples/s) with the fixed rules ` +
        `(tuned / fixed rules: ${(json.autotune.train.ms_per_step / json.train.ms_per_step).toFixed(2)}x, one run, wall clock).`,
    );
    const shares = (json.kernels as { share: number }[]).reduce((a, k) => a + k.share, 0);
    expect(shares).toBeCloseTo(1, 6);
  }, 180_000);
});
