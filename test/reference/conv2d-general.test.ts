// The general conv2d reference: Keras's 'same' geometry by hand, a hand-computed asymmetric
// 'same' case, central finite differences of the backward at several geometries (kernel
// sizes, strides, padding, activations, with and without bias), agreement with the seed's
// 3x3 valid stride-1 ReLU reference, and src's conv2dGeometry against the reference's own.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import type { ElementwiseActivation } from '../../src/model/activations.ts';
import { conv2dGeometry } from '../../src/layers/conv2d-general.ts';
import { conv2dBackward, conv2dForward } from './conv2d.ts';
import { reluBackward, reluForward } from './relu.ts';
import { conv2dGeneralBackward, conv2dGeneralForward, convGeneralOutShape, type ConvGeneralShape } from './conv2d-general.ts';
import { dot, gradCheck, randArray, report } from './gradcheck.ts';

function shape(B: number, H: number, W: number, Cin: number, Cout: number, KH: number, KW: number, SH: number, SW: number, padding: 'valid' | 'same'): ConvGeneralShape {
  return { B, H, W, Cin, Cout, KH, KW, SH, SW, padding };
}

describe('reference conv2d (general)', () => {
  it("'same' geometry follows Keras (total pad max((ceil(in/s)-1)*s + k - in, 0), extra at the end)", () => {
    // 28 wide, k 5, stride 2: out 14, total pad 13*2 + 5 - 28 = 3 -> 1 before, 2 after.
    expect(convGeneralOutShape(shape(1, 28, 28, 1, 1, 5, 5, 2, 2, 'same'))).toEqual({ Ho: 14, Wo: 14, PT: 1, PL: 1 });
    // Even kernel 4, stride 1 on 5: total 3 -> 1 before; kernel 1 stride 2 on 6: no pad.
    expect(convGeneralOutShape(shape(1, 5, 6, 1, 1, 4, 1, 1, 2, 'same'))).toEqual({ Ho: 5, Wo: 3, PT: 1, PL: 0 });
    expect(convGeneralOutShape(shape(1, 13, 9, 1, 1, 7, 3, 2, 1, 'valid'))).toEqual({ Ho: 4, Wo: 7, PT: 0, PL: 0 });
  });

  it("'same' 2x2 kernel on 3x3 pads only the bottom and right", () => {
    // x = 1..9 (1,3,3,1), k = ones (2,2,1,1), no bias: y[i,j] = x[i,j] + x[i,j+1] + x[i+1,j] + x[i+1,j+1].
    const x = Float64Array.from({ length: 9 }, (_, i) => i + 1);
    const y = conv2dGeneralForward(x, new Float64Array(4).fill(1), null, shape(1, 3, 3, 1, 1, 2, 2, 1, 1, 'same'), 'linear');
    expect(Array.from(y)).toEqual([12, 16, 9, 24, 28, 15, 15, 17, 9]);
  });

  it('conv2dGeometry (src) agrees with the reference geometry on a sweep', () => {
    for (const padding of ['valid', 'same'] as const)
      for (let size = 1; size <= 20; size++)
        for (let k = 1; k <= 7; k++)
          for (let s = 1; s <= 2; s++) {
            const ref = convGeneralOutShape(shape(1, size, size + 3, 1, 1, k, Math.min(k + 1, 7), s, 3 - s, padding));
            if (ref.Ho < 1 || ref.Wo < 1) {
              expect(() => conv2dGeometry(size, size + 3, k, Math.min(k + 1, 7), s, 3 - s, padding)).toThrow(/empty|smaller/);
              continue;
            }
            const got = conv2dGeometry(size, size + 3, k, Math.min(k + 1, 7), s, 3 - s, padding);
            expect(got).toEqual({ outHeight: ref.Ho, outWidth: ref.Wo, padTop: ref.PT, padLeft: ref.PL });
          }
  });

  const CASES: Array<{ s: ConvGeneralShape; act: ElementwiseActivation; bias: boolean }> = [
    { s: shape(2, 5, 6, 2, 3, 3, 3, 1, 1, 'valid'), act: 'relu', bias: true },
    { s: shape(1, 7, 8, 2, 3, 5, 5, 2, 2, 'same'), act: 'tanh', bias: true },
    { s: shape(2, 6, 5, 1, 2, 7, 3, 1, 1, 'same'), act: 'sigmoid', bias: false },
    { s: shape(2, 5, 5, 3, 2, 1, 1, 2, 2, 'valid'), act: 'linear', bias: true },
    { s: shape(1, 7, 9, 2, 2, 2, 4, 2, 1, 'valid'), act: 'tanh', bias: false },
    { s: shape(1, 5, 6, 2, 3, 4, 4, 2, 2, 'same'), act: 'relu', bias: true },
  ];
  for (const { s, act, bias } of CASES) {
    const label = `${s.B}x${s.H}x${s.W}x${s.Cin}->${s.Cout} k${s.KH}x${s.KW} s${s.SH}x${s.SW} ${s.padding} ${act}${bias ? '' : ' no bias'}`;
    it(`backward matches finite differences: ${label}`, () => {
      const rng = new Rng(500 + s.H * 31 + s.KH * 7 + s.SW);
      const { Ho, Wo } = convGeneralOutShape(s);
      const x = randArray(rng, s.B * s.H * s.W * s.Cin);
      const k = randArray(rng, s.KH * s.KW * s.Cin * s.Cout);
      const b = bias ? randArray(rng, s.Cout) : null;
      const dy = randArray(rng, s.B * Ho * Wo * s.Cout);
      const L = () => dot(dy, conv2dGeneralForward(x, k, b, s, act));
      const y = conv2dGeneralForward(x, k, b, s, act);
      const g = conv2dGeneralBackward(dy, x, k, y, s, act, bias);
      expect(g.db.length).toBe(bias ? s.Cout : 0);
      const checks: Array<[string, Float64Array, Float64Array]> = [
        ['dx', x, g.dx],
        ['dk', k, g.dk],
      ];
      if (b) checks.push(['db', b, g.db]);
      for (const [name, arr, grad] of checks) {
        const r = gradCheck(L, arr, grad);
        report(`conv2d-general ${label} ${name}`, r);
        expect(r.relErr).toBeLessThan(1e-6);
      }
    });
  }

  it('3x3 valid stride 1 ReLU agrees with the seed reference (conv2d.ts + relu.ts)', () => {
    const rng = new Rng(4242);
    const [B, H, W, Cin, Cout] = [2, 8, 7, 3, 5];
    const s = shape(B, H, W, Cin, Cout, 3, 3, 1, 1, 'valid');
    const x = randArray(rng, B * H * W * Cin);
    const k = randArray(rng, 9 * Cin * Cout);
    const b = randArray(rng, Cout);
    const y = conv2dGeneralForward(x, k, b, s, 'relu');
    const ySeed = reluForward(conv2dForward(x, k, b, B, H, W, Cin, Cout));
    const dy = randArray(rng, y.length);
    const g = conv2dGeneralBackward(dy, x, k, y, s, 'relu');
    const gSeed = conv2dBackward(reluBackward(dy, ySeed), x, k, B, H, W, Cin, Cout);
    const maxDiff = (a: Float64Array, e: Float64Array) => {
      expect(a.length).toBe(e.length);
      return a.reduce((m, v, i) => Math.max(m, Math.abs(v - e[i])), 0);
    };
    expect(maxDiff(y, ySeed)).toBeLessThan(1e-12);
    expect(maxDiff(g.dx, gSeed.dx)).toBeLessThan(1e-12);
    expect(maxDiff(g.dk, gSeed.dk)).toBeLessThan(1e-12);
    expect(maxDiff(g.db, gSeed.db)).toBeLessThan(1e-12);
  });
});
