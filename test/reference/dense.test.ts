import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { denseBackward, denseForward } from './dense.ts';
import { dropoutBackward, dropoutForward } from './dropout.ts';
import { dot, gradCheck, randArray, report } from './gradcheck.ts';

describe('reference dense', () => {
  it('forward matches a hand-computed case', () => {
    // x (2,3), w (3,2), b (2)
    const x = Float64Array.of(1, 2, 3, -1, 0, 2);
    const w = Float64Array.of(1, -1, 0.5, 2, -2, 0);
    const b = Float64Array.of(0.25, -0.5);
    const y = denseForward(x, w, b, 2, 3, 2);
    expect(Array.from(y)).toEqual([1 + 1 - 6 + 0.25, -1 + 4 + 0 - 0.5, -1 + 0 - 4 + 0.25, 1 + 0 + 0 - 0.5]);
  });

  for (const [B, In, Out] of [
    [1, 7, 3],
    [3, 9, 5],
    [2, 1, 1],
  ] as const) {
    it(`backward matches finite differences B=${B} In=${In} Out=${Out}`, () => {
      const rng = new Rng(500 + B * In * Out);
      const x = randArray(rng, B * In);
      const w = randArray(rng, In * Out);
      const b = randArray(rng, Out);
      const dy = randArray(rng, B * Out);
      const L = () => dot(dy, denseForward(x, w, b, B, In, Out));
      const g = denseBackward(dy, x, w, B, In, Out);
      for (const [name, arr, grad] of [
        ['dx', x, g.dx],
        ['dw', w, g.dw],
        ['db', b, g.db],
      ] as const) {
        const r = gradCheck(L, arr, grad);
        report(`dense ${B}x${In}->${Out} ${name}`, r);
        expect(r.relErr).toBeLessThan(1e-6);
      }
    });
  }
});

describe('reference dropout', () => {
  it('inverted scaling and masking', () => {
    const x = Float64Array.of(1, 2, 3, 4);
    const y = dropoutForward(x, [true, false, true, false], 0.5);
    expect(Array.from(y)).toEqual([2, 0, 6, 0]);
    const y2 = dropoutForward(x, Uint8Array.of(1, 1, 0, 1), 0.25);
    expect(Array.from(y2)).toEqual([4 / 3, 8 / 3, 0, 16 / 3]);
    expect(Array.from(dropoutForward(x, [1, 1, 1, 1], 0))).toEqual([1, 2, 3, 4]);
    expect(() => dropoutForward(x, [1, 1, 1, 1], 1)).toThrow();
  });

  it('backward matches finite differences', () => {
    const rng = new Rng(99);
    const n = 3 * 5 * 5 * 3;
    const x = randArray(rng, n);
    const dy = randArray(rng, n);
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) mask[i] = rng.nextFloat() < 0.7 ? 1 : 0;
    const r = gradCheck(() => dot(dy, dropoutForward(x, mask, 0.3)), x, dropoutBackward(dy, mask, 0.3));
    report('dropout dx', r);
    expect(r.relErr).toBeLessThan(1e-6);
  });
});
