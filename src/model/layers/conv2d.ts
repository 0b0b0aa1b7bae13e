// Conv2D: filters, kernel_size, strides, padding valid|same, use_bias, activation.
import type { ElementwiseActivation } from '../activations.ts';
import { layerError } from '../spec-error.ts';
import type { LayerType } from './types.ts';
import { GLOROT_UNIFORM, nulls, requireImage, windowOutput, ZEROS } from './types.ts';

export interface Conv2dOptions {
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
  useBias: boolean;
  activation: ElementwiseActivation;
}

export const MAX_FILTERS = 512;

export const conv2dType: LayerType<Conv2dOptions> = {
  className: 'Conv2D',
  namePrefix: 'conv2d',
  parse(r) {
    r.channelsLast();
    r.neutral('dilation_rate', (v) => v === 1 || JSON.stringify(v) === '[1,1]', 'only 1');
    r.neutral('groups', (v) => v === 1, 'only 1');
    r.nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint');
    r.initializer('kernel_initializer');
    r.initializer('bias_initializer');
    return {
      filters: r.int('filters', 1, MAX_FILTERS),
      kernelSize: r.pair('kernel_size', 1, 7),
      strides: r.pair('strides', 1, 2, [1, 1]),
      padding: r.oneOf('padding', ['valid', 'same'], 'valid'),
      useBias: r.bool('use_bias', true),
      activation: r.elementwise('activation'),
    };
  },
  outputShape(input, o, at) {
    const fail = (m: string): never => {
      throw layerError(at, undefined, m);
    };
    const [h, w] = requireImage(input, at, fail);
    const oh = windowOutput(h, o.kernelSize[0], o.strides[0], o.padding);
    const ow = windowOutput(w, o.kernelSize[1], o.strides[1], o.padding);
    if (oh < 1 || ow < 1) {
      throw layerError(at, 'kernel_size', `a ${o.kernelSize.join('x')} '${o.padding}' window does not fit the ${h}x${w} input`);
    }
    return [oh, ow, o.filters];
  },
  weights(input, o) {
    const kernel = { name: 'kernel', shape: [...o.kernelSize, input[2], o.filters], trainable: true, init: 'glorot_uniform' as const };
    return o.useBias ? [kernel, { name: 'bias', shape: [o.filters], trainable: true, init: 'zeros' }] : [kernel];
  },
  serialize(o) {
    return {
      filters: o.filters,
      kernel_size: o.kernelSize,
      strides: o.strides,
      padding: o.padding,
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      activation: o.activation,
      use_bias: o.useBias,
    };
  },
  tfjsExtras: {
    kernel_initializer: GLOROT_UNIFORM,
    bias_initializer: ZEROS,
    ...nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'),
  },
  keras3Extras: {
    groups: 1,
    kernel_initializer: GLOROT_UNIFORM,
    bias_initializer: ZEROS,
    ...nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'),
  },
  built: true,
};
