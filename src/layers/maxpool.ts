// MaxPooling2D 2x2, stride 2, floor (Keras "valid"): forward saves the window position of
// each max in an argmax scratch buffer this layer owns; backward routes the gradient there.
// An inferenceOnly layer (evaluation) builds only the forward without the arg-max (no backward).
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import type { Dispatch } from '../gpu/kernel.ts';
import { entryGrid, entryKernel, type KernelCost, type KernelEntry } from '../gpu/kernel-registry.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of both pooling kernels (one output / one dx element each). */
export const MAXPOOL_WORKGROUP_SIZE = 256;

export interface MaxPoolConfig {
  name: string;
  batch: number;
  height: number;
  width: number;
  channels: number;
  /**
   * Evaluation only: one forward kernel without the arg-max, no backward kernels, bind
   * groups or argmax buffer; `backward` is empty and the gradient buffers are not needed.
   */
  inferenceOnly?: boolean;
}

const pooled = (c: MaxPoolConfig) => ({ HO: Math.floor(c.height / 2), WO: Math.floor(c.width / 2) });
const outCount = (c: MaxPoolConfig) => c.batch * pooled(c).HO * pooled(c).WO * c.channels;
const inCount = (c: MaxPoolConfig) => c.batch * c.height * c.width * c.channels;

function maxPoolEntry(pass: 'forward' | 'backward' | 'inference', shader: string, items: (c: MaxPoolConfig) => number, cost: (n: number, out: number) => Omit<KernelCost, 'shape'>, extra: Record<string, number> = {}): KernelEntry<MaxPoolConfig> {
  return {
    id: `maxpool.${pass}.floor2x2`,
    layerType: 'MaxPooling2D',
    pass,
    shaders: [shader],
    workgroupSize: MAXPOOL_WORKGROUP_SIZE,
    supports: () => true,
    constants: (c) => ({ H: c.height, W: c.width, C: c.channels, ...pooled(c), WORKGROUP_SIZE: MAXPOOL_WORKGROUP_SIZE, COUNT: items(c), ...extra }),
    items,
    cost: (c) => {
      const { HO, WO } = pooled(c);
      return { shape: `(${c.batch},${c.height},${c.width},${c.channels})->(${c.batch},${HO},${WO},${c.channels})`, ...cost(inCount(c), outCount(c)) };
    },
  };
}

/** The floor 2x2 max-pool's kernels, one per pass (3 compares per output; the arg-max saved in training). */
export const MAXPOOL_KERNELS = {
  forward: maxPoolEntry('forward', 'maxpool_forward', outCount, (n, out) => ({ flops: 3 * out, bytes: 4 * (n + 2 * out) }), { SAVE_ARGMAX: 1 }),
  backward: maxPoolEntry('backward', 'maxpool_backward', inCount, (n, out) => ({ flops: n, bytes: 4 * (2 * out + n) })),
  inference: maxPoolEntry('inference', 'maxpool_forward', outCount, (n, out) => ({ flops: 3 * out, bytes: 4 * (n + out) }), { SAVE_ARGMAX: 0 }),
} as const;

export interface MaxPoolBuffers {
  /** (B, H, W, C) f32 */
  input: GPUBuffer;
  /** (B, H/2, W/2, C) f32 */
  output: GPUBuffer;
  /** (B, H/2, W/2, C) f32, dL/d output (required unless inferenceOnly) */
  outputGrad?: GPUBuffer;
  /** (B, H, W, C) f32, dL/d input, every element written, zeros off the arg-max (required unless inferenceOnly) */
  inputGrad?: GPUBuffer;
}

const forwardLayout = tgpu.bindGroupLayout({
  input: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'mutable' },
  argmax: { storage: d.arrayOf(d.u32), access: 'mutable' },
});

const backwardLayout = tgpu.bindGroupLayout({
  outputGrad: { storage: d.arrayOf(d.f32), access: 'readonly' },
  argmax: { storage: d.arrayOf(d.u32), access: 'readonly' },
  inputGrad: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

export type MaxPoolPlan = LayerPlan & {
  /**
   * Evaluation forward: the same dispatch as `forward` in a training layer (the argmax write is
   * harmless); in an inference-only layer the arg-max-free kernel, also in `forward`.
   */
  inference: Dispatch[];
  /** (B, H/2, W/2, C) u32 window positions 0..3, owned by this layer; absent when inferenceOnly. */
  argmax: GPUBuffer | undefined;
};

export function createMaxPool(ctx: GpuContext, config: MaxPoolConfig, buffers: MaxPoolBuffers): MaxPoolPlan {
  const { name, batch, height: H, width: W, channels: C, inferenceOnly = false } = config;
  for (const [k, v] of Object.entries({ batch, H, W, C })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  if (H < 2 || W < 2) throw new Error(`${name}: input ${H}x${W} is smaller than the 2x2 window`);
  const K = MAXPOOL_KERNELS;
  const [fx, fy] = entryGrid(K.forward, config, `${name} forward`);
  const opts = { variant: name };

  if (inferenceOnly) {
    const placeholder = createStorageBuffer(ctx.device, 16, `${name}.argmax placeholder`); // never touched
    const inf = entryKernel(ctx.root, K.inference, config, { ...opts, layout: forwardLayout });
    const forward = [inf.dispatch(inf.bind({ input: buffers.input, output: buffers.output, argmax: placeholder }), fx, fy, 1, `${name}.inference`)];
    return { forward, backward: [], inference: forward, argmax: undefined, destroy: () => placeholder.destroy() };
  }

  const { outputGrad, inputGrad } = buffers;
  if (!outputGrad || !inputGrad) throw new Error(`${name}: outputGrad and inputGrad are required unless inferenceOnly`);
  const argmax = createStorageBuffer(ctx.device, outCount(config) * 4, `${name}.argmax`); // (B, HO, WO, C) u32
  const fwd = entryKernel(ctx.root, K.forward, config, { ...opts, layout: forwardLayout });
  const bwd = entryKernel(ctx.root, K.backward, config, { ...opts, layout: backwardLayout });
  const [bx, by] = entryGrid(K.backward, config, `${name} backward`);
  const forward = [fwd.dispatch(fwd.bind({ input: buffers.input, output: buffers.output, argmax }), fx, fy, 1, `${name}.forward`)];
  const backward = [bwd.dispatch(bwd.bind({ outputGrad, argmax, inputGrad }), bx, by, 1, `${name}.backward`)];
  return { forward, backward, inference: forward, argmax, destroy: () => argmax.destroy() };
}
