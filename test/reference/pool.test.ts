import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { maxpool2x2Backward, maxpool2x2Forward } from './pool.ts';
import { reluBackward, reluForward } from './relu.ts';
import { dot, gradCheck, randArray, randAwayFromZero, report } from './gradcheck.ts';

/** Distinct values spaced 0.01 apart in random order: no ties, gaps far above h. */
function distinctValues(rng: Rng, n: number): Float64Array {
  const a = Float64Array.from({ length: n }, (_, i) => (i - n / 2) * 0.01);
  return rng.shuffle(a);
}

describe('reference relu', () => {
  it('forward and backward values', () => {
    const x = Float64Array.of(-2, -0.5, 0, 0.5, 3);
    const y = reluForward(x);
    expect(Array.from(y)).toEqual([0, 0, 0, 0.5, 3]);
    expect(Array.from(reluBackward(Float64Array.of(1, 2, 3, 4, 5), y))).toEqual([0, 0, 0, 4, 5]);
  });

  it('backward matches finite differences (inputs away from 0)', () => {
    const rng = new Rng(7);
    const x = randAwayFromZero(rng, 3 * 7 * 9 * 2);
    const dy = randArray(rng, x.length);
    const r = gradCheck(() => dot(dy, reluForward(x)), x, reluBackward(dy, reluForward(x)));
    report('relu dx', r);
    expect(r.relErr).toBeLessThan(1e-6);
  });
});

describe('reference maxpool2x2', () => {
  it('floor semantics, argmax and tie-breaking', () => {
    // x (1,3,3,1): last row/col dropped; a single window
    const x = Float64Array.of(1, 5, 9, 5, 2, 9, 9, 9, 9);
    const r = maxpool2x2Forward(x, 1, 3, 3, 1);
    expect(Array.from(r.y)).toEqual([5]);
    expect(Array.from(r.argmax)).toEqual([1]); // (0,1) wins the tie with (1,0)
    expect(Array.from(r.window)).toEqual([1]);
    // all four equal -> (0,0)
    const t = maxpool2x2Forward(Float64Array.of(3, 3, 3, 3), 1, 2, 2, 1);
    expect(Array.from(t.argmax)).toEqual([0]);
    expect(Array.from(t.window)).toEqual([0]);
    // (1,0) vs (1,1) tie -> (1,0)
    const u = maxpool2x2Forward(Float64Array.of(0, 1, 4, 4), 1, 2, 2, 1);
    expect(Array.from(u.window)).toEqual([2]);
    const dx = maxpool2x2Backward(Float64Array.of(7), r.argmax, 1, 3, 3, 1);
    expect(Array.from(dx)).toEqual([0, 7, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('channels are pooled independently (NHWC)', () => {
    // x (1,2,2,2): channel 0 = 1,2,3,4 ; channel 1 = 8,7,6,5
    const x = Float64Array.of(1, 8, 2, 7, 3, 6, 4, 5);
    const r = maxpool2x2Forward(x, 1, 2, 2, 2);
    expect(Array.from(r.y)).toEqual([4, 8]);
    expect(Array.from(r.argmax)).toEqual([6, 1]);
  });

  for (const [B, H, W, C] of [
    [1, 7, 9, 2],
    [3, 7, 9, 3],
    [2, 6, 4, 1],
    [1, 11, 11, 5],
  ] as const) {
    it(`backward matches finite differences B=${B} H=${H} W=${W} C=${C}`, () => {
      const rng = new Rng(31 + B * H * W * C);
      const x = distinctValues(rng, B * H * W * C);
      const Ho = Math.floor(H / 2);
      const Wo = Math.floor(W / 2);
      const dy = randArray(rng, B * Ho * Wo * C);
      const fwd = maxpool2x2Forward(x, B, H, W, C);
      expect(fwd.y.length).toBe(B * Ho * Wo * C);
      const dx = maxpool2x2Backward(dy, fwd.argmax, B, H, W, C);
      // dropped last row/column gets zero gradient
      for (let b = 0; b < B; b++)
        for (let i = 0; i < H; i++)
          for (let j = 0; j < W; j++)
            if (i >= 2 * Ho || j >= 2 * Wo)
              for (let c = 0; c < C; c++) expect(dx[((b * H + i) * W + j) * C + c]).toBe(0);
      const r = gradCheck(() => dot(dy, maxpool2x2Forward(x, B, H, W, C).y), x, dx);
      report(`maxpool ${B}x${H}x${W}x${C} dx`, r);
      expect(r.relErr).toBeLessThan(1e-6);
    });
  }
});
