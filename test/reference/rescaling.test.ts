// The float64 Rescaling reference: values by hand and the backward against central finite
// differences.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { rescalingBackward, rescalingForward } from './rescaling.ts';
import { dot, gradCheck, randArray, report } from './gradcheck.ts';

describe('reference rescaling', () => {
  it('scales and offsets each value', () => {
    expect(Array.from(rescalingForward(Float64Array.of(0, 255, -2), 1 / 255, 0))).toEqual([0, 1, -2 / 255]);
    expect(Array.from(rescalingForward(Float64Array.of(0, 1, 2), 2, -1))).toEqual([-1, 1, 3]);
    expect(Array.from(rescalingBackward(Float64Array.of(1, -3), -0.5))).toEqual([-0.5, 1.5]);
  });

  it('backward matches finite differences', () => {
    const rng = new Rng(5);
    const x = randArray(rng, 60);
    const dy = randArray(rng, 60);
    const [scale, offset] = [-1.75, 0.3];
    const r = gradCheck(() => dot(dy, rescalingForward(x, scale, offset)), x, rescalingBackward(dy, scale));
    report('rescaling dx', r);
    expect(r.relErr).toBeLessThan(1e-6);
  });
});
