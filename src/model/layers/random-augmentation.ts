// Keras 3's random image augmentation layers: RandomFlip, RandomTranslation, RandomRotation,
// RandomZoom (keras/src/layers/preprocessing/image_preprocessing/). Active in training only (the
// identity in evaluation and prediction), no weights, the input's shape, channels_last only.
// Each draws its parameters per sample and step (src/layers/augmentation-rng.ts) and samples
// the input through an affine map with TensorFlow's ImageProjectiveTransform semantics
// (shaders/random_augment_forward.wgsl). They compute no input gradient, so they must come
// before every layer with weights (checked in src/model/model-info.ts).
//
// Options, with Keras 3's defaults:
//   RandomFlip         mode ('horizontal_and_vertical' | 'horizontal' | 'vertical'), seed
//   RandomTranslation  height_factor, width_factor (fractions of H and W), fill_mode,
//                      interpolation, fill_value, seed
//   RandomRotation     factor (fraction of a full turn), fill_mode, interpolation, fill_value, seed
//   RandomZoom         height_factor, width_factor (null: the height's zoom, keeping the aspect),
//                      fill_mode, interpolation, fill_value, seed
// A factor is a number f (the range [-|f|, |f|]) or a pair [lower, upper] (sorted): within
// [-1, 1] (RandomZoom: (-1, 1]). It is kept as the range [lower, upper].
import { requireImage, type LayerType } from './types.ts';
import { layerError } from '../spec-error.ts';
import type { OptionReader, RawConfig } from './options.ts';
import type { LayerSpec } from './index.ts';

export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
export type Interpolation = 'bilinear' | 'nearest';
export type FlipMode = 'horizontal_and_vertical' | 'horizontal' | 'vertical';
/** [lower, upper], lower <= upper. */
export type FactorRange = readonly [number, number];

/** The augmentation layer types, by Keras class name. */
export const AUGMENTATION_TYPES = ['RandomFlip', 'RandomTranslation', 'RandomRotation', 'RandomZoom'] as const;

/** A layer of one of the augmentation types. */
export type AugmentationSpec = Extract<LayerSpec, { type: (typeof AUGMENTATION_TYPES)[number] }>;

export function isAugmentation(spec: LayerSpec): spec is AugmentationSpec {
  return (AUGMENTATION_TYPES as readonly string[]).includes(spec.type);
}

export const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];
export const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest'];
const FLIP_MODES: readonly FlipMode[] = ['horizontal_and_vertical', 'horizontal', 'vertical'];

/** The sampling options every affine augmentation layer shares. */
export interface SamplingOptions {
  fillMode: FillMode;
  interpolation: Interpolation;
  fillValue: number;
  /** Keras's `seed`: null draws from the run's seed; an integer fixes the layer's draws. */
  seed: number | null;
}

export interface RandomFlipOptions {
  mode: FlipMode;
  seed: number | null;
}

export interface RandomTranslationOptions extends SamplingOptions {
  heightFactor: FactorRange;
  widthFactor: FactorRange;
}

export interface RandomRotationOptions extends SamplingOptions {
  factor: FactorRange;
}

export interface RandomZoomOptions extends SamplingOptions {
  heightFactor: FactorRange;
  /** null: the width zooms by the height's factor (Keras's None). */
  widthFactor: FactorRange | null;
}

/** A number or a pair of numbers, each in [-1, 1] (`openBelow`: (-1, 1]), as the range it stands for. */
function factor(r: OptionReader, key: string, openBelow = false, fallback?: unknown): FactorRange {
  const v = r.config[key] ?? fallback;
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x <= 1 && (openBelow ? x > -1 : x >= -1);
  if (ok(v)) return [0 - Math.abs(v), Math.abs(v)];
  if (Array.isArray(v) && v.length === 2 && v.every(ok)) return v[0] <= v[1] ? [v[0], v[1]] : [v[1], v[0]];
  r.fail(key, `expected a number or two numbers in ${openBelow ? '(-1' : '[-1'}, 1], got ${JSON.stringify(v)}`);
}

/** Keras's seed: null or an integer (any safe integer; the draws use its low 32 bits). */
function seed(r: OptionReader): number | null {
  const v = r.config.seed ?? null;
  if (v !== null && !Number.isSafeInteger(v)) r.fail('seed', `expected null or an integer, got ${JSON.stringify(v)}`);
  return v as number | null;
}

function finiteNumber(r: OptionReader, key: string, fallback: number): number {
  const v = r.config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) r.fail(key, `expected a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** The options every layer here reads besides its own: channels_last, no bounding boxes. */
function common(r: OptionReader): void {
  r.channelsLast();
  r.neutral('bounding_box_format', (v) => v === null, 'only null: images alone are augmented');
}

function sampling(r: OptionReader): SamplingOptions {
  return {
    fillMode: r.oneOf('fill_mode', FILL_MODES, 'reflect'),
    interpolation: r.oneOf('interpolation', INTERPOLATIONS, 'bilinear'),
    fillValue: finiteNumber(r, 'fill_value', 0),
    seed: seed(r),
  };
}

const writeSampling = (o: SamplingOptions): RawConfig => ({ fill_mode: o.fillMode, interpolation: o.interpolation, seed: o.seed, fill_value: o.fillValue });

/** What the four types share: no weights, the input's shape, Keras 3's data_format beside the options. */
function augmentationType<O>(className: string, namePrefix: string, parse: (r: OptionReader) => O, serialize: (o: O) => RawConfig): LayerType<O> {
  return {
    className,
    namePrefix,
    parse(r) {
      common(r);
      return parse(r);
    },
    outputShape(input, _o, at) {
      requireImage(input, at, (m) => {
        throw layerError(at, undefined, m);
      });
      return input;
    },
    weights: () => [],
    serialize,
    tfjsExtras: {},
    keras3Extras: { data_format: 'channels_last' },
    built: false,
    noInputGradient: true,
  };
}

export const randomFlipType = augmentationType<RandomFlipOptions>(
  'RandomFlip',
  'random_flip',
  (r) => ({ mode: r.oneOf('mode', FLIP_MODES, 'horizontal_and_vertical'), seed: seed(r) }),
  (o) => ({ mode: o.mode, seed: o.seed }),
);

export const randomTranslationType = augmentationType<RandomTranslationOptions>(
  'RandomTranslation',
  'random_translation',
  (r) => ({ heightFactor: factor(r, 'height_factor'), widthFactor: factor(r, 'width_factor'), ...sampling(r) }),
  (o) => ({ height_factor: [...o.heightFactor], width_factor: [...o.widthFactor], ...writeSampling(o) }),
);

export const randomRotationType = augmentationType<RandomRotationOptions>(
  'RandomRotation',
  'random_rotation',
  (r) => ({ factor: factor(r, 'factor'), ...sampling(r) }),
  (o) => ({ factor: [...o.factor], ...writeSampling(o) }),
);

export const randomZoomType = augmentationType<RandomZoomOptions>(
  'RandomZoom',
  'random_zoom',
  (r) => ({ heightFactor: factor(r, 'height_factor', true), widthFactor: r.config.width_factor == null ? null : factor(r, 'width_factor', true), ...sampling(r) }),
  (o) => ({ height_factor: [...o.heightFactor], width_factor: o.widthFactor && [...o.widthFactor], ...writeSampling(o) }),
);
