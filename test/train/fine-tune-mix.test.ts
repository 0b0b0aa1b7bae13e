// The fine-tune's batches (src/train/fine-tune-mix.ts): the user's images in a fixed share of
// every batch, shifted copies of them, MNIST's from a small seeded pool, all seeded.
import { describe, expect, it } from 'vitest';
import { mixBatches, mixProblem, shiftImage, type FineTuneMix } from '../../src/train/fine-tune-mix.ts';
import type { MnistSplit } from '../../src/data/mnist.ts';

const SHAPE = [4, 4, 1] as const;
const SIZE = 16;

/** `count` 4x4 images, image i filled with `base + i` but for pixel 5 (a mark for shifts); label i % 10. */
function split(count: number, base: number): MnistSplit {
  const images = new Uint8Array(count * SIZE);
  for (let i = 0; i < count; i++) images.fill(base + i, i * SIZE, (i + 1) * SIZE);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count };
}

const MIX: FineTuneMix = { steps: 12, batchSize: 8, userPerBatch: 3, mnistPool: 5, maxShift: 0, seed: 4 };

/** The value an image is filled with (its most common byte). */
function fill(images: Uint8Array, i: number): number {
  const px = Array.from(images.subarray(i * SIZE, (i + 1) * SIZE));
  return px.sort((a, b) => px.filter((v) => v === b).length - px.filter((v) => v === a).length)[0];
}

describe('mixBatches', () => {
  const user = split(4, 200); // fills 200..203
  const mnist = split(50, 10); // fills 10..59

  it('puts userPerBatch user images first in every batch and MNIST images from a pool of mnistPool after them', () => {
    const out = mixBatches(user, mnist, SHAPE, MIX);
    expect(out.count).toBe(96);
    const pool = new Set<number>();
    const userSeen = new Map<number, number>();
    for (let i = 0; i < out.count; i++) {
      const v = fill(out.images, i);
      if (i % 8 < 3) {
        expect(v).toBeGreaterThanOrEqual(200);
        expect(out.labels[i]).toBe((v - 200) % 10);
        userSeen.set(v, (userSeen.get(v) ?? 0) + 1);
      } else {
        expect(v).toBeLessThan(60);
        expect(out.labels[i]).toBe((v - 10) % 10);
        pool.add(v);
      }
    }
    expect(pool.size).toBe(5);
    // 36 user slots over 4 images, each used as often as the others (cycled)
    expect([...userSeen.values()]).toEqual([9, 9, 9, 9]);
  });

  it('is the same for the same seed and another for another', () => {
    const a = mixBatches(user, mnist, SHAPE, MIX);
    expect(mixBatches(user, mnist, SHAPE, MIX)).toEqual(a);
    expect(mixBatches(user, mnist, SHAPE, { ...MIX, seed: 5 }).images).not.toEqual(a.images);
  });

  it('shifts the user images\' copies by at most maxShift pixels, keeping their ink', () => {
    const dot = { images: new Uint8Array(SIZE), labels: Uint8Array.of(3), count: 1 };
    dot.images[5] = 255; // (1, 1)
    const out = mixBatches(dot, mnist, SHAPE, { ...MIX, userPerBatch: 8, maxShift: 1, steps: 20 });
    const places = new Set<number>();
    for (let i = 0; i < out.count; i++) {
      const img = out.images.subarray(i * SIZE, (i + 1) * SIZE);
      const at = img.indexOf(255);
      expect(img.filter((v) => v !== 0).length).toBe(1);
      expect(Math.abs((at % 4) - 1)).toBeLessThanOrEqual(1);
      expect(Math.abs(Math.floor(at / 4) - 1)).toBeLessThanOrEqual(1);
      places.add(at);
    }
    expect(places.size).toBe(9); // every shift in -1..1 on both axes turns up
  });

  it('refuses a mix it cannot make, naming what is wrong', () => {
    const none = split(0, 0);
    expect(mixProblem(none, mnist, MIX)).toMatch(/no samples to train on/);
    expect(mixProblem(user, none, MIX)).toMatch(/no MNIST images/);
    expect(mixProblem(user, mnist, { ...MIX, userPerBatch: 9 })).toMatch(/user images per batch must be 0..8, got 9/);
    expect(mixProblem(user, mnist, { ...MIX, steps: 0 })).toMatch(/steps/);
    expect(() => mixBatches(user, mnist, SHAPE, { ...MIX, batchSize: 2.5 })).toThrow(/^fine-tune: batch size must be a whole number/);
    expect(mixProblem(none, mnist, { ...MIX, userPerBatch: 0 })).toBeUndefined();
  });
});

describe('shiftImage', () => {
  it('moves every channel and leaves the uncovered border 0', () => {
    const img = Uint8Array.from({ length: 2 * 2 * 2 }, (_, i) => i + 1); // (2, 2, 2)
    expect(Array.from(shiftImage(img, [2, 2, 2], 1, 0))).toEqual([0, 0, 1, 2, 0, 0, 5, 6]);
    expect(Array.from(shiftImage(img, [2, 2, 2], 0, -1))).toEqual([5, 6, 7, 8, 0, 0, 0, 0]);
  });
});
