import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import {
  batchNormBackward,
  batchNormInferenceBackward,
  batchNormInferenceForward,
  batchNormMoments,
  batchNormMovingUpdate,
  batchNormTrainingForward,
} from './batch-norm.ts';
import { dot, gradCheck, randArray, report } from './gradcheck.ts';

describe('reference batch normalization', () => {
  it('moments are the per-channel mean and biased variance (divide by N)', () => {
    // N = 4 rows, C = 2: channel 0 = 1, 2, 3, 6; channel 1 = -1, -1, -1, -1
    const x = Float64Array.of(1, -1, 2, -1, 3, -1, 6, -1);
    const { mean, variance } = batchNormMoments(x, 4, 2);
    expect(Array.from(mean)).toEqual([3, -1]);
    expect(Array.from(variance)).toEqual([(4 + 1 + 0 + 9) / 4, 0]);
  });

  it('training forward normalises each channel; inference uses the moving statistics', () => {
    const x = Float64Array.of(1, 10, 3, 30); // N = 2, C = 2
    const eps = 1e-3;
    const w = { gamma: Float64Array.of(2, 0.5), beta: Float64Array.of(1, -1) };
    const { y } = batchNormTrainingForward(x, 2, 2, w, eps);
    const s0 = 1 / Math.sqrt(1 + eps);
    const s1 = 1 / Math.sqrt(100 + eps);
    expect(Array.from(y)).toEqual([2 * -1 * s0 + 1, 0.5 * -10 * s1 - 1, 2 * 1 * s0 + 1, 0.5 * 10 * s1 - 1]);
    const yNoAffine = batchNormTrainingForward(x, 2, 2, { gamma: null, beta: null }, eps).y;
    expect(Array.from(yNoAffine)).toEqual([-1 * s0, -10 * s1, 1 * s0, 10 * s1]);
    const yInf = batchNormInferenceForward(x, 2, 2, w, Float64Array.of(0, 20), Float64Array.of(4, 25), eps);
    expect(Array.from(yInf)).toEqual([
      (2 * 1) / Math.sqrt(4 + eps) + 1,
      (0.5 * -10) / Math.sqrt(25 + eps) - 1,
      (2 * 3) / Math.sqrt(4 + eps) + 1,
      (0.5 * 10) / Math.sqrt(25 + eps) - 1,
    ]);
  });

  it('moving update is moving * momentum + batch * (1 - momentum)', () => {
    const m = batchNormMovingUpdate(Float64Array.of(0, 1), Float64Array.of(2, 5), 0.99);
    expect(m[0]).toBeCloseTo(0.02, 15);
    expect(m[1]).toBeCloseTo(0.99 + 0.05, 15);
  });

  for (const [N, C, scale, center] of [
    [7, 3, true, true],
    [1 * 5, 5, true, false],
    [2 * 3 * 3, 4, false, true],
    [9, 2, false, false],
  ] as const) {
    it(`training backward matches finite differences (N=${N}, C=${C}, scale=${scale}, center=${center})`, () => {
      const rng = new Rng(900 + N * C + (scale ? 1 : 0) + (center ? 2 : 0));
      const eps = 1e-3;
      const x = randArray(rng, N * C, -2, 2);
      const gamma = scale ? randArray(rng, C, 0.5, 1.5) : null;
      const beta = center ? randArray(rng, C) : null;
      const w = randArray(rng, N * C); // loss = sum(w * y)
      const L = () => dot(w, batchNormTrainingForward(x, N, C, { gamma, beta }, eps).y);
      const g = batchNormBackward(w, x, N, C, gamma, eps);
      const checks: [string, Float64Array, Float64Array][] = [['dx', x, g.dx]];
      if (gamma) checks.push(['dgamma', gamma, g.dgamma]);
      if (beta) checks.push(['dbeta', beta, g.dbeta]);
      for (const [name, arr, grad] of checks) {
        const r = gradCheck(L, arr, grad);
        report(`batchnorm N=${N} C=${C} ${name}`, r);
        expect(r.relErr).toBeLessThan(1e-6);
      }
    });
  }

  it('inference-mode backward (a frozen layer) matches finite differences of the inference forward', () => {
    const rng = new Rng(977);
    const [N, C, eps] = [6, 3, 1e-3];
    const x = randArray(rng, N * C, -2, 2);
    const gamma = randArray(rng, C, 0.5, 1.5);
    const mean = randArray(rng, C);
    const variance = randArray(rng, C, 0.2, 2);
    const w = randArray(rng, N * C); // loss = sum(w * y)
    for (const g of [gamma, null]) {
      const L = () => dot(w, batchNormInferenceForward(x, N, C, { gamma: g, beta: null }, mean, variance, eps));
      const r = gradCheck(L, x, batchNormInferenceBackward(w, N, C, g, variance, eps));
      report(`batchnorm inference N=${N} C=${C} dx${g ? '' : ' (no scale)'}`, r);
      expect(r.relErr).toBeLessThan(1e-6);
    }
  });
});
