import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { ELEMENTWISE_ACTIVATIONS } from '../../src/model/activations.ts';
import { denseActivationBackward, denseActivationForward, denseBackward, denseForward } from './dense.ts';
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

describe('reference dense with activation and use_bias', () => {
  for (const act of ELEMENTWISE_ACTIVATIONS) for (const useBias of [true, false]) {
    it(`${act}${useBias ? '' : ', no bias'}: backward matches finite differences (B=3, 7->5)`, () => {
      const [B, In, Out] = [3, 7, 5];
      const rng = new Rng(700 + act.length * 13 + (useBias ? 1 : 0));
      // relu: pre-activations away from the kink (|x w + b| > 1e-3 checked below; h = 1e-5).
      const x = randArray(rng, B * In);
      const w = randArray(rng, In * Out);
      const b = useBias ? randArray(rng, Out) : null;
      const dy = randArray(rng, B * Out);
      const y = denseActivationForward(x, w, b, B, In, Out, act);
      const pre = denseForward(x, w, b ?? new Float64Array(Out), B, In, Out);
      if (act === 'relu') expect(Math.min(...Array.from(pre, Math.abs))).toBeGreaterThan(1e-3);
      if (act === 'linear') expect(Array.from(y)).toEqual(Array.from(pre));
      const L = () => dot(dy, denseActivationForward(x, w, b, B, In, Out, act));
      const g = denseActivationBackward(dy, x, w, y, B, In, Out, act, useBias);
      expect(g.db === null).toBe(!useBias);
      const checks: [string, Float64Array, Float64Array][] = [['dx', x, g.dx], ['dw', w, g.dw]];
      if (b && g.db) checks.push(['db', b, g.db]);
      for (const [name, arr, grad] of checks) {
        const r = gradCheck(L, arr, grad);
        report(`dense ${act}${useBias ? '' : ' nobias'} ${name}`, r);
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
