import { describe, expect, it } from 'vitest';
import { adamStep, sgdMomentumStep } from './optim.ts';
import { maxAbsDiff } from '../../src/gpu/tolerance.ts';

describe('reference Adam (Keras 3)', () => {
  it('matches a hand-computed 2-step case', () => {
    // Expected values computed independently (Python, float64) with the Keras 3 formula:
    // lr_t = lr*sqrt(1-b2^t)/(1-b1^t); m += (g-m)(1-b1); v += (g^2-v)(1-b2); w -= lr_t*m/(sqrt(v)+eps)
    const w = Float64Array.of(1.0, -2.0, 0.5);
    const m = new Float64Array(3);
    const v = new Float64Array(3);
    adamStep(w, Float64Array.of(0.1, -0.3, 0.0), m, v, 1);
    // step 1: m = 0.1 g, v = 0.001 g^2, the update is ~lr * sign(g)
    const d1 = Math.max(
      maxAbsDiff(w, [0.9990000316217766, -1.9990000105408143, 0.5]),
      maxAbsDiff(m, [0.01, -0.03, 0]),
      maxAbsDiff(v, [1e-5, 9e-5, 0]),
    );
    adamStep(w, Float64Array.of(0.2, 0.4, -1e-3), m, v, 2);
    const d2 = Math.max(
      maxAbsDiff(w, [0.9980348632468621, -1.999193519725871, 0.5007417910742245]),
      maxAbsDiff(m, [0.029, 0.013, -1e-4]),
      maxAbsDiff(v, [4.999e-5, 2.4991e-4, 1e-9]),
    );
    console.log(`adam 2-step max diff: step1 ${d1.toExponential(3)} step2 ${d2.toExponential(3)}`);
    expect(d1).toBeLessThan(1e-15);
    expect(d2).toBeLessThan(1e-15);
  });

  it('respects options', () => {
    const w = Float64Array.of(1);
    adamStep(w, Float64Array.of(2), new Float64Array(1), new Float64Array(1), 1, { lr: 0.1, eps: 0 });
    // step 1 with eps 0: w -= lr * sign(g)
    expect(w[0]).toBeCloseTo(0.9, 14);
  });
});

describe('reference SGD with momentum (Keras)', () => {
  it('matches a hand-computed 2-step case', () => {
    // velocity = 0.9*velocity - 0.01*g; w += velocity
    const w = Float64Array.of(1.0, -2.0);
    const vel = new Float64Array(2);
    sgdMomentumStep(w, Float64Array.of(0.1, -0.3), vel, { lr: 0.01, momentum: 0.9 });
    const d1 = Math.max(maxAbsDiff(w, [0.999, -1.997]), maxAbsDiff(vel, [-0.001, 0.003]));
    sgdMomentumStep(w, Float64Array.of(0.2, 0.4), vel, { lr: 0.01, momentum: 0.9 });
    // vel = 0.9*(-0.001) - 0.002 = -0.0029 ; 0.9*0.003 - 0.004 = -0.0013
    const d2 = Math.max(maxAbsDiff(w, [0.9961, -1.9983]), maxAbsDiff(vel, [-0.0029, -0.0013]));
    console.log(`sgd momentum 2-step max diff: step1 ${d1.toExponential(3)} step2 ${d2.toExponential(3)}`);
    expect(d1).toBeLessThan(1e-15);
    expect(d2).toBeLessThan(1e-15);
  });

  it('plain SGD without momentum', () => {
    const w = Float64Array.of(1);
    sgdMomentumStep(w, Float64Array.of(2), new Float64Array(1), { lr: 0.1 });
    expect(w[0]).toBeCloseTo(0.8, 15);
  });
});
