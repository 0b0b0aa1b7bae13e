// Every supported Keras layer type, by class name: the one list a new layer type joins. The
// LayerSpec union, the type names and the option types all derive from this record, and the
// GPU (src/layers/gpu-layers.ts) and test-side records are checked against its keys.
import { activationType, dropoutType, flattenType, globalAveragePooling2dType, type ActivationOptions, type DropoutOptions, type NoOptions } from './simple.ts';
import { averagePooling2dType, maxPooling2dType, type Pool2dOptions } from './pool2d.ts';
import { batchNormType, type BatchNormOptions } from './batch-norm.ts';
import { conv2dType, type Conv2dOptions } from './conv2d.ts';
import { denseType, type DenseOptions } from './dense.ts';
import { rescalingType, type RescalingOptions } from './rescaling.ts';
import type { LayerType } from './types.ts';

export type { Conv2dOptions, DenseOptions, Pool2dOptions, BatchNormOptions, DropoutOptions, ActivationOptions, NoOptions, RescalingOptions };
export * from './types.ts';

export const LAYER_TYPES = {
  Conv2D: conv2dType,
  MaxPooling2D: maxPooling2dType,
  AveragePooling2D: averagePooling2dType,
  GlobalAveragePooling2D: globalAveragePooling2dType,
  Flatten: flattenType,
  Dropout: dropoutType,
  Activation: activationType,
  BatchNormalization: batchNormType,
  Dense: denseType,
  Rescaling: rescalingType,
} as const;

export type LayerTypeName = keyof typeof LAYER_TYPES;

type OptionsOfType<T> = T extends LayerType<infer O> ? O : never;

/** The options of the layer type named K. */
export type OptionsOf<K extends LayerTypeName> = OptionsOfType<(typeof LAYER_TYPES)[K]>;

/**
 * One layer of a model spec: its Keras class, name and checked options, and `trainable: false`
 * where the config freezes it (Keras's per-layer key; absent when the layer trains).
 */
export type LayerSpec = { [K in LayerTypeName]: { type: K; name: string; options: OptionsOf<K>; trainable?: false } }[LayerTypeName];

/** Whether training updates the layer's weights (Keras's `layer.trainable`). */
export function isTrainable(l: LayerSpec): boolean {
  return l.trainable !== false;
}

/** The model-side description of a layer's type. */
export function layerType(l: LayerSpec): LayerType<LayerSpec['options']> {
  return LAYER_TYPES[l.type] as LayerType<LayerSpec['options']>;
}

export function isLayerTypeName(s: string): s is LayerTypeName {
  return Object.prototype.hasOwnProperty.call(LAYER_TYPES, s);
}
