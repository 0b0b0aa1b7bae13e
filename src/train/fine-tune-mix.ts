// The batches a fine-tune trains on: every batch holds a fixed number of the user's own images
// (cycled through in a seeded order, each copy shifted by a few pixels) and fills the rest with
// MNIST training images from a small seeded pool, so the model learns the user's handwriting
// without forgetting MNIST. The batches are laid out one after another in one split, to be
// trained on in order (shuffle off). Pure, no GPU.
import type { MnistSplit } from '../data/mnist.ts';
import { Rng } from '../model/rng.ts';

export interface FineTuneMix {
  /** Optimizer steps (batches). */
  steps: number;
  batchSize: number;
  /** How many of each batch's images are the user's (the rest MNIST's). */
  userPerBatch: number;
  /** How many MNIST training images (a seeded choice) the MNIST part cycles through. */
  mnistPool: number;
  /** Largest shift (pixels, each axis) of a user image's copy; 0 keeps them as drawn. */
  maxShift: number;
  seed: number;
}

/** One image's (height, width, channels). */
export type Shape = readonly [number, number, number];

/** A copy of an (h, w, c) image moved by (dx, dy) pixels, the uncovered border left 0 (paper). */
export function shiftImage(src: Uint8Array, shape: Shape, dx: number, dy: number): Uint8Array {
  const [h, w, c] = shape;
  const out = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x - dx;
      if (sx < 0 || sx >= w) continue;
      for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = src[(sy * w + sx) * c + k];
    }
  }
  return out;
}

/** Indices 0..n-1 in seeded orders, a fresh order each time all were handed out. */
function cycler(n: number, rng: Rng): () => number {
  let order: Uint32Array = new Uint32Array(0);
  let at = 0;
  return () => {
    if (at === order.length) {
      order = rng.shuffle(Uint32Array.from({ length: n }, (_, i) => i));
      at = 0;
    }
    return order[at++];
  };
}

/** Why a mix cannot be made of these splits, or undefined. */
export function mixProblem(user: MnistSplit, mnist: MnistSplit, mix: FineTuneMix): string | undefined {
  const whole = (v: number) => Number.isInteger(v) && v >= 0;
  if (!whole(mix.steps) || mix.steps < 1) return `steps must be a whole number of at least 1, got ${mix.steps}`;
  if (!whole(mix.batchSize) || mix.batchSize < 1) return `batch size must be a whole number of at least 1, got ${mix.batchSize}`;
  if (!whole(mix.userPerBatch) || mix.userPerBatch > mix.batchSize) return `user images per batch must be 0..${mix.batchSize}, got ${mix.userPerBatch}`;
  if (!whole(mix.maxShift)) return `the largest shift must be a whole number of pixels, got ${mix.maxShift}`;
  if (mix.userPerBatch > 0 && user.count < 1) return 'there are no samples to train on';
  if (mix.userPerBatch < mix.batchSize && (mnist.count < 1 || mix.mnistPool < 1)) return 'there are no MNIST images to mix in';
  return undefined;
}

/**
 * steps * batchSize images: batch b is images [b * batchSize, (b + 1) * batchSize), its first
 * userPerBatch the user's (shifted copies) and the rest MNIST's. Both splits hold images of
 * `shape`. Throws the mixProblem when there is one.
 */
export function mixBatches(user: MnistSplit, mnist: MnistSplit, shape: Shape, mix: FineTuneMix): MnistSplit {
  const problem = mixProblem(user, mnist, mix);
  if (problem) throw new Error(`fine-tune: ${problem}`);
  const size = shape[0] * shape[1] * shape[2];
  const rng = new Rng(mix.seed);
  const pool = rng.shuffle(Uint32Array.from({ length: mnist.count }, (_, i) => i)).subarray(0, Math.min(mix.mnistPool, mnist.count));
  const nextUser = cycler(user.count, rng);
  const nextMnist = cycler(pool.length, rng);
  const count = mix.steps * mix.batchSize;
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    if (i % mix.batchSize < mix.userPerBatch) {
      const u = nextUser();
      const span = 2 * mix.maxShift + 1;
      const dx = rng.nextInt(span) - mix.maxShift;
      const dy = rng.nextInt(span) - mix.maxShift;
      images.set(shiftImage(user.images.subarray(u * size, (u + 1) * size), shape, dx, dy), i * size);
      labels[i] = user.labels[u];
    } else {
      const m = pool[nextMnist()];
      images.set(mnist.images.subarray(m * size, (m + 1) * size), i * size);
      labels[i] = mnist.labels[m];
    }
  }
  return { images, labels, count };
}
