// The model presets, each a Keras Sequential config in models/: the seed's network (the
// default) and networks that use the other supported layers.
import mnistCnn from '../../models/mnist-cnn.json' with { type: 'json' };
import lenet5 from '../../models/lenet5.json' with { type: 'json' };
import stridedBn from '../../models/strided-bn.json' with { type: 'json' };
import { parseModelConfig, type ModelSpec } from './model-spec.ts';
import { modelInfo, type ModelInfo } from './model-info.ts';

export const PRESETS = {
  /** The Keras MNIST CNN (the default): 225,034 parameters. */
  'mnist-cnn': mnistCnn,
  /** LeNet-5 style: 5x5 'same' and 'valid' tanh convolutions, average pooling, three dense layers. */
  lenet5,
  /** Strided 'same' convolutions without bias, BatchNormalization, 'same' max pooling, global average pooling. */
  'strided-bn': stridedBn,
} as const;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
export const DEFAULT_PRESET: PresetName = 'mnist-cnn';

export function isPresetName(s: string): s is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, s);
}

export function presetSpec(name: PresetName): ModelSpec {
  return parseModelConfig(PRESETS[name]);
}

/** The default model (the seed's network). */
export const DEFAULT_SPEC: ModelSpec = presetSpec(DEFAULT_PRESET);
export const DEFAULT_MODEL: ModelInfo = modelInfo(DEFAULT_SPEC);
