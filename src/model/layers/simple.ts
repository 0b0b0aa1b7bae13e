// The layers without weights or geometry: Flatten, GlobalAveragePooling2D, Dropout, Activation.
import type { Activation } from '../activations.ts';
import { layerError } from '../spec-error.ts';
import type { LayerType } from './types.ts';
import { requireImage } from './types.ts';

export type NoOptions = Record<string, never>;

export const flattenType: LayerType<NoOptions> = {
  className: 'Flatten',
  namePrefix: 'flatten',
  parse(r) {
    r.channelsLast();
    return {};
  },
  outputShape: (input) => [input.reduce((a, b) => a * b, 1)],
  weights: () => [],
  serialize: () => ({ data_format: 'channels_last' }),
  tfjsExtras: {},
  keras3Extras: {},
  built: true,
};

export const globalAveragePooling2dType: LayerType<NoOptions> = {
  className: 'GlobalAveragePooling2D',
  namePrefix: 'global_average_pooling2d',
  parse(r) {
    r.channelsLast();
    r.neutral('keepdims', (v) => v === false, 'only false');
    return {};
  },
  outputShape(input, _o, at) {
    const [, , c] = requireImage(input, at, (m) => {
      throw layerError(at, undefined, m);
    });
    return [c];
  },
  weights: () => [],
  serialize: () => ({ data_format: 'channels_last', keepdims: false }),
  tfjsExtras: {},
  keras3Extras: {},
  built: false,
};

export interface DropoutOptions {
  rate: number;
}

export const dropoutType: LayerType<DropoutOptions> = {
  className: 'Dropout',
  namePrefix: 'dropout',
  parse(r) {
    r.neutral('noise_shape', (v) => v === null, 'only null');
    return { rate: r.number('rate', 0, 1, 0.5) };
  },
  outputShape: (input) => input,
  weights: () => [],
  serialize: (o) => ({ rate: o.rate, noise_shape: null, seed: null }),
  tfjsExtras: {},
  keras3Extras: { seed: null, noise_shape: null },
  built: false,
};

export interface ActivationOptions {
  activation: Activation;
}

export const activationType: LayerType<ActivationOptions> = {
  className: 'Activation',
  namePrefix: 'activation',
  parse(r) {
    return { activation: r.activation('activation', true) };
  },
  outputShape: (input) => input,
  weights: () => [],
  serialize: (o) => ({ activation: o.activation }),
  tfjsExtras: {},
  keras3Extras: {},
  built: false,
};
