// The suite's request is one function for `npm run bench` and bench.html (bench/bench-protocol.ts
// benchRequest): the page's autotune choice reaches runBench as the CLI's --autotune does; and
// the page's line comparing the tuned step with the fixed rules' (bench/page/bench-tables.ts).
import { describe, expect, it } from 'vitest';
import { benchRequest } from '../../bench/bench-protocol.ts';
import { tunedStepText } from '../../bench/page/bench-tables.ts';
import { AUTOTUNE_MODES } from '../../src/tune/mode.ts';

describe('benchRequest', () => {
  it("is the CLI's request: batch 128, inference 1000, the budgets, quick and autotune as chosen", () => {
    expect(benchRequest({ quick: false, autotune: 'off' })).toEqual({ batch: 128, inferBatch: 1000, kernelBudgetMs: 1500, stepBudgetMs: 20000, quick: false, autotune: 'off' });
    for (const autotune of AUTOTUNE_MODES) expect(benchRequest({ quick: true, autotune }).autotune).toBe(autotune);
  });

  it("takes the page's smaller batches", () => {
    const r = benchRequest({ quick: true, autotune: 'on', batch: 32, inferBatch: 64 });
    expect([r.batch, r.inferBatch, r.quick, r.autotune]).toEqual([32, 64, true, 'on']);
  });
});

describe('tunedStepText', () => {
  const step = (ms: number) => ({ ms_per_step: ms, samples_per_s: (128 / ms) * 1000, epoch_seconds: 1, batch: 128, steps_per_submit: 8 });
  it('puts the tuned step beside the fixed rules\' with their ratio', () => {
    expect(tunedStepText(step(406.1), step(405.3))).toBe(
      'Training step at batch 128: 405.3 ms/step (316 samples/s) with the tuned kernels, 406.1 ms/step (315 samples/s) with the fixed rules (tuned / fixed rules: 1.00x, one run, wall clock).',
    );
    expect(tunedStepText(step(200), step(100))).toMatch(/tuned \/ fixed rules: 0\.50x/);
  });
});
