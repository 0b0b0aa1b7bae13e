// BatchNormalization (Keras 3, axis = -1) over a (B, H, W, C) or (B, C) tensor read as
// (N, C), N = batch * rows rows per channel. Weights gamma (scale), beta (center), moving_mean
// and moving_variance, each (C), live in the flat parameter buffer at their own offsets.
// Training forward: per-channel batch mean and BIASED variance over the N rows (Keras's
// ops.moments divides by N, for normalising and for the moving update alike), in two passes (each
// chunk of rows its own mean and centred M2, then a per-channel merge, no float atomics), which
// also moves moving_* = moving_* * momentum + batch * (1 - momentum) in the parameter buffer, then
// y = gamma * (x - mean) / sqrt(var + eps) + beta. Backward: per-channel sums of dy and dy * xhat
// in two passes, WRITING dgamma, dbeta and zeros into the moving statistics' gradient slots,
// then dx. Inference: one pass normalising with the moving statistics.
// Frozen (Keras's trainable false): training runs in inference mode, as Keras 3 does: the
// forward normalises with the moving statistics and leaves them as they are, and the backward
// is dx = gamma * dy / sqrt(moving_variance + eps) alone (no weight gradients: the optimizer
// leaves a frozen layer's weights alone).
import tgpu, { type TgpuBindGroupLayout } from 'typegpu';
import * as d from 'typegpu/data';
import { createStorageBuffer } from '../gpu/buffers.ts';
import { gridFor, groupsFor, type Dispatch, type Entries } from '../gpu/kernel.ts';
import { entryKernel, type KernelCost, type KernelEntry, type KernelPass } from '../gpu/kernel-registry.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of every batch-norm kernel. */
export const BATCH_NORM_WORKGROUP_SIZE = 64;
/** Rows of one channel summed by one invocation of the two partial-sum kernels. */
export const BATCH_NORM_ROWS_PER_CHUNK = 128;

export interface BatchNormConfig {
  name: string;
  batch: number;
  /** Positions per sample (H*W; 1 for a (B, C) input). */
  rows: number;
  channels: number;
  /** Keras default 0.99. */
  momentum: number;
  /** Keras default 1e-3. */
  epsilon: number;
  /** Keras `center`: a beta weight is added (false: no beta tensor). */
  center: boolean;
  /** Keras `scale`: a gamma weight multiplies (false: no gamma tensor). */
  scale: boolean;
  /** Float offsets in the flat params/grads buffers; gamma only with scale, beta only with center. */
  gammaOffset?: number;
  betaOffset?: number;
  movingMeanOffset: number;
  movingVarianceOffset: number;
  /** Evaluation only: the inference kernel alone; grads / outputGrad / inputGrad are not needed. */
  inferenceOnly?: boolean;
  /** Trainable false: training uses the moving statistics (inference mode) and computes dx only. */
  frozen?: boolean;
}

export interface BatchNormBuffers {
  /** (B, H, W, C) or (B, C) f32 */
  input: GPUBuffer;
  /** same shape as input, f32 */
  output: GPUBuffer;
  /** flat f32 parameter buffer (the training forward updates the moving statistics in it) */
  params: GPUBuffer;
  /** flat f32 gradient buffer (dgamma, dbeta and zeros for the moving statistics); required unless inferenceOnly */
  grads?: GPUBuffer;
  /** same shape as input, dL/d output; required unless inferenceOnly */
  outputGrad?: GPUBuffer;
  /** same shape as input, dL/d input; omit to skip computing it */
  inputGrad?: GPUBuffer;
}

/**
 * `forward` (training) moves the moving statistics in the parameter buffer each time it runs:
 * replay it once per training step. An inferenceOnly plan's `forward` is `inference`.
 */
export type BatchNormPlan = LayerPlan & {
  /** Evaluation forward: normalises with the moving statistics (changes nothing). */
  inference: Dispatch[];
};

const f32Array = d.arrayOf(d.f32);
const read = { storage: f32Array, access: 'readonly' } as const;
const write = { storage: f32Array, access: 'mutable' } as const;

const LAYOUTS = {
  statsPartial: tgpu.bindGroupLayout({ input: read, partials: write }),
  statsFinalize: tgpu.bindGroupLayout({ partials: read, stats: write, params: write }),
  forward: tgpu.bindGroupLayout({ input: read, stats: read, params: read, output: write }),
  backwardPartial: tgpu.bindGroupLayout({ input: read, outputGrad: read, stats: read, partials: write }),
  backwardReduce: tgpu.bindGroupLayout({ partials: read, stats: write, grads: write }),
  backwardInput: tgpu.bindGroupLayout({ input: read, outputGrad: read, stats: read, params: read, inputGrad: write }),
};

type Stage = 'element' | 'chunk' | 'channel';
const rowsOf = (c: BatchNormConfig) => c.batch * c.rows;
const chunksOf = (c: BatchNormConfig) => Math.ceil(rowsOf(c) / BATCH_NORM_ROWS_PER_CHUNK);
const flagsOf = (c: BatchNormConfig) => ({ SCALE: c.scale ? 1 : 0, CENTER: c.center ? 1 : 0 });
const STAGE_ITEMS: Record<Stage, (c: BatchNormConfig) => number> = {
  element: (c) => rowsOf(c) * c.channels,
  chunk: (c) => chunksOf(c) * c.channels,
  channel: (c) => c.channels,
};

/**
 * One batch-norm kernel. A pass of this layer runs several stages one after another (e.g. the
 * training forward: stats-partial, stats-finalize, normalize), so its entries of one pass are
 * stages, not alternatives; the builder takes each by name. Costs per stage: `perElement` FLOPs
 * for each of the N x C values (or of the chunks x C partial pairs), `tensors` (N, C) tensors and
 * `partials` (chunks, C, 2) buffers moved, plus the per-channel vectors.
 */
function batchNormEntry(
  pass: KernelPass, variant: string, shader: string, stage: Stage,
  constants: (c: BatchNormConfig) => Record<string, number>,
  cost: { perElement: number; tensors: number; partials: number; channelVectors: number },
): KernelEntry<BatchNormConfig> {
  return {
    id: `batch-norm.${pass}.${variant}`,
    layerType: 'BatchNormalization',
    pass,
    shaders: [shader],
    workgroupSize: BATCH_NORM_WORKGROUP_SIZE,
    supports: () => true,
    constants: (c) => ({ WORKGROUP_SIZE: BATCH_NORM_WORKGROUP_SIZE, ROWS: rowsOf(c), CHANNELS: c.channels, ...constants(c) }),
    items: STAGE_ITEMS[stage],
    cost: (c): KernelCost => {
      const nc = rowsOf(c) * c.channels;
      const pc = chunksOf(c) * c.channels * 2;
      return {
        shape: `(${rowsOf(c)},${c.channels})`,
        flops: cost.perElement * (stage === 'channel' ? pc : nc),
        bytes: 4 * (cost.tensors * nc + cost.partials * pc + cost.channelVectors * c.channels),
      };
    },
  };
}

const chunked = () => ({ ROWS_PER_CHUNK: BATCH_NORM_ROWS_PER_CHUNK });
const normalizeConstants = (inference: boolean) => (c: BatchNormConfig) => ({
  ...offsetsOf(c), ...flagsOf(c), EPSILON: c.epsilon, INFERENCE: inference ? 1 : 0,
});

const backwardInputConstants = (inference: boolean) => (c: BatchNormConfig) => ({
  GAMMA_OFFSET: offsetsOf(c).GAMMA_OFFSET, SCALE: flagsOf(c).SCALE, MOVING_VARIANCE_OFFSET: c.movingVarianceOffset, EPSILON: c.epsilon, INFERENCE: inference ? 1 : 0,
});

/** BatchNormalization's kernels, by stage. */
export const BATCH_NORM_KERNELS = {
  // Each (row, channel) value: a difference and a multiply-add into the chunk's mean and M2.
  statsPartial: batchNormEntry('forward', 'stats-partial', 'batch_norm_stats_partial', 'chunk', chunked, { perElement: 4, tensors: 1, partials: 1, channelVectors: 0 }),
  // Chan's merge of the chunk pairs and the moving statistics' update.
  statsFinalize: batchNormEntry('forward', 'stats-finalize', 'batch_norm_stats_finalize', 'channel', (c) => ({
    ...chunked(), MOVING_MEAN_OFFSET: c.movingMeanOffset, MOVING_VARIANCE_OFFSET: c.movingVarianceOffset, MOMENTUM: c.momentum, EPSILON: c.epsilon,
  }), { perElement: 6, tensors: 0, partials: 1, channelVectors: 6 }),
  // (x - mean) * invstd * gamma + beta.
  normalize: batchNormEntry('forward', 'normalize', 'batch_norm_forward', 'element', normalizeConstants(false), { perElement: 4, tensors: 2, partials: 0, channelVectors: 4 }),
  inference: batchNormEntry('inference', 'moving', 'batch_norm_forward', 'element', normalizeConstants(true), { perElement: 4, tensors: 2, partials: 0, channelVectors: 4 }),
  // xhat, then sum dy and a multiply-add of dy * xhat per value.
  backwardPartial: batchNormEntry('backward-weights', 'partial', 'batch_norm_backward_partial', 'chunk', chunked, { perElement: 5, tensors: 2, partials: 1, channelVectors: 2 }),
  backwardReduce: batchNormEntry('backward-reduce', 'channels', 'batch_norm_backward_reduce', 'channel', (c) => ({ ...chunked(), ...offsetsOf(c), ...flagsOf(c) }), { perElement: 1, tensors: 0, partials: 1, channelVectors: 4 }),
  // dx = gamma * invstd * (dy - (sum dy + xhat * sum dy xhat) / N).
  backwardInput: batchNormEntry('backward-input', 'direct', 'batch_norm_backward_input', 'element', backwardInputConstants(false), { perElement: 7, tensors: 3, partials: 0, channelVectors: 5 }),
  // A frozen layer's: dx = gamma * dy / sqrt(moving_variance + eps).
  backwardInputFrozen: batchNormEntry('backward-input', 'moving', 'batch_norm_backward_input', 'element', backwardInputConstants(true), { perElement: 2, tensors: 2, partials: 0, channelVectors: 2 }),
} as const;

/** The float offsets the kernels read, absent gamma/beta as 0 (the kernels ignore them). */
function offsetsOf(c: BatchNormConfig) {
  return {
    GAMMA_OFFSET: c.scale ? (c.gammaOffset as number) : 0,
    BETA_OFFSET: c.center ? (c.betaOffset as number) : 0,
    MOVING_MEAN_OFFSET: c.movingMeanOffset,
    MOVING_VARIANCE_OFFSET: c.movingVarianceOffset,
  };
}

/** The config's numbers checked, with absent gamma/beta offsets as 0 (the kernels ignore them). */
function checkedConfig(config: BatchNormConfig) {
  const { name, batch, rows, channels, momentum, epsilon, center, scale } = config;
  for (const [k, v] of Object.entries({ batch, rows, channels })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  if (typeof center !== 'boolean' || typeof scale !== 'boolean') throw new Error(`${name}: center and scale must be true or false`);
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`${name}: momentum must be in [0, 1] (got ${momentum})`);
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new Error(`${name}: epsilon must be a positive number (got ${epsilon})`);
  if (scale && config.gammaOffset === undefined) throw new Error(`${name}: scale needs a gammaOffset`);
  if (center && config.betaOffset === undefined) throw new Error(`${name}: center needs a betaOffset`);
  const offsets = offsetsOf(config);
  for (const [k, v] of Object.entries(offsets)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name}: bad ${k} ${v}`);
  }
  const N = batch * rows;
  if (N * channels > 2 ** 32 - 1) throw new Error(`${name}: ${N} x ${channels} elements do not fit u32 indices`);
  return { N, offsets };
}

/** Clear errors for buffers too small for the layer (WebGPU would clamp the accesses silently). */
function checkBufferSizes(config: BatchNormConfig, N: number, buffers: BatchNormBuffers): void {
  const { name, channels: C, scale, center } = config;
  const tensorBytes = N * C * 4;
  for (const key of ['input', 'output', 'outputGrad', 'inputGrad'] as const) {
    const b = buffers[key];
    if (b && b.size < tensorBytes) throw new Error(`${name}: ${key} holds ${b.size} bytes, needs ${tensorBytes} (${N} x ${C} f32)`);
  }
  const offsets = [config.movingMeanOffset, config.movingVarianceOffset];
  if (scale && config.gammaOffset !== undefined) offsets.push(config.gammaOffset);
  if (center && config.betaOffset !== undefined) offsets.push(config.betaOffset);
  const end = Math.max(...offsets) + C;
  for (const key of ['params', 'grads'] as const) {
    const b = buffers[key];
    if (b && b.size < end * 4) throw new Error(`${name}: ${key} holds ${b.size / 4} floats, the layer's tensors reach ${end}`);
  }
}

export function createBatchNorm(ctx: GpuContext, config: BatchNormConfig, buffers: BatchNormBuffers): BatchNormPlan {
  const { name, channels: C, inferenceOnly = false, frozen = false } = config;
  const { N } = checkedConfig(config);
  checkBufferSizes(config, N, buffers);
  const { device, root } = ctx;
  const { grads, outputGrad, inputGrad } = buffers;
  if (!inferenceOnly && (!grads || !outputGrad)) throw new Error(`${name}: grads and outputGrad are required unless inferenceOnly`);
  const WG = BATCH_NORM_WORKGROUP_SIZE;
  const K = BATCH_NORM_KERNELS;
  const kernel = <E extends Entries>(entry: KernelEntry<BatchNormConfig>, layout: TgpuBindGroupLayout<E>) =>
    entryKernel(root, entry, config, { layout, variant: name });

  const chunks = Math.ceil(N / BATCH_NORM_ROWS_PER_CHUNK);
  // (4, C): rows mean, invstd (training forward), sum dy, sum dy * xhat (backward).
  const stats = createStorageBuffer(device, 4 * C * 4, `${name}.stats`);
  // (chunks, C, 2): the partial sums of the forward statistics, then of the backward.
  const partials = inferenceOnly || frozen ? undefined : createStorageBuffer(device, chunks * C * 2 * 4, `${name}.partials`);
  const destroy = () => {
    stats.destroy();
    partials?.destroy();
  };
  const elementGrid = gridFor(N * C, WG, `${name} elements`);
  const chunkGrid = gridFor(chunks * C, WG, `${name} chunks`);
  const channelGroups = groupsFor(C, WG, `${name} channels`);

  const normalize = (inference: boolean) => {
    const k = kernel(inference ? K.inference : K.normalize, LAYOUTS.forward);
    const group = k.bind({ input: buffers.input, stats, params: buffers.params, output: buffers.output });
    return k.dispatch(group, elementGrid[0], elementGrid[1], 1, `${name}.${inference ? 'inference' : 'normalize'}`);
  };
  const inference = [normalize(true)];
  if (inferenceOnly || !grads || !outputGrad) return { forward: inference, backward: [], inference, destroy };
  const backwardInput = (entry: KernelEntry<BatchNormConfig>, label: string, target: GPUBuffer) => {
    const k = kernel(entry, LAYOUTS.backwardInput);
    const group = k.bind({ input: buffers.input, outputGrad, stats, params: buffers.params, inputGrad: target });
    return k.dispatch(group, elementGrid[0], elementGrid[1], 1, `${name}.${label}`);
  };
  if (frozen || !partials) {
    // Inference mode in training: the moving statistics normalise and stay as they are.
    return { forward: inference, backward: inputGrad ? [backwardInput(K.backwardInputFrozen, 'backward_input_frozen', inputGrad)] : [], inference, destroy };
  }

  const statsPartial = kernel(K.statsPartial, LAYOUTS.statsPartial);
  const statsFinalize = kernel(K.statsFinalize, LAYOUTS.statsFinalize);
  const forward = [
    statsPartial.dispatch(statsPartial.bind({ input: buffers.input, partials }), chunkGrid[0], chunkGrid[1], 1, `${name}.stats_partial`),
    statsFinalize.dispatch(statsFinalize.bind({ partials, stats, params: buffers.params }), channelGroups, 1, 1, `${name}.stats_finalize`),
    normalize(false),
  ];

  const backwardPartial = kernel(K.backwardPartial, LAYOUTS.backwardPartial);
  const backwardReduce = kernel(K.backwardReduce, LAYOUTS.backwardReduce);
  const backward = [
    backwardPartial.dispatch(
      backwardPartial.bind({ input: buffers.input, outputGrad, stats, partials }),
      chunkGrid[0],
      chunkGrid[1],
      1,
      `${name}.backward_partial`,
    ),
    backwardReduce.dispatch(backwardReduce.bind({ partials, stats, grads }), channelGroups, 1, 1, `${name}.backward_reduce`),
  ];
  if (inputGrad) backward.push(backwardInput(K.backwardInput, 'backward_input', inputGrad));
  return { forward, backward, inference, destroy };
}
