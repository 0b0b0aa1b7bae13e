// Dense: units, use_bias, activation (softmax only as the model's last layer).
import type { Activation } from '../activations.ts';
import { layerError } from '../spec-error.ts';
import { GLOROT_UNIFORM, nulls, ZEROS, type LayerType } from './types.ts';

export interface DenseOptions {
  units: number;
  useBias: boolean;
  activation: Activation;
}

export const MAX_UNITS = 8192;

export const denseType: LayerType<DenseOptions> = {
  className: 'Dense',
  namePrefix: 'dense',
  parse(r, last) {
    r.nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint');
    r.initializer('kernel_initializer');
    r.initializer('bias_initializer');
    r.neutral('quantization_config', (v) => v === null, 'only null');
    const activation = r.activation('activation', true);
    if (activation === 'softmax' && !last) r.fail('activation', 'softmax is supported on the last layer only');
    return { units: r.int('units', 1, MAX_UNITS), useBias: r.bool('use_bias', true), activation };
  },
  outputShape(input, o, at) {
    if (input.length !== 1) {
      throw layerError(at, undefined, `needs a flat input, got (${input.join(', ')}): put Flatten or GlobalAveragePooling2D before it`);
    }
    return [o.units];
  },
  weights(input, o) {
    const kernel = { name: 'kernel', shape: [input[0], o.units], trainable: true, init: 'glorot_uniform' as const };
    return o.useBias ? [kernel, { name: 'bias', shape: [o.units], trainable: true, init: 'zeros' }] : [kernel];
  },
  serialize(o) {
    return { units: o.units, activation: o.activation, use_bias: o.useBias };
  },
  tfjsExtras: {
    kernel_initializer: GLOROT_UNIFORM,
    bias_initializer: ZEROS,
    ...nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'),
  },
  keras3Extras: {
    kernel_initializer: GLOROT_UNIFORM,
    bias_initializer: ZEROS,
    ...nulls('kernel_regularizer', 'bias_regularizer', 'kernel_constraint', 'bias_constraint', 'quantization_config'),
  },
  built: true,
};
