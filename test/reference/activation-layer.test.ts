// The float64 Activation layer references: the softmax over rows (values, stability, backward
// against central finite differences) and the elementwise activations' backward through the
// stored output y (test/reference/activation.ts) against central finite differences.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { ELEMENTWISE_ACTIVATIONS } from '../../src/model/activations.ts';
import { activationBackward, activationForward } from './activation.ts';
import { softmaxRowsBackward, softmaxRowsForward } from './activation-layer.ts';
import { dot, gradCheck, randArray, randAwayFromZero, report } from './gradcheck.ts';

describe('reference softmax rows', () => {
  it('rows sum to 1, large logits stay finite, shift invariance', () => {
    const x = Float64Array.of(1, 2, 3, 1000, 1001, 1002);
    const y = softmaxRowsForward(x, 2, 3);
    expect(y[0] + y[1] + y[2]).toBeCloseTo(1, 14);
    for (let i = 0; i < 3; i++) expect(y[3 + i]).toBeCloseTo(y[i], 14);
    expect(y[2]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 14);
  });

  it('backward matches finite differences (7 rows of 13)', () => {
    const rng = new Rng(17);
    const x = randArray(rng, 7 * 13, -3, 3);
    const dy = randArray(rng, x.length);
    const y = softmaxRowsForward(x, 7, 13);
    const r = gradCheck(() => dot(dy, softmaxRowsForward(x, 7, 13)), x, softmaxRowsBackward(dy, y, 7, 13));
    report('softmax rows dx', r);
    expect(r.relErr).toBeLessThan(1e-6);
  });
});

describe('reference elementwise activation backward through y', () => {
  for (const act of ELEMENTWISE_ACTIVATIONS) {
    it(`${act}: backward matches finite differences`, () => {
      const rng = new Rng(23 + act.length);
      const x = randAwayFromZero(rng, 5 * 11).map((v) => 2 * v);
      const dy = randArray(rng, x.length);
      const dx = activationBackward(dy, activationForward(x, act), act);
      const r = gradCheck(() => dot(dy, activationForward(x, act)), x, dx);
      report(`${act} dx`, r);
      expect(r.relErr).toBeLessThan(1e-6);
    });
  }
});
