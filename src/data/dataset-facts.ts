// What a loaded dataset holds, without its pixels: the image shape, the class names and the
// split sizes. The worker tells the page these once it has the data (the page checks its
// model against them and names the classes it shows), and the checks that a model fits a
// dataset read them. Browser-safe.
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

/**
 * Why a model with this input shape and number of classes cannot train on or be evaluated on
 * the dataset, or null when it can: its input must be the images' shape and its last layer
 * one unit per class.
 */
export function modelDataMismatch(
  model: { inputShape: readonly number[]; classes: number },
  data: Pick<DatasetFacts, 'imageShape' | 'classNames'>,
): string | null {
  const input = model.inputShape.join(', ');
  const images = data.imageShape.join(', ');
  if (input !== images) return `the model's input is (${input}), the dataset's images are (${images}): set the InputLayer's batch_shape to [null, ${images}]`;
  const classes = data.classNames.length;
  if (model.classes !== classes) return `the model ends in ${model.classes} classes, the dataset has ${classes}: give the last Dense layer ${classes} units`;
  return null;
}
