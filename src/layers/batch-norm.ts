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
import tgpu, { type TgpuBindGroupLayout } from 'typegpu';
import * as d from 'typegpu/data';
import { createStorageBuffer } from '../gpu/buffers.ts';
import { Kernel, gridFor, groupsFor, type Dispatch, type Entries } from '../gpu/kernel.ts';
import { linearIndex } from '../gpu/wgsl-lib.ts';
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
  const offsets = {
    GAMMA_OFFSET: scale ? (config.gammaOffset as number) : 0,
    BETA_OFFSET: center ? (config.betaOffset as number) : 0,
    MOVING_MEAN_OFFSET: config.movingMeanOffset,
    MOVING_VARIANCE_OFFSET: config.movingVarianceOffset,
  };
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
  const { name, channels: C, momentum, epsilon, center, scale, inferenceOnly = false } = config;
  const { N, offsets } = checkedConfig(config);
  checkBufferSizes(config, N, buffers);
  const { device, root } = ctx;
  const { grads, outputGrad, inputGrad } = buffers;
  if (!inferenceOnly && (!grads || !outputGrad)) throw new Error(`${name}: grads and outputGrad are required unless inferenceOnly`);
  const WG = BATCH_NORM_WORKGROUP_SIZE;
  const shape = { WORKGROUP_SIZE: WG, ROWS: N, CHANNELS: C };
  const chunked = { ...shape, ROWS_PER_CHUNK: BATCH_NORM_ROWS_PER_CHUNK };
  const flags = { SCALE: scale ? 1 : 0, CENTER: center ? 1 : 0 };
  const kernel = <E extends Entries>(shader: string, layout: TgpuBindGroupLayout<E>, constants: Record<string, number>) =>
    new Kernel(root, { shader, layout, constants, externals: { linearIndex }, variant: name });

  const chunks = Math.ceil(N / BATCH_NORM_ROWS_PER_CHUNK);
  // (4, C): rows mean, invstd (training forward), sum dy, sum dy * xhat (backward).
  const stats = createStorageBuffer(device, 4 * C * 4, `${name}.stats`);
  // (chunks, C, 2): the partial sums of the forward statistics, then of the backward.
  const partials = inferenceOnly ? undefined : createStorageBuffer(device, chunks * C * 2 * 4, `${name}.partials`);
  const destroy = () => {
    stats.destroy();
    partials?.destroy();
  };
  const elementGrid = gridFor(N * C, WG, `${name} elements`);
  const chunkGrid = gridFor(chunks * C, WG, `${name} chunks`);
  const channelGroups = groupsFor(C, WG, `${name} channels`);

  const normalize = (inference: boolean) => {
    const k = kernel('batch_norm_forward', LAYOUTS.forward, { ...shape, ...offsets, ...flags, EPSILON: epsilon, INFERENCE: inference ? 1 : 0 });
    const group = k.bind({ input: buffers.input, stats, params: buffers.params, output: buffers.output });
    return k.dispatch(group, elementGrid[0], elementGrid[1], 1, `${name}.${inference ? 'inference' : 'normalize'}`);
  };
  const inference = [normalize(true)];
  if (inferenceOnly || !partials || !grads || !outputGrad) return { forward: inference, backward: [], inference, destroy };

  const statsPartial = kernel('batch_norm_stats_partial', LAYOUTS.statsPartial, chunked);
  const statsFinalize = kernel('batch_norm_stats_finalize', LAYOUTS.statsFinalize, {
    ...chunked,
    MOVING_MEAN_OFFSET: offsets.MOVING_MEAN_OFFSET,
    MOVING_VARIANCE_OFFSET: offsets.MOVING_VARIANCE_OFFSET,
    MOMENTUM: momentum,
    EPSILON: epsilon,
  });
  const forward = [
    statsPartial.dispatch(statsPartial.bind({ input: buffers.input, partials }), chunkGrid[0], chunkGrid[1], 1, `${name}.stats_partial`),
    statsFinalize.dispatch(statsFinalize.bind({ partials, stats, params: buffers.params }), channelGroups, 1, 1, `${name}.stats_finalize`),
    normalize(false),
  ];

  const backwardPartial = kernel('batch_norm_backward_partial', LAYOUTS.backwardPartial, chunked);
  const backwardReduce = kernel('batch_norm_backward_reduce', LAYOUTS.backwardReduce, { ...chunked, ...offsets, ...flags });
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
  if (inputGrad) {
    const backwardInput = kernel('batch_norm_backward_input', LAYOUTS.backwardInput, { ...shape, GAMMA_OFFSET: offsets.GAMMA_OFFSET, SCALE: flags.SCALE });
    backward.push(
      backwardInput.dispatch(
        backwardInput.bind({ input: buffers.input, outputGrad, stats, params: buffers.params, inputGrad }),
        elementGrid[0],
        elementGrid[1],
        1,
        `${name}.backward_input`,
      ),
    );
  }
  return { forward, backward, inference, destroy };
}
