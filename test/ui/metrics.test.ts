import { describe, expect, it } from 'vitest';
import { testResults } from '../../src/ui/metrics.ts';

function oneHotish(rows: [number, number][]): Float32Array {
  // each row: [predicted class, its probability]; the rest spread evenly
  const p = new Float32Array(rows.length * 10);
  rows.forEach(([c, q], i) => {
    for (let k = 0; k < 10; k++) p[i * 10 + k] = k === c ? q : (1 - q) / 9;
  });
  return p;
}

describe('testResults', () => {
  it('computes loss, accuracy, confusion and worst mistakes', () => {
    const probs = oneHotish([
      [3, 0.9], // label 3: right
      [5, 0.99], // label 2: wrong, very confident
      [1, 0.6], // label 1: right
      [7, 0.7], // label 4: wrong
    ]);
    const labels = new Uint8Array([3, 2, 1, 4]);
    const images = new Uint8Array(4 * 784).map((_, i) => Math.floor(i / 784));
    const r = testResults(probs, labels, images, 4, 3, 5);
    expect(r.accuracy).toBe(0.5);
    const expected = -(Math.log(0.9) + Math.log(0.01 / 9) + Math.log(0.6) + Math.log(0.3 / 9)) / 4;
    expect(r.loss).toBeCloseTo(expected, 5);
    expect(r.confusion[3 * 10 + 3]).toBe(1);
    expect(r.confusion[2 * 10 + 5]).toBe(1);
    expect(r.confusion[4 * 10 + 7]).toBe(1);
    expect(r.confusion.reduce((a, b) => a + b, 0)).toBe(4);
    expect(r.samples).toHaveLength(3);
    expect(r.worst.map((w) => w.index)).toEqual([1, 3]);
    expect(r.worst[0]).toMatchObject({ label: 2, predicted: 5 });
    expect(r.worst[0].confidence).toBeCloseTo(0.99, 5);
    expect(r.worst[0].image[0]).toBe(1); // image of test example 1
  });
});
