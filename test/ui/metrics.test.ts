import { describe, expect, it } from 'vitest';
import { CLASS_NAMES } from '../../src/data/datasets.ts';
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
    const r = testResults({ probabilities: probs, labels, images, count: 4, imageShape: [28, 28, 1], classNames: CLASS_NAMES.mnist }, 3, 5);
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
    expect(r.classNames).toEqual(CLASS_NAMES.mnist);
  });

  it('takes the number of classes from the class names and the image size from the shape (3 classes, 2x2 RGB)', () => {
    // rows: [p0, p1, p2] for labels 2, 0, 1
    const probabilities = Float32Array.of(0.1, 0.2, 0.7, 0.5, 0.4, 0.1, 0.6, 0.3, 0.1);
    const labels = Uint8Array.of(2, 0, 1);
    const images = Uint8Array.from({ length: 3 * 12 }, (_, i) => i); // (3, 2, 2, 3)
    const r = testResults({ probabilities, labels, images, count: 3, imageShape: [2, 2, 3], classNames: ['cat', 'dog', 'bird'] }, 3, 3);
    expect(r.accuracy).toBeCloseTo(2 / 3, 6);
    expect(r.loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.5) + Math.log(0.3)) / 3, 5);
    // confusion[true * 3 + predicted]: 2->2, 0->0, 1->0
    expect(r.confusion).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(r.worst.map((w) => [w.index, w.label, w.predicted])).toEqual([[2, 1, 0]]);
    expect(Array.from(r.samples[1].image)).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(r.imageShape).toEqual([2, 2, 3]);
    expect(r.classNames).toEqual(['cat', 'dog', 'bird']);
  });
});
