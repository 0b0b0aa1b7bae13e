// What the model side knows of one Keras layer type: how to read its options from a Keras
// config, its output shape, its weights (Keras names and order), and how to write its options
// back. The GPU side of each type lives in src/layers/.
import type { LayerLocation } from '../spec-error.ts';
import type { OptionReader, RawConfig } from './options.ts';

/** A shape without the batch dimension: (H, W, C) for images, (N) for flat features. */
export type Shape = readonly number[];

export type Initializer = 'glorot_uniform' | 'zeros' | 'ones';

export interface WeightSpec {
  /** Keras's weight name inside its layer: kernel, bias, gamma, beta, moving_mean, moving_variance. */
  name: string;
  shape: number[];
  /** False for statistics a layer updates itself (BatchNormalization's moving mean and variance). */
  trainable: boolean;
  init: Initializer;
}

export interface LayerType<O> {
  /** Keras's class_name. */
  readonly className: string;
  /** Keras's automatic name prefix (conv2d, max_pooling2d, dense, ...). */
  readonly namePrefix: string;
  /** Reads and checks the options; `last` tells whether this is the model's last layer. */
  parse(r: OptionReader, last: boolean): O;
  /** Output shape for an input shape; throws (naming the layer) where it would collapse. */
  outputShape(input: Shape, o: O, at: LayerLocation): Shape;
  /** The layer's weights for an input shape, in Keras's order. */
  weights(input: Shape, o: O): WeightSpec[];
  /** The options as a Keras config (snake_case, without name). */
  serialize(o: O): RawConfig;
}

/** Output size of a window of `k` with stride `s` over `n` cells (Keras valid / same). */
export function windowOutput(n: number, k: number, s: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

/** Keras's 'same' padding before the first cell (the extra cell, if odd, goes after the last). */
export function samePadBefore(n: number, k: number, s: number): number {
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  return Math.floor(total / 2);
}

export function requireImage(input: Shape, at: LayerLocation, fail: (m: string) => never): [number, number, number] {
  if (input.length !== 3) fail(`needs an image input (H, W, C), got (${input.join(', ')})`);
  return [input[0], input[1], input[2]];
}
