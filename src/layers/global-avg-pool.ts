// GlobalAveragePooling2D (Keras): NHWC (B, H, W, C) -> (B, C), the mean over H x W per channel;
// backward dx = dy / (H*W) broadcast over H x W. Nothing is stored between the passes.
// An inferenceOnly layer builds the forward only.
import type { Dispatch } from '../gpu/kernel.ts';
import { entryDispatch, entryKernel, perSample, type KernelEntry } from '../gpu/kernel-registry.ts';
import { layerBatchSize, type BatchSize } from '../gpu/batch-size.ts';
import { gradientOnlyLayout, inputOutputLayout } from './elementwise-layouts.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of both kernels (one output / one dx element each). */
export const GLOBAL_AVG_POOL_WORKGROUP_SIZE = 256;

export interface GlobalAvgPoolConfig {
  name: string;
  batch: number;
  /** Input (B, height, width, channels). */
  height: number;
  width: number;
  channels: number;
  /** Evaluation only: no backward; the gradient buffers are not needed. */
  inferenceOnly?: boolean;
}

export interface GlobalAvgPoolBuffers {
  /** (B, H, W, C) f32 */
  input: GPUBuffer;
  /** (B, C) f32 */
  output: GPUBuffer;
  /** (B, C) f32, dL/d output (required unless inferenceOnly) */
  outputGrad?: GPUBuffer;
  /** (B, H, W, C) f32, dL/d input (required unless inferenceOnly) */
  inputGrad?: GPUBuffer;
  /** The batch size the kernels read (default: one of the layer's own holding B). */
  batchSize?: BatchSize;
}

const inCount = (c: GlobalAvgPoolConfig) => c.batch * c.height * c.width * c.channels;
const outCount = (c: GlobalAvgPoolConfig) => c.batch * c.channels;

function globalAvgPoolEntry(pass: 'forward' | 'backward', shader: string, items: (c: GlobalAvgPoolConfig) => number, flops: (c: GlobalAvgPoolConfig) => number): KernelEntry<GlobalAvgPoolConfig> {
  return {
    id: `global-avg-pool.${pass}.direct`,
    layerType: 'GlobalAveragePooling2D',
    pass,
    shaders: [shader],
    workgroupSize: GLOBAL_AVG_POOL_WORKGROUP_SIZE,
    supports: () => true,
    constants: (c) => ({ HW: c.height * c.width, C: c.channels, WORKGROUP_SIZE: GLOBAL_AVG_POOL_WORKGROUP_SIZE, SAMPLE_COUNT: perSample(items)(c) }),
    items,
    cost: (c) => ({
      shape: `(${c.batch},${c.height},${c.width},${c.channels})->(${c.batch},${c.channels})`,
      flops: flops(c),
      bytes: 4 * (inCount(c) + outCount(c)),
    }),
  };
}

/** The global average pool's kernels: the forward sums H*W values per output (plus a scale); the backward scales one dy per dx. */
export const GLOBAL_AVG_POOL_KERNELS = {
  forward: globalAvgPoolEntry('forward', 'global_avg_pool_forward', outCount, (c) => inCount(c) + outCount(c)),
  backward: globalAvgPoolEntry('backward', 'global_avg_pool_backward', inCount, inCount),
} as const;

export type GlobalAvgPoolPlan = LayerPlan & {
  /** Evaluation forward: the same dispatches as `forward`. */
  inference: Dispatch[];
};

const forwardLayout = inputOutputLayout;
const backwardLayout = gradientOnlyLayout;

export function createGlobalAvgPool(ctx: GpuContext, config: GlobalAvgPoolConfig, buffers: GlobalAvgPoolBuffers): GlobalAvgPoolPlan {
  const { name, batch, height: H, width: W, channels: C, inferenceOnly = false } = config;
  for (const [k, v] of Object.entries({ batch, height: H, width: W, channels: C })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  const { outputGrad, inputGrad } = buffers;
  if (!inferenceOnly && (!outputGrad || !inputGrad)) throw new Error(`${name}: outputGrad and inputGrad are required unless inferenceOnly`);
  const { forward: fe, backward: be } = GLOBAL_AVG_POOL_KERNELS;
  const size = layerBatchSize(ctx.root, batch, buffers.batchSize);
  const fwd = entryKernel(ctx.root, fe, config, { layout: forwardLayout, variant: name });
  const forward = [entryDispatch(fwd, fe, config, fwd.bind({ input: buffers.input, output: buffers.output }), size.size, `${name}.forward`)];
  if (inferenceOnly) return { forward, backward: [], inference: forward, destroy: size.destroy };

  const bwd = entryKernel(ctx.root, be, config, { layout: backwardLayout, variant: name });
  const backward = [entryDispatch(bwd, be, config, bwd.bind({ outputGrad: outputGrad!, inputGrad: inputGrad! }), size.size, `${name}.backward`)];
  return { forward, backward, inference: forward, destroy: size.destroy };
}
