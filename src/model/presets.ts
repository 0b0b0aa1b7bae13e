// The model presets, each a Keras Sequential config in models/: the seed's network (the
// default), networks that use the other supported layers, and a small CNN for 32x32 colour
// pictures. A preset's output units are fixed (10 classes): a dataset of another class count
// needs a model file.
import mnistCnn from '../../models/mnist-cnn.json' with { type: 'json' };
import lenet5 from '../../models/lenet5.json' with { type: 'json' };
import stridedBn from '../../models/strided-bn.json' with { type: 'json' };
import smallColor from '../../models/small-color.json' with { type: 'json' };
import { parseModelConfig, type ModelSpec } from './model-spec.ts';
import { modelInfo, type ModelInfo } from './model-info.ts';

export const PRESETS = {
  /** The Keras MNIST CNN (the default): 225,034 parameters. */
  'mnist-cnn': mnistCnn,
  /** LeNet-5 style: 5x5 'same' and 'valid' tanh convolutions, average pooling, three dense layers. */
  lenet5,
  /** Strided 'same' convolutions without bias, BatchNormalization, 'same' max pooling, global average pooling. */
  'strided-bn': stridedBn,
  /**
   * 32x32 RGB pictures, 10 classes: Rescaling(1/255), random horizontal flips, shifts of up to
   * 10% and turns of up to 18 degrees, two 3x3 Conv2D + MaxPooling2D stages, Dropout, Dense 64,
   * Dropout, Dense 10 softmax: 136,874 parameters.
   */
  'small-color': smallColor,
} as const;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
export const DEFAULT_PRESET: PresetName = 'mnist-cnn';

/** The presets whose input is MNIST's 28x28x1 (what the bench, which runs on MNIST, can take). */
export const MNIST_PRESET_NAMES: PresetName[] = PRESET_NAMES.filter((name) => {
  const [h, w, c] = modelInfo(parseModelConfig(PRESETS[name])).inputShape;
  return h === 28 && w === 28 && c === 1;
});

export function isPresetName(s: string): s is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, s);
}

export function presetSpec(name: PresetName): ModelSpec {
  return parseModelConfig(PRESETS[name]);
}

/** The default model (the seed's network). */
export const DEFAULT_SPEC: ModelSpec = presetSpec(DEFAULT_PRESET);
export const DEFAULT_MODEL: ModelInfo = modelInfo(DEFAULT_SPEC);
