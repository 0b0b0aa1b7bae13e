import { describe, expect, it } from 'vitest';
import { fans, glorotLimit, initParams } from '../../src/model/init.ts';
import { PARAMS, PARAM_BUFFER_LENGTH } from './seed-params.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

const initDefault = (seed: number) => initParams(DEFAULT_MODEL.params, seed);
import { Rng } from '../../src/model/rng.ts';

describe('glorot_uniform init', () => {
  it('computes Keras fans', () => {
    expect(fans([3, 3, 1, 32])).toEqual({ fanIn: 9, fanOut: 288 });
    expect(fans([3, 3, 32, 64])).toEqual({ fanIn: 288, fanOut: 576 });
    expect(fans([1600, 128])).toEqual({ fanIn: 1600, fanOut: 128 });
    expect(glorotLimit([128, 10])).toBeCloseTo(Math.sqrt(6 / 138), 15);
  });

  it('kernels within limits with std near limit/sqrt(3); biases and padding zero', () => {
    const flat = initDefault(1234);
    expect(flat.length).toBe(PARAM_BUFFER_LENGTH);
    const real = new Uint8Array(PARAM_BUFFER_LENGTH);
    for (const p of PARAMS) {
      real.fill(1, p.offset, p.offset + p.size);
      const v = flat.subarray(p.offset, p.offset + p.size);
      if (p.name.endsWith('/bias')) {
        expect(v.every((x) => x === 0)).toBe(true);
        continue;
      }
      const limit = glorotLimit(p.shape);
      let sum = 0;
      let sq = 0;
      let maxAbs = 0;
      for (const x of v) {
        sum += x;
        sq += x * x;
        maxAbs = Math.max(maxAbs, Math.abs(x));
      }
      const mean = sum / v.length;
      const std = Math.sqrt(sq / v.length - mean * mean);
      const expected = limit / Math.sqrt(3);
      console.log(`${p.name.padEnd(16)} limit ${limit.toFixed(5)} max|w| ${maxAbs.toFixed(5)} std ${std.toFixed(5)} expected ${expected.toFixed(5)} mean ${mean.toExponential(2)}`);
      // float32 rounding may land exactly on fround(limit)
      expect(maxAbs).toBeLessThanOrEqual(Math.max(limit, Math.fround(limit)));
      expect(maxAbs).toBeGreaterThan(limit * 0.95);
      // relative standard error of a uniform sample's std is about 0.9/sqrt(n)
      expect(Math.abs(std / expected - 1)).toBeLessThan(5 / Math.sqrt(v.length));
      expect(Math.abs(mean)).toBeLessThan((5 * expected) / Math.sqrt(v.length));
    }
    for (let i = 0; i < flat.length; i++) if (!real[i]) expect(flat[i]).toBe(0);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = initDefault(7);
    const b = initDefault(7);
    const c = initDefault(8);
    let diff = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
    expect(diff).toBe(0);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0 && a[i] === c[i]) same++;
    expect(same).toBe(0);
  });
});

describe('Rng', () => {
  it('is deterministic and in range', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    for (let i = 0; i < 1000; i++) {
      const x = a.nextFloat();
      expect(x).toBe(b.nextFloat());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const k = a.nextInt(7);
      b.nextInt(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  it('shuffle is a permutation and covers every position', () => {
    const rng = new Rng(5);
    const arr = Uint32Array.from({ length: 100 }, (_, i) => i);
    rng.shuffle(arr);
    expect(Array.from(arr).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(arr)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    // uniformity: each of 3! orders of [0,1,2] appears about 1/6 of the time
    const counts = new Map<string, number>();
    for (let t = 0; t < 6000; t++) {
      const key = rng.shuffle([0, 1, 2]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });
});
