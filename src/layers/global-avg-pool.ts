// GlobalAveragePooling2D (Keras): NHWC (B, H, W, C) -> (B, C), the mean over H x W per channel;
// backward dx = dy / (H*W) broadcast over H x W. Nothing is stored between the passes.
// An inferenceOnly layer builds the forward only.
import type { Dispatch } from '../gpu/kernel.ts';
import { entryGrid, entryKernel, type KernelEntry } from '../gpu/kernel-registry.ts';
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
    constants: (c) => ({ HW: c.height * c.width, C: c.channels, WORKGROUP_SIZE: GLOBAL_AVG_POOL_WORKGROUP_SIZE, COUNT: items(c) }),
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
  const fwd = entryKernel(ctx.root, fe, config, { layout: forwardLayout, variant: name });
  const [fx, fy] = entryGrid(fe, config, `${name} forward`);
  const forward = [fwd.dispatch(fwd.bind({ input: buffers.input, output: buffers.output }), fx, fy, 1, `${name}.forward`)];
  if (inferenceOnly) return { forward, backward: [], inference: forward, destroy: () => {} };

  const bwd = entryKernel(ctx.root, be, config, { layout: backwardLayout, variant: name });
  const [bx, by] = entryGrid(be, config, `${name} backward`);
  const backward = [bwd.dispatch(bwd.bind({ outputGrad: outputGrad!, inputGrad: inputGrad! }), bx, by, 1, `${name}.backward`)];
  return { forward, backward, inference: forward, destroy: () => {} };
}
