// RandomFlip, RandomTranslation, RandomRotation and RandomZoom on the GPU: in training, one
// dispatch of shaders/random_augment_forward.wgsl (one output element per invocation; the
// sample's parameters drawn from the step's counter-based RNG, src/layers/augmentation-rng.ts);
// in evaluation, the identity (no dispatch). No backward: the model side keeps these layers
// before every layer with weights, so nothing needs dL/d their input (the builder refuses a
// plan that would). Registered for the four types in src/layers/gpu-layers.ts.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { entryDispatch, entryKernel, type KernelEntry } from '../gpu/kernel-registry.ts';
import { layerBatchSize, type BatchSize } from '../gpu/batch-size.ts';
import { dropoutFmix } from '../gpu/wgsl-lib.ts';
import { StepState } from '../gpu/state.ts';
import type { LayerInfo } from '../model/model-info.ts';
import { isAugmentation, type AUGMENTATION_TYPES, type FactorRange, type FillMode, type Interpolation } from '../model/layers/random-augmentation.ts';
import { augmentationLayerId, seedBits } from './augmentation-rng.ts';
import { identitySegment, type SingleLayerBuilder } from './segment-types.ts';
import { layerSegment } from './single-layers.ts';
import type { GpuContext, LayerPlan } from './types.ts';
import type { GpuLayerDefinition } from './gpu-layers.ts';

/** Invocations per workgroup (one output element each). */
export const AUGMENT_WORKGROUP_SIZE = 256;

export type AugmentationKind = 'flip' | 'translation' | 'rotation' | 'zoom';
const KIND_CODE: Record<AugmentationKind, number> = { flip: 0, translation: 1, rotation: 2, zoom: 3 };
const FILL_CODE: Record<FillMode, number> = { reflect: 0, wrap: 1, constant: 2, nearest: 3 };

export interface AugmentationConfig {
  name: string;
  batch: number;
  height: number;
  width: number;
  channels: number;
  kind: AugmentationKind;
  /** flip: the axes a flipped sample turns over. */
  flipX: boolean;
  flipY: boolean;
  /** translation: height, width fractions; rotation: turns (the second unused); zoom: height, width factors. */
  ranges: readonly [FactorRange, FactorRange];
  /** zoom: the width takes the height's factor. */
  sameZoom: boolean;
  fillMode: FillMode;
  interpolation: Interpolation;
  fillValue: number;
  /** The layer's RNG stream (augmentationLayerId). */
  layerId: number;
  /** The layer's own seed (u32), or null for the run's. */
  seed: number | null;
}

export interface AugmentationBuffers {
  /** (B, H, W, C) f32 */
  input: GPUBuffer;
  /** (B, H, W, C) f32 */
  output: GPUBuffer;
  /** StepState (src/gpu/state.ts): seed and step select the draws */
  state: GPUBuffer;
  /** The batch size the kernel reads (default: one of the layer's own holding B). */
  batchSize?: BatchSize;
}

const elements = (c: AugmentationConfig) => c.batch * c.height * c.width * c.channels;

type AugmentationType = (typeof AUGMENTATION_TYPES)[number];

function augmentEntry(layerType: AugmentationType, prefix: string, kind: AugmentationKind): KernelEntry<AugmentationConfig> {
  return {
    id: `${prefix}.forward.sample`,
    layerType,
    pass: 'forward',
    shaders: ['random_augment_forward'],
    workgroupSize: AUGMENT_WORKGROUP_SIZE,
    supports: (c) => c.kind === kind || `a ${c.kind} layer, not a ${kind}`,
    constants: (c) => ({
      WORKGROUP_SIZE: AUGMENT_WORKGROUP_SIZE,
      H: c.height, W: c.width, C: c.channels, SAMPLE_COUNT: c.height * c.width * c.channels,
      KIND: KIND_CODE[c.kind], FLIP_X: Number(c.flipX), FLIP_Y: Number(c.flipY), SAME_ZOOM: Number(c.sameZoom),
      LO0: c.ranges[0][0], HI0: c.ranges[0][1], LO1: c.ranges[1][0], HI1: c.ranges[1][1],
      FILL: FILL_CODE[c.fillMode], FILL_VALUE: c.fillValue, BILINEAR: Number(c.interpolation === 'bilinear'),
      LAYER_ID: c.layerId, OWN_SEED: Number(c.seed !== null), LAYER_SEED: c.seed ?? 0,
    }),
    items: elements,
    // Two hashes, the map and four taps: about 60 operations; bilinear reads four inputs.
    cost: (c) => ({
      shape: `(${c.batch},${c.height},${c.width},${c.channels})`,
      flops: 60 * elements(c),
      bytes: (c.kind !== 'flip' && c.interpolation === 'bilinear' ? 20 : 8) * elements(c),
    }),
  };
}

/** Each kind's kernel entry (one shader, KIND selecting the map). */
export const AUGMENTATION_KERNELS: Record<AugmentationKind, KernelEntry<AugmentationConfig>> = {
  flip: augmentEntry('RandomFlip', 'random_flip', 'flip'),
  translation: augmentEntry('RandomTranslation', 'random_translation', 'translation'),
  rotation: augmentEntry('RandomRotation', 'random_rotation', 'rotation'),
  zoom: augmentEntry('RandomZoom', 'random_zoom', 'zoom'),
};

const augmentLayout = tgpu.bindGroupLayout({
  state: { storage: StepState, access: 'readonly' },
  input: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

const NO_RANGE: FactorRange = [0, 0];

/** The kernel configuration of an augmentation layer. */
export function augmentationConfig(l: LayerInfo, batch: number): AugmentationConfig {
  const s = l.spec;
  if (!isAugmentation(s)) throw new Error(`${s.name} is not a random augmentation layer`);
  const [height, width, channels] = l.inputShape;
  const base = { name: s.name, batch, height, width, channels, flipX: false, flipY: false, sameZoom: false, layerId: augmentationLayerId(l.index) };
  switch (s.type) {
    case 'RandomFlip': {
      const { mode, seed } = s.options;
      const sampling = { fillMode: 'nearest', interpolation: 'nearest', fillValue: 0, seed: seed === null ? null : seedBits(seed) } as const;
      return { ...base, ...sampling, kind: 'flip', flipX: mode !== 'vertical', flipY: mode !== 'horizontal', ranges: [NO_RANGE, NO_RANGE] };
    }
    case 'RandomTranslation':
      return { ...base, ...samplingOf(s.options), kind: 'translation', ranges: [s.options.heightFactor, s.options.widthFactor] };
    case 'RandomRotation':
      return { ...base, ...samplingOf(s.options), kind: 'rotation', ranges: [s.options.factor, NO_RANGE] };
    case 'RandomZoom': {
      const { heightFactor, widthFactor } = s.options;
      return { ...base, ...samplingOf(s.options), kind: 'zoom', ranges: [heightFactor, widthFactor ?? NO_RANGE], sameZoom: widthFactor === null };
    }
  }
}

function samplingOf(o: { fillMode: FillMode; interpolation: Interpolation; fillValue: number; seed: number | null }) {
  return { fillMode: o.fillMode, interpolation: o.interpolation, fillValue: o.fillValue, seed: o.seed === null ? null : seedBits(o.seed) };
}

export function createRandomAugmentation(ctx: GpuContext, config: AugmentationConfig, buffers: AugmentationBuffers): LayerPlan {
  const { name, batch, height, width, channels, layerId, fillValue } = config;
  if (![batch, height, width, channels].every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`${name}: bad shape ${batch} x ${height} x ${width} x ${channels}`);
  if (!Number.isInteger(layerId) || layerId < 0 || layerId > 0xffffffff) throw new Error(`${name}: bad layerId ${layerId}`);
  if (!Number.isFinite(fillValue) || !config.ranges.flat().every(Number.isFinite)) throw new Error(`${name}: the fill value and factors must be finite`);
  const entry = AUGMENTATION_KERNELS[config.kind];
  const size = layerBatchSize(ctx.root, batch, buffers.batchSize);
  const kernel = entryKernel(ctx.root, entry, config, { layout: augmentLayout, externals: { dropoutFmix }, variant: name });
  const bindGroup = kernel.bind({ state: buffers.state, input: buffers.input, output: buffers.output });
  return { forward: [entryDispatch(kernel, entry, config, bindGroup, size.size, `${name}.forward`)], backward: [], destroy: size.destroy };
}

/** The augmentation in training; the identity in evaluation and prediction. */
const augmentation: SingleLayerBuilder = (l, pc) => {
  if (!isAugmentation(l.spec)) return undefined;
  if (!pc.training) return identitySegment(l);
  return layerSegment(l, true, (ctx, io) => {
    if (io.inputGrad) throw new Error(`layer ${l.index} "${l.spec.name}" (${l.spec.type}): comes after a layer with weights, and its input gradient is not computed`);
    return createRandomAugmentation(ctx, augmentationConfig(l, io.batch), { input: io.input, output: io.output, state: io.state, batchSize: io.batchSize });
  });
};

export const AUGMENTATION_GPU: Record<AugmentationType, GpuLayerDefinition> = {
  RandomFlip: { builders: [augmentation], kernels: [AUGMENTATION_KERNELS.flip] },
  RandomTranslation: { builders: [augmentation], kernels: [AUGMENTATION_KERNELS.translation] },
  RandomRotation: { builders: [augmentation], kernels: [AUGMENTATION_KERNELS.rotation] },
  RandomZoom: { builders: [augmentation], kernels: [AUGMENTATION_KERNELS.zoom] },
};
