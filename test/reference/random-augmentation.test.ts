// The float64 augmentation reference by hand: the fill modes (reflect d c b a|a b c d|d c b a,
// wrap, nearest, constant) with TensorFlow's arithmetic, nearest (half up) and bilinear sampling,
// a quarter turn, a whole-pixel shift, zooms and flips as known permutations. Then the draws
// (src/layers/augmentation-rng.ts, bit-for-bit the GPU's) over 20,000 samples: uniform in [0, 1)
// (mean, extremes, Kolmogorov-Smirnov), slots, steps, layers and seeds independent, and each
// layer's parameters uniform within its factor range.
import { describe, expect, it } from 'vitest';
import { augmentationDraws, augmentationLayerId, augmentationSeed, seedBits } from '../../src/layers/augmentation-rng.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { affineForward, fillCoordinate, rotationAffine, sampleAffine, sampleAt, translationAffine, zoomAffine, type AugmentationSpec, type Sampling } from './random-augmentation.ts';

const N = 20000;
/** 5 standard deviations of a mean of N uniform [0, 1) draws. */
const MEAN_BOUND = 5 * Math.sqrt(1 / 12 / N);

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function specOf(class_name: string, config: Record<string, unknown>): AugmentationSpec {
  const layers = [{ class_name: 'InputLayer', config: { batch_shape: [null, 6, 10, 1] } }, { class_name, config }, { class_name: 'Flatten', config: {} }, { class_name: 'Dense', config: { units: 2, activation: 'softmax' } }];
  return parseModelConfig({ class_name: 'Sequential', config: { layers } }).layers[0] as AugmentationSpec;
}

/** Mean, least, greatest and the Kolmogorov-Smirnov distance from uniform on [lo, hi]. */
function stats(values: number[], lo: number, hi: number) {
  const sorted = [...values].sort((a, b) => a - b);
  let ks = 0;
  sorted.forEach((v, i) => {
    const f = (v - lo) / (hi - lo);
    ks = Math.max(ks, Math.abs(f - i / sorted.length), Math.abs(f - (i + 1) / sorted.length));
  });
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: sorted[0], max: sorted[sorted.length - 1], ks };
}

/** Uniform on [lo, hi]: the mean within 5 sd, the extremes inside and near the ends, KS at the 1% level. */
function expectUniform(values: number[], lo: number, hi: number, what: string): void {
  const s = stats(values, lo, hi);
  const w = hi - lo;
  expect(Math.abs(s.mean - (lo + hi) / 2), `${what} mean`).toBeLessThan(MEAN_BOUND * w);
  expect(s.min, `${what} min`).toBeGreaterThanOrEqual(lo - 1e-12 * w);
  expect(s.max, `${what} max`).toBeLessThanOrEqual(hi + 1e-12 * w);
  expect(s.min - lo, `${what} near lo`).toBeLessThan(1e-3 * w);
  expect(hi - s.max, `${what} near hi`).toBeLessThan(1e-3 * w);
  expect(s.ks, `${what} KS`).toBeLessThan(1.63 / Math.sqrt(values.length));
}

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('reference augmentation: fill modes and sampling', () => {
  it('reflect is d c b a | a b c d | d c b a, clamped between pixel centres', () => {
    expect(range(-4, 7).map((i) => fillCoordinate(i, 4, 'reflect'))).toEqual([3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0]);
    expect(range(-12, -5).map((i) => fillCoordinate(i, 4, 'reflect'))).toEqual([3, 2, 1, 0, 0, 1, 2, 3]);
    expect(fillCoordinate(-0.3, 4, 'reflect')).toBe(0); // -c - 1 = -0.7, clamped
    expect(fillCoordinate(-1.25, 4, 'reflect')).toBe(0.25);
    expect(fillCoordinate(3.5, 4, 'reflect')).toBe(3);
    expect(fillCoordinate(-2.5, 1, 'reflect')).toBe(0);
  });

  it("wrap is a b c d | a b c d within one period (TensorFlow's arithmetic past it), nearest clamps, constant keeps", () => {
    expect(range(-2, 5).map((i) => fillCoordinate(i, 4, 'wrap'))).toEqual([2, 3, 0, 1, 2, 3, 0, 1]);
    // TensorFlow divides by len - 1 and multiplies by len: -3 -> 5 -> 3 and 6 -> -2 -> 0.
    expect([fillCoordinate(-3, 4, 'wrap'), fillCoordinate(6, 4, 'wrap')]).toEqual([3, 0]);
    expect(fillCoordinate(-0.5, 4, 'wrap')).toBe(3);
    expect(range(-2, 5).map((i) => fillCoordinate(i, 4, 'nearest'))).toEqual([0, 0, 0, 1, 2, 3, 3, 3]);
    expect(fillCoordinate(-7.5, 4, 'constant')).toBe(-7.5);
  });

  it('samples nearest half up and bilinear; a point outside reads the fill value; a weight-0 neighbour adds nothing', () => {
    // 2x3 image, one channel: rows [1 2 3], [4 5 6].
    const x = Float64Array.of(1, 2, 3, 4, 5, 6);
    const at = (px: number, py: number, s: Sampling) => sampleAt(x, 2, 3, 1, 0, 0, px, py, s);
    const bilinear: Sampling = { fillMode: 'constant', interpolation: 'bilinear', fillValue: 100 };
    const nearest: Sampling = { ...bilinear, interpolation: 'nearest' };
    expect(at(1.25, 0.5, bilinear)).toBeCloseTo(0.5 * 2.25 + 0.5 * 5.25, 12);
    expect(at(2, 1, bilinear)).toBe(6);
    expect(at(-0.01, 0, bilinear)).toBe(100);
    expect(at(0.5, 0.49, nearest)).toBe(2);
    expect(at(1.49, 0.5, nearest)).toBe(5);
    expect(at(2.2, 0, nearest)).toBe(100);
    expect(at(2.2, 0, { ...nearest, fillMode: 'reflect' })).toBe(3);
  });

  it('a quarter turn, a whole-pixel shift, a zoom and a flip move pixels where they should', () => {
    const x = Float64Array.from(range(1, 9)); // 3x3: 1 2 3 / 4 5 6 / 7 8 9
    const run = (a: ReturnType<typeof translationAffine>, s: Sampling) => Array.from(affineForward(x, 1, 3, 3, 1, [a], s).lo);
    const nearest: Sampling = { fillMode: 'constant', interpolation: 'nearest', fillValue: 0 };
    // Counter-clockwise: the top right corner comes to the top left (cos(pi/2) is 6e-17: clamp the hair outside).
    expect(run(rotationAffine(3, 3, Math.PI / 2), { ...nearest, fillMode: 'nearest' })).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    expect(run(translationAffine(1, -1), nearest)).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0]);
    expect(run(zoomAffine(3, 3, 1, 1), { ...nearest, interpolation: 'bilinear' })).toEqual(Array.from(x));
    // Zoom out twice about the centre: corners read -1 and 3, reflected to 0 and 2.
    expect(run(zoomAffine(3, 3, 2, 2), { ...nearest, fillMode: 'reflect' })).toEqual(Array.from(x));
    expect(run(zoomAffine(3, 3, 0.5, 1), { ...nearest, interpolation: 'bilinear' })).toEqual([2.5, 3.5, 4.5, 4, 5, 6, 5.5, 6.5, 7.5]);
    const flip = specOf('RandomFlip', {});
    const flipped = sampleAffine(flip, 3, 3, () => 0.25, 0);
    expect(run(flipped, nearest)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(run(sampleAffine(flip, 3, 3, () => 0.5, 0), nearest)).toEqual(Array.from(x));
  });
});

describe('augmentation draws', () => {
  const draws = (seed: number, step: number, layer: number, slot: number) => {
    const u = augmentationDraws(seed, step, augmentationLayerId(layer));
    return Array.from({ length: N }, (_, b) => u(b, slot));
  };

  it('are uniform in [0, 1), multiples of 2^-24, independent across slots, steps, layers and seeds', () => {
    const base = draws(1, 1, 0, 0);
    expectUniform(base, 0, 1, 'u');
    expect(base.every((u) => u >= 0 && u < 1 && Number.isInteger(u * 2 ** 24))).toBe(true);
    for (const [what, other] of [['slot', draws(1, 1, 0, 1)], ['step', draws(1, 2, 0, 0)], ['layer', draws(1, 1, 1, 0)], ['seed', draws(2, 1, 0, 0)]] as const) {
      expect(Math.abs(correlation(base, other)), what).toBeLessThan(5 / Math.sqrt(N));
    }
    expect(draws(1, 1, 0, 0)).toEqual(base);
  });

  it("take the layer's own seed (its low 32 bits) over the run's", () => {
    expect(augmentationSeed(9, null)).toBe(9);
    expect(augmentationSeed(9, 42)).toBe(42);
    expect(seedBits(-1)).toBe(0xffffffff);
    expect(seedBits(2 ** 32 + 5)).toBe(5);
  });

  it("give each layer's parameters uniformly within its factor range", () => {
    const [H, W] = [6, 10];
    const per = (spec: AugmentationSpec, seed = 3) => {
      const u = augmentationDraws(seed, 7, augmentationLayerId(0));
      return Array.from({ length: N }, (_, b) => sampleAffine(spec, H, W, u, b));
    };
    const flips = per(specOf('RandomFlip', {}));
    const flipped = flips.filter((a) => a[0] === -1);
    expect(flipped.every((a) => a[4] === -1)).toBe(true); // both axes on one draw
    expect(Math.abs(flipped.length - N / 2)).toBeLessThan(5 * Math.sqrt(N / 4));

    const shifts = per(specOf('RandomTranslation', { height_factor: [-0.2, 0.5], width_factor: 0.3 }));
    expectUniform(shifts.map((a) => -a[5]), -0.2 * H, 0.5 * H, 'translation dy');
    expectUniform(shifts.map((a) => -a[2]), -0.3 * W, 0.3 * W, 'translation dx');
    expect(Math.abs(correlation(shifts.map((a) => a[5]), shifts.map((a) => a[2])))).toBeLessThan(5 / Math.sqrt(N));

    const turns = per(specOf('RandomRotation', { factor: [-0.1, 0.35] }));
    expectUniform(turns.map((a) => Math.atan2(a[3], a[0])), -0.2 * Math.PI, 0.7 * Math.PI, 'rotation angle');

    const zooms = per(specOf('RandomZoom', { height_factor: [-0.5, 0.25], width_factor: [0.1, 0.9] }));
    expectUniform(zooms.map((a) => a[4]), 0.5, 1.25, 'zoom height');
    expectUniform(zooms.map((a) => a[0]), 1.1, 1.9, 'zoom width');
    const same = per(specOf('RandomZoom', { height_factor: 0.4 }));
    expect(same.every((a) => a[0] === a[4])).toBe(true);
    expectUniform(same.map((a) => a[4]), 0.6, 1.4, 'zoom, width as height');
  });
});
