import { describe, expect, it } from 'vitest';
import { shortAdapterName, describeEstimate, estimateRun, fitRun, offerQuickRun, QUICK_RUN, roughDuration, runShape } from '../../src/train/run-estimate.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/train/types.ts';

describe('run estimate', () => {
  it('shapes the seed run: 54,000 training and 6,000 validation images, 12 epochs', () => {
    expect(runShape(DEFAULT_TRAIN_OPTIONS, 60000, 10000)).toEqual({ epochs: 12, trainCount: 54000, validationCount: 6000, batchSize: 128, testCount: 10000 });
    expect(runShape({ ...DEFAULT_TRAIN_OPTIONS, ...QUICK_RUN }, 60000, 10000)).toMatchObject({ epochs: 1, trainCount: 5400, validationCount: 600 });
    expect(runShape({ ...DEFAULT_TRAIN_OPTIONS, limit: 99999 }, 60000, 10000).trainCount).toBe(54000);
  });

  it('adds the steps of every epoch, each validation and the test evaluation', () => {
    const shape = { epochs: 12, trainCount: 54000, validationCount: 6000, batchSize: 128, testCount: 10000 };
    // 422 steps of 500 ms = 211 s, + 6,000 x 2 ms = 12 s: 223 s per epoch; x 12 + 20 s of test.
    const e = estimateRun(shape, { stepMs: 500, evalImageMs: 2 });
    expect(e.epochSeconds).toBeCloseTo(223, 9);
    expect(e.seconds).toBeCloseTo(12 * 223 + 20, 9);
    // The partial last batch counts as a step: 129 images at batch 128 are 2 steps.
    expect(estimateRun({ ...shape, epochs: 1, trainCount: 129, validationCount: 0, testCount: 0 }, { stepMs: 1000, evalImageMs: 1 }).seconds).toBe(2);
  });

  it('refuses a timing that is not a positive time', () => {
    const shape = { epochs: 1, trainCount: 10, validationCount: 0, batchSize: 5, testCount: 0 };
    expect(() => estimateRun(shape, { stepMs: 0, evalImageMs: 1 })).toThrow(/stepMs must be a positive time/);
    expect(() => estimateRun(shape, { stepMs: 1, evalImageMs: Number.NaN })).toThrow(/evalImageMs/);
  });

  it('words the duration roughly and names the adapter', () => {
    expect(roughDuration(4)).toBe('a few seconds');
    expect(roughDuration(47)).toBe('about 45 s');
    expect(roughDuration(2892)).toBe('about 48 min');
    expect(roughDuration(9000)).toBe('about 2.5 h');
    expect(describeEstimate({ seconds: 2892, epochSeconds: 240 }, 'SwiftShader', true)).toBe('about 48 min on this adapter (software: SwiftShader)');
    expect(describeEstimate({ seconds: 60, epochSeconds: 5 }, 'NVIDIA H200', false)).toBe('about 60 s on this adapter (NVIDIA H200)');
  });

  it('offers the quick run for a long run or a software adapter, not for a run already as short', () => {
    const long = { seconds: 3000, epochSeconds: 250 };
    const short = { seconds: 120, epochSeconds: 10 };
    expect(offerQuickRun(long, false, DEFAULT_TRAIN_OPTIONS)).toBe(true);
    expect(offerQuickRun(short, false, DEFAULT_TRAIN_OPTIONS)).toBe(false);
    expect(offerQuickRun(short, true, DEFAULT_TRAIN_OPTIONS)).toBe(true);
    expect(offerQuickRun(long, true, QUICK_RUN)).toBe(false);
  });

  it('names the adapter shortly', () => {
    expect(shortAdapterName({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })).toBe('SwiftShader');
    expect(shortAdapterName({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200' })).toBe('NVIDIA H200');
    expect(shortAdapterName({ vendor: 'apple', architecture: 'unknown', device: '', description: '' })).toBe('apple');
  });
});

describe('fitRun', () => {
  const options = { epochs: 12, batchSize: 128, limit: null, validationSplit: 0.1 };
  const seconds = (epochs: number, limit: number | null, tests: number, timing: { stepMs: number; evalImageMs: number }) =>
    estimateRun(runShape({ ...options, epochs, limit }, 60_000, tests), timing).seconds;

  it('keeps a run that fits as it is', () => {
    const fast = { stepMs: 1, evalImageMs: 0.001 };
    const f = fitRun(options, 60_000, 10_000, fast, 180);
    expect(f).toMatchObject({ epochs: 12, limit: null, evalCount: 10_000 });
    expect(f.estimate.seconds).toBeCloseTo(seconds(12, null, 10_000, fast), 9);
  });

  it('cuts a long run on a slow adapter to one epoch on as many thousand images as fit, and no more', () => {
    const slow = { stepMs: 1500, evalImageMs: 0.6 }; // about SwiftShader's for the seed network
    const f = fitRun(options, 60_000, 10_000, slow, 180);
    expect(f.epochs).toBe(1);
    expect(f.limit! % 1000).toBe(0);
    expect(f.estimate.seconds).toBeLessThanOrEqual(180);
    expect(seconds(1, f.limit! + 1000, f.evalCount, slow)).toBeGreaterThan(180); // maximal
    expect(f.estimate.seconds).toBeCloseTo(seconds(1, f.limit, f.evalCount, slow), 9);
  });

  it('over random timings and budgets: within the budget (where anything fits) and maximal', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const timing = { stepMs: 0.5 + rand() * 3000, evalImageMs: 0.001 + rand() * 2 };
      const budget = 10 + rand() * 1000;
      const f = fitRun(options, 60_000, 10_000, timing, budget);
      const minimal = f.epochs === 1 && f.limit !== null && f.limit <= 1000;
      if (!minimal) expect(f.estimate.seconds, JSON.stringify({ timing, budget, f })).toBeLessThanOrEqual(budget * 1.001);
      expect(f.epochs).toBeGreaterThanOrEqual(1);
      expect(f.epochs).toBeLessThanOrEqual(12);
      expect(f.evalCount).toBeLessThanOrEqual(10_000);
      if (f.limit !== null && f.limit + 1000 <= 60_000) expect(seconds(1, f.limit + 1000, f.evalCount, timing) > budget || f.epochs > 1).toBe(true);
      if (f.limit === null && f.epochs < 12) expect(seconds(f.epochs + 1, null, f.evalCount, timing)).toBeGreaterThan(budget);
    }
  });
});
