// Every supported Keras layer type, by class name: the one list a new layer type joins.
import { activationType, dropoutType, flattenType, globalAveragePooling2dType, type ActivationOptions, type DropoutOptions, type NoOptions } from './simple.ts';
import { averagePooling2dType, maxPooling2dType, type Pool2dOptions } from './pool2d.ts';
import { batchNormType, type BatchNormOptions } from './batch-norm.ts';
import { conv2dType, type Conv2dOptions } from './conv2d.ts';
import { denseType, type DenseOptions } from './dense.ts';
import type { LayerType } from './types.ts';

export type { Conv2dOptions, DenseOptions, Pool2dOptions, BatchNormOptions, DropoutOptions, ActivationOptions, NoOptions };
export * from './types.ts';

/** One layer of a model spec: its Keras class, name and checked options. */
export type LayerSpec =
  | { type: 'Conv2D'; name: string; options: Conv2dOptions }
  | { type: 'MaxPooling2D' | 'AveragePooling2D'; name: string; options: Pool2dOptions }
  | { type: 'GlobalAveragePooling2D' | 'Flatten'; name: string; options: NoOptions }
  | { type: 'Dropout'; name: string; options: DropoutOptions }
  | { type: 'Activation'; name: string; options: ActivationOptions }
  | { type: 'BatchNormalization'; name: string; options: BatchNormOptions }
  | { type: 'Dense'; name: string; options: DenseOptions };

export type LayerTypeName = LayerSpec['type'];

/** The options of the layer type named K. */
export type OptionsOf<K extends LayerTypeName> = LayerSpec extends infer L ? (L extends { type: infer T; options: infer O } ? (K extends T ? O : never) : never) : never;

export const LAYER_TYPES: { readonly [K in LayerTypeName]: LayerType<OptionsOf<K>> } = {
  Conv2D: conv2dType,
  MaxPooling2D: maxPooling2dType,
  AveragePooling2D: averagePooling2dType,
  GlobalAveragePooling2D: globalAveragePooling2dType,
  Flatten: flattenType,
  Dropout: dropoutType,
  Activation: activationType,
  BatchNormalization: batchNormType,
  Dense: denseType,
};

/** The model-side description of a layer's type. */
export function layerType(l: LayerSpec): LayerType<LayerSpec['options']> {
  return LAYER_TYPES[l.type] as LayerType<LayerSpec['options']>;
}

export function isLayerTypeName(s: string): s is LayerTypeName {
  return Object.prototype.hasOwnProperty.call(LAYER_TYPES, s);
}
