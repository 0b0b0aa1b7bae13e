/**
 * Sizes of the default model (the seed's network), read from its spec
 * (models/mnist-cnn.json) for the tests that are about that network alone (its fixed-shape
 * reference among them). Nothing here is typed in.
 */
import { DEFAULT_MODEL } from '../../src/model/presets.ts';

function layer(name: string) {
  const l = DEFAULT_MODEL.layers.find((x) => x.spec.name === name);
  if (!l) throw new Error(`the default model has no layer ${name}`);
  return l;
}

/** Input image side and channels. */
export const IMAGE = DEFAULT_MODEL.inputShape[0];
export const C0 = DEFAULT_MODEL.inputShape[2];
/** Filters of the two convolutions. */
export const C1 = layer('conv2d').outputShape[2];
export const C2 = layer('conv2d_1').outputShape[2];
/** Output sides of conv2d, max_pooling2d, conv2d_1, max_pooling2d_1. */
export const H1 = layer('conv2d').outputShape[0];
export const P1 = layer('max_pooling2d').outputShape[0];
export const H2 = layer('conv2d_1').outputShape[0];
export const P2 = layer('max_pooling2d_1').outputShape[0];
/** Rows / columns of conv2d_1's output that max_pooling2d_1 reads (2 * P2). */
export const USED2 = 2 * P2;
/** Flattened features and hidden units. */
export const FLAT = layer('flatten').outputShape[0];
export const HIDDEN = layer('dense').outputShape[0];
/** Output classes. */
export const CLASSES = DEFAULT_MODEL.classes;
/** The default model's dropout rates (dropout, dropout_1, dropout_2). */
export const DROPOUT_RATES: readonly [number, number, number] = DEFAULT_MODEL.layers
  .filter((l) => l.spec.type === 'Dropout')
  .map((l) => (l.spec.type === 'Dropout' ? l.spec.options.rate : 0)) as unknown as [number, number, number];

export { shapeSize } from '../../src/model/model-info.ts';
