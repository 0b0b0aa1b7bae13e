import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { conv2dBackward, conv2dForward } from './conv2d.ts';
import { dot, gradCheck, randArray, report } from './gradcheck.ts';

describe('reference conv2d', () => {
  it('forward matches a hand-computed 1-channel case', () => {
    // x (1,3,4,1) = 0..11, k (3,3,1,1) = 1..9, b = 0.5 -> y (1,1,2,1)
    const x = Float64Array.from({ length: 12 }, (_, i) => i);
    const k = Float64Array.from({ length: 9 }, (_, i) => i + 1);
    const y = conv2dForward(x, k, Float64Array.of(0.5), 1, 3, 4, 1, 1);
    // y[0,0] = sum_{di,dj} x[di*4+dj] * k[di*3+dj]
    let e0 = 0.5;
    let e1 = 0.5;
    for (let di = 0; di < 3; di++)
      for (let dj = 0; dj < 3; dj++) {
        e0 += (di * 4 + dj) * (di * 3 + dj + 1);
        e1 += (di * 4 + dj + 1) * (di * 3 + dj + 1);
      }
    expect(Array.from(y)).toEqual([e0, e1]);
  });

  for (const [B, H, W, Cin, Cout] of [
    [1, 7, 9, 2, 3],
    [3, 7, 9, 2, 3],
    [2, 5, 4, 1, 4],
    [1, 3, 3, 3, 1],
  ] as const) {
    it(`backward matches finite differences B=${B} H=${H} W=${W} Cin=${Cin} Cout=${Cout}`, () => {
      const rng = new Rng(1000 + B * 100 + H * 10 + W);
      const x = randArray(rng, B * H * W * Cin);
      const k = randArray(rng, 9 * Cin * Cout);
      const b = randArray(rng, Cout);
      const dy = randArray(rng, B * (H - 2) * (W - 2) * Cout);
      const L = () => dot(dy, conv2dForward(x, k, b, B, H, W, Cin, Cout));
      const g = conv2dBackward(dy, x, k, B, H, W, Cin, Cout);
      for (const [name, arr, grad] of [
        ['dx', x, g.dx],
        ['dk', k, g.dk],
        ['db', b, g.db],
      ] as const) {
        const r = gradCheck(L, arr, grad);
        report(`conv2d ${B}x${H}x${W}x${Cin}->${Cout} ${name}`, r);
        expect(r.relErr).toBeLessThan(1e-6);
      }
    });
  }
});
