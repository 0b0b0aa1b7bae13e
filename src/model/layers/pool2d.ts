// MaxPooling2D and AveragePooling2D: pool_size, strides (default: pool_size), padding.
import { layerError } from '../spec-error.ts';
import type { LayerType } from './types.ts';
import { requireImage, windowOutput } from './types.ts';

export interface Pool2dOptions {
  poolSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
}

function poolType(className: string, namePrefix: string): LayerType<Pool2dOptions> {
  return {
    className,
    namePrefix,
    parse(r) {
      r.channelsLast();
      const poolSize = r.pair('pool_size', 1, 7, [2, 2]);
      const strides = r.config.strides === null ? poolSize : r.pair('strides', 1, 7, poolSize);
      return { poolSize, strides, padding: r.oneOf('padding', ['valid', 'same'], 'valid') };
    },
    outputShape(input, o, at) {
      const fail = (m: string): never => {
        throw layerError(at, undefined, m);
      };
      const [h, w, c] = requireImage(input, at, fail);
      const oh = windowOutput(h, o.poolSize[0], o.strides[0], o.padding);
      const ow = windowOutput(w, o.poolSize[1], o.strides[1], o.padding);
      if (oh < 1 || ow < 1) {
        throw layerError(at, 'pool_size', `a ${o.poolSize.join('x')} '${o.padding}' window does not fit the ${h}x${w} input`);
      }
      return [oh, ow, c];
    },
    weights: () => [],
    serialize(o) {
      return { pool_size: o.poolSize, padding: o.padding, strides: o.strides, data_format: 'channels_last' };
    },
    tfjsExtras: {},
    keras3Extras: {},
    built: false,
  };
}

export const maxPooling2dType = poolType('MaxPooling2D', 'max_pooling2d');
export const averagePooling2dType = poolType('AveragePooling2D', 'average_pooling2d');
