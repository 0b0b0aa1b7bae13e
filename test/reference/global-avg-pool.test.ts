// The float64 GlobalAveragePooling2D reference: values by hand and the backward against central
// finite differences.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { globalAvgPoolBackward, globalAvgPoolForward } from './global-avg-pool.ts';
import { dot, gradCheck, randArray, report } from './gradcheck.ts';

describe('reference global average pooling', () => {
  it('averages each channel over H x W', () => {
    // x (1, 2, 2, 2): channel 0 = 1, 2, 3, 4; channel 1 = 10, 20, 30, 40
    const y = globalAvgPoolForward(Float64Array.of(1, 10, 2, 20, 3, 30, 4, 40), 1, 2, 2, 2);
    expect(Array.from(y)).toEqual([2.5, 25]);
    expect(Array.from(globalAvgPoolBackward(Float64Array.of(4, 8), 1, 2, 2, 2))).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  });

  it('backward matches finite differences (B=3, 5x7x3)', () => {
    const [B, H, W, C] = [3, 5, 7, 3];
    const rng = new Rng(3);
    const x = randArray(rng, B * H * W * C);
    const dy = randArray(rng, B * C);
    const r = gradCheck(() => dot(dy, globalAvgPoolForward(x, B, H, W, C)), x, globalAvgPoolBackward(dy, B, H, W, C));
    report('global avg pool dx', r);
    expect(r.relErr).toBeLessThan(1e-6);
  });
});
