// A small random stand-in for MNIST (sparse bright strokes, random labels) for GPU tests that
// need a dataset but not real digits.
import { CLASS_NAMES } from '../../src/data/datasets.ts';
import type { Mnist } from '../../src/data/mnist.ts';
import { Rng } from '../../src/model/rng.ts';

export function fakeMnist(trainCount: number, testCount: number, seed: number): Mnist {
  const rng = new Rng(seed);
  const split = (n: number) => {
    const images = new Uint8Array(n * 784); // (n, 28, 28)
    // Sparse strokes like MNIST: most pixels 0, some bright.
    for (let i = 0; i < images.length; i++) images[i] = rng.nextFloat() < 0.25 ? rng.nextInt(256) : 0;
    const labels = new Uint8Array(n); // (n)
    for (let i = 0; i < n; i++) labels[i] = rng.nextInt(10);
    return { images, labels, count: n };
  };
  return { train: split(trainCount), test: split(testCount), imageShape: [28, 28, 1], classNames: CLASS_NAMES.mnist };
}
