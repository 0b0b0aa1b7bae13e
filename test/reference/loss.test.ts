import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng.ts';
import { gradCheck, randArray, report } from './gradcheck.ts';
import { softmaxCrossEntropy } from './loss.ts';

describe('reference softmax cross-entropy', () => {
  it('matches a direct computation', () => {
    const rng = new Rng(3);
    const B = 3;
    const C = 7;
    const logits = randArray(rng, B * C, -3, 3);
    const labels = [0, 6, 3];
    const r = softmaxCrossEntropy(logits, labels, B, C);
    let loss = 0;
    let maxDiff = 0;
    for (let n = 0; n < B; n++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(logits[n * C + c]);
      let psum = 0;
      for (let c = 0; c < C; c++) {
        const p = Math.exp(logits[n * C + c]) / s;
        maxDiff = Math.max(maxDiff, Math.abs(p - r.probs[n * C + c]));
        psum += r.probs[n * C + c];
      }
      expect(psum).toBeCloseTo(1, 14);
      loss += -Math.log(Math.exp(logits[n * C + labels[n]]) / s);
    }
    loss /= B;
    console.log(`softmax CE loss ${r.loss} direct ${loss} diff ${Math.abs(r.loss - loss).toExponential(3)} probs max diff ${maxDiff.toExponential(3)}`);
    expect(Math.abs(r.loss - loss)).toBeLessThan(1e-14);
    expect(maxDiff).toBeLessThan(1e-15);
  });

  it('dlogits matches finite differences of the mean loss', () => {
    const rng = new Rng(4);
    const B = 3;
    const C = 10;
    const logits = randArray(rng, B * C, -2, 2);
    const labels = [9, 0, 4];
    const r = softmaxCrossEntropy(logits, labels, B, C);
    const g = gradCheck(() => softmaxCrossEntropy(logits, labels, B, C).loss, logits, r.dlogits);
    report('softmax CE dlogits', g);
    expect(g.relErr).toBeLessThan(1e-6);
  });

  it('counts correct predictions with ties to the lowest index', () => {
    const logits = Float64Array.of(
      1, 3, 3, // argmax 1 (tie with 2)
      5, 5, 0, // argmax 0 (tie)
      0, 1, 2, // argmax 2
    );
    expect(softmaxCrossEntropy(logits, [1, 1, 2], 3, 3).correct).toBe(2);
    expect(softmaxCrossEntropy(logits, [2, 0, 1], 3, 3).correct).toBe(1);
  });

  it('is stable for large logits', () => {
    const r = softmaxCrossEntropy(Float64Array.of(1000, 0, -1000), [1], 1, 3);
    expect(r.loss).toBeCloseTo(1000, 10);
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(r.probs[0]).toBe(1);
  });
});
