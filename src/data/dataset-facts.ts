// What a loaded dataset holds, without its pixels: the image shape, the class names and the
// split sizes. The worker tells the page these once it has the data (the page checks its
// model against them, train/dataset-fit.ts, and names the classes it shows). Browser-safe.
import type { Mnist } from './mnist.ts';

export interface DatasetFacts {
  /** Every image's (height, width, channels). */
  imageShape: readonly [number, number, number];
  /** Label l means classNames[l]. */
  classNames: readonly string[];
  trainCount: number;
  testCount: number;
}

export function datasetFacts(data: Mnist): DatasetFacts {
  return { imageShape: data.imageShape, classNames: data.classNames, trainCount: data.train.count, testCount: data.test.count };
}
