// The statistics of interleaved bench rounds on hand-made numbers, worked out by hand.
import { describe, expect, it } from 'vitest';
import { median, quantile, roundRatios, spread, summarizeSide } from '../../bench/round-stats.ts';

describe('round statistics', () => {
  it('median of odd and even counts, unsorted input left as it was', () => {
    const odd = [9, 1, 5];
    expect(median(odd)).toBe(5);
    expect(odd).toEqual([9, 1, 5]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([2, 8])).toBe(5);
  });

  it('quartiles interpolate between order statistics', () => {
    // Sorted 1,2,3,4,5: h = 4p; q1 at index 1, q3 at index 3.
    expect(quantile([5, 3, 1, 4, 2], 0.25)).toBe(2);
    expect(quantile([5, 3, 1, 4, 2], 0.75)).toBe(4);
    // Sorted 10,20,30,40: q1 at h = 0.75 -> 10 + 0.75 * 10; q3 at h = 2.25 -> 30 + 0.25 * 10.
    expect(quantile([40, 10, 30, 20], 0.25)).toBeCloseTo(17.5, 12);
    expect(quantile([40, 10, 30, 20], 0.75)).toBeCloseTo(32.5, 12);
    expect(quantile([3, 1], 0)).toBe(1);
    expect(quantile([3, 1], 1)).toBe(3);
  });

  it('rejects an empty list and p outside [0, 1]', () => {
    expect(() => median([])).toThrow(/empty/);
    expect(() => quantile([1], 1.5)).toThrow(/p must be/);
  });

  it('spread of a list', () => {
    expect(spread([6, 2, 4, 8])).toEqual({ median: 5, min: 2, max: 8, q1: 3.5, q3: 6.5 });
  });

  it('a side: per-round ms, their median and samples/s at that median', () => {
    const s = summarizeSide([400, 300, 500], 128);
    expect(s.median_ms_per_step).toBe(400);
    expect(s.samples_per_s).toBe(320);
    expect(s.ms_per_step).toEqual([400, 300, 500]);
  });

  it('ratios pair the same round: theirs / ours, > 1 when we are faster', () => {
    // Round ratios 2, 0.5, 1, 1.5 -> sorted 0.5, 1, 1.5, 2.
    const r = roundRatios([100, 400, 300, 200], [200, 200, 300, 300]);
    expect(r.per_round).toEqual([2, 0.5, 1, 1.5]);
    expect(r.median).toBe(1.25);
    expect(r.min).toBe(0.5);
    expect(r.max).toBe(2);
    expect(r.q1).toBeCloseTo(0.875, 12);
    expect(r.q3).toBeCloseTo(1.625, 12);
    // The median of ratios is not the ratio of medians (250 / 250 = 1 here).
    expect(median([200, 200, 300, 300]) / median([100, 400, 300, 200])).toBe(1);
  });

  it('ratios need the same number of rounds on both sides', () => {
    expect(() => roundRatios([1, 2], [1])).toThrow(/rounds differ/);
    expect(() => roundRatios([], [])).toThrow(/no rounds/);
  });
});
