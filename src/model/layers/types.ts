// What the model side knows of one Keras layer type: how to read its options from a Keras
// config, its output shape, its weights (Keras names and order), and how to write it back in
// both config forms (TF.js / Keras 2 modelTopology, Keras 3 config.json). The GPU side of each
// type lives in src/layers/ (registered in src/layers/gpu-layers.ts).
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
  /** What Keras writes beside `serialize`'s options in a TF.js / Keras 2 modelTopology (initializers, null regularizers), in Keras's order. */
  readonly tfjsExtras: ExtraOptions;
  /** The same for a Keras 3 config.json. */
  readonly keras3Extras: ExtraOptions;
  /** Whether Keras 3 builds the layer from its input shape and records it (build_config). */
  readonly built: boolean;
  /**
   * The layer computes no gradient with respect to its input (random augmentation): it must
   * come before every layer with weights (model-info.ts refuses it elsewhere).
   */
  readonly noInputGradient?: boolean;
}

/** A serialized initializer, written in each config form's own way (toTfjsTopology, kerasConfig). */
export class KerasInitializer {
  constructor(readonly className: 'GlorotUniform' | 'Zeros' | 'Ones') {}
}

/** Extra options of a layer config: plain JSON values and initializers. */
export type ExtraOptions = Readonly<Record<string, unknown>>;

/** `null` for each key (regularizers and constraints Keras writes as null). */
export function nulls(...keys: string[]): Record<string, null> {
  return Object.fromEntries(keys.map((k) => [k, null]));
}

/** `extras` with each initializer written by `write` (the config form's own serialization). */
export function writeExtras(extras: ExtraOptions, write: (i: KerasInitializer) => unknown): RawConfig {
  return Object.fromEntries(Object.entries(extras).map(([k, v]) => [k, v instanceof KerasInitializer ? write(v) : v]));
}

export const GLOROT_UNIFORM = new KerasInitializer('GlorotUniform');
export const ZEROS = new KerasInitializer('Zeros');
export const ONES = new KerasInitializer('Ones');

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
