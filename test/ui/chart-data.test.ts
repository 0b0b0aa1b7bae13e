import { describe, expect, it } from 'vitest';
import { BatchLosses, Curves, emaSpanFor, epochRange, percentRange, SmoothedLoss } from '../../src/ui/chart-data.ts';

/** The bias-corrected EMA written as the weighted mean it is: sum b^(t-i) x_i / sum b^(t-i). */
function weightedMean(xs: number[], span: number): number {
  const b = 1 - 2 / (span + 1);
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    const w = b ** (xs.length - 1 - i);
    num += w * x;
    den += w;
  });
  return num / den;
}

describe('SmoothedLoss (bias-corrected EMA)', () => {
  it('equals the exponentially weighted mean of the batches so far', () => {
    const xs = [2.3, 2.1, 1.9, 1.2, 1.4, 0.9, 1.1, 0.7, 0.8, 0.6];
    for (const span of [1, 3, 10]) {
      const s = new SmoothedLoss(span);
      xs.forEach((x, t) => expect(s.push(x)).toBeCloseTo(weightedMean(xs.slice(0, t + 1), span), 12));
    }
  });

  it('starts at the first batch (no pull towards 0) and a constant stays constant', () => {
    const s = new SmoothedLoss(20);
    expect(s.push(1.5)).toBeCloseTo(1.5, 12);
    for (let i = 0; i < 50; i++) expect(s.push(1.5)).toBeCloseTo(1.5, 12);
  });

  it('follows a falling loss closely: after a drop it closes most of the gap within a span', () => {
    const s = new SmoothedLoss(5);
    for (let i = 0; i < 30; i++) s.push(2.0);
    let v = 0;
    for (let i = 0; i < 5; i++) v = s.push(1.35);
    // b = 2/3: the old level keeps weight b^5 = 0.13 of the (converged) total.
    expect(v).toBeCloseTo(1.35 + 0.65 * (2 / 3) ** 5, 6);
    expect(v).toBeLessThan(1.45);
  });

  it('skips non-finite batches and refuses a span below 1', () => {
    const s = new SmoothedLoss(3);
    expect(s.push(Number.NaN)).toBeNaN();
    expect(s.push(1)).toBe(1);
    expect(s.push(Number.POSITIVE_INFINITY)).toBe(1);
    expect(() => new SmoothedLoss(0)).toThrow(/at least 1/);
  });

  it('spans about 4% of an epoch, 3 to 25 batches', () => {
    expect(emaSpanFor(42)).toBe(3);
    expect(emaSpanFor(422)).toBe(17);
    expect(emaSpanFor(5000)).toBe(25);
  });
});

describe('axis ranges', () => {
  it('fits the epoch axis to the data: a 1-epoch run spans 0-1, a resumed batch chart starts at its epoch', () => {
    expect(epochRange([])).toEqual([0, 1]);
    expect(epochRange([0.05, 0.5, 1])).toEqual([0, 1]);
    expect(epochRange([1])).toEqual([0, 1]); // one finished epoch
    expect(epochRange([1, 2, 3])).toEqual([0, 3]);
    expect(epochRange([5.01, 5.02])).toEqual([5, 5.1]);
  });

  it('keeps percentages within 0-100 with a margin', () => {
    expect(percentRange([])).toEqual([0, 100]);
    expect(percentRange([null, Number.NaN])).toEqual([0, 100]);
    const [lo, hi] = percentRange([10, 90]);
    expect(lo).toBeCloseTo(3.6, 9);
    expect(hi).toBeCloseTo(96.4, 9);
    expect(percentRange([99.9, 100])).toEqual([99, 100]);
    expect(percentRange([50])).toEqual([49.5, 50.5]);
  });
});

describe('Curves', () => {
  const rec = (loss: number, acc: number, val: number) => ({ loss, accuracy: acc, val_loss: val, val_accuracy: acc + 0.01, seconds: 1 });

  it('shows a 1-epoch run as a curve over the epoch ending in the epoch point, accuracy in %', () => {
    const c = new Curves();
    c.addProgress(1, 10, 40, 1.2, 0.6);
    c.addProgress(1, 20, 40, 0.9, 0.7);
    c.addProgress(1, 40, 40, 0.7, 0.8); // the epoch's end comes with validation instead
    c.addEpoch(1, rec(0.7, 0.8, 0.5));
    const col = c.columns();
    expect(col.x).toEqual([0.25, 0.5, 1]);
    expect(col.loss).toEqual([1.2, 0.9, 0.7]);
    expect(col.accuracy.map((a) => Math.round(a! * 1e9) / 1e9)).toEqual([60, 70, 80]);
    expect(col.valLoss).toEqual([null, null, 0.5]);
    expect(col.valAccuracy[2]).toBeCloseTo(81, 9);
  });

  it('keeps the points before a resume and replaces those after it; an autosave gives end points', () => {
    const c = new Curves();
    c.addProgress(1, 5, 10, 1.0, 0.5);
    c.addEpoch(1, rec(0.8, 0.7, 0.6));
    c.addProgress(2, 5, 10, 0.6, 0.8); // lost with the device: the run restarts after epoch 1
    c.resumeAt([rec(0.8, 0.7, 0.6)]);
    expect(c.columns().x).toEqual([0.5, 1]);
    const fresh = new Curves();
    fresh.resumeAt([rec(0.8, 0.7, 0.6), rec(0.5, 0.85, Number.NaN)]);
    expect(fresh.columns().x).toEqual([1, 2]);
    expect(fresh.columns().valLoss).toEqual([0.6, null]);
  });
});

describe('BatchLosses', () => {
  it('places batches on the epoch axis and continues across a resume', () => {
    const b = new BatchLosses(3);
    b.add(1, 2, 4, [2, 1.8]);
    b.add(1, 4, 4, [1.6, 1.4]);
    b.add(2, 2, 4, [1.2, 1.1]);
    expect(b.x).toEqual([0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    b.resumeAt(1); // restarting after epoch 1 drops epoch 2's batches and recomputes the average
    expect(b.x).toEqual([0.25, 0.5, 0.75, 1]);
    expect(b.smooth.at(-1)).toBeCloseTo(weightedMean([2, 1.8, 1.6, 1.4], 3), 12);
    const reloaded = new BatchLosses(3);
    reloaded.resumeAt(1, b.snapshot()); // after a reload: from the autosave
    expect(reloaded.loss).toEqual([2, 1.8, 1.6, 1.4]);
    reloaded.setSpan(1);
    expect(reloaded.smooth).toEqual(reloaded.loss);
  });

  it('snapshots with the batches of progress events not added yet (an epoch autosaved before it is shown), leaving itself unchanged', () => {
    const b = new BatchLosses(3);
    b.add(1, 2, 4, [2, 1.8]);
    const pending = [{ epoch: 1, step: 4, steps: 4, batchLosses: [1.6, 1.4] }];
    expect(b.snapshot(pending)).toEqual({ x: [0.25, 0.5, 0.75, 1], loss: [2, 1.8, 1.6, 1.4] });
    expect(b.x).toEqual([0.25, 0.5]);
    b.add(1, 4, 4, [1.6, 1.4]);
    expect(b.snapshot()).toEqual({ x: [0.25, 0.5, 0.75, 1], loss: [2, 1.8, 1.6, 1.4] });
  });
});
