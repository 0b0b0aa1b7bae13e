// MaxPooling2D 2x2, stride 2, floor (Keras "valid"): forward saves the window position of
// each max in an argmax scratch buffer this layer owns; backward routes the gradient there.
// An inferenceOnly layer (evaluation) builds only maxpool_inference (no argmax, no backward).
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor, type Dispatch } from '../gpu/kernel.ts';
import { linearIndex } from '../gpu/wgsl-lib.ts';
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

const inferenceLayout = tgpu.bindGroupLayout({
  input: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'mutable' },
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
  const HO = Math.floor(H / 2);
  const WO = Math.floor(W / 2);
  const outCount = batch * HO * WO * C;
  const inCount = batch * H * W * C;
  const shape = { H, W, C, HO, WO, WORKGROUP_SIZE: MAXPOOL_WORKGROUP_SIZE };
  const [fx, fy] = gridFor(outCount, MAXPOOL_WORKGROUP_SIZE, `${name} forward`);

  if (inferenceOnly) {
    const inf = new Kernel(ctx.root, {
      shader: 'maxpool_inference',
      layout: inferenceLayout,
      constants: { ...shape, COUNT: outCount },
      externals: { linearIndex },
      variant: name,
    });
    const forward = [inf.dispatch(inf.bind({ input: buffers.input, output: buffers.output }), fx, fy, 1, `${name}.inference`)];
    return { forward, backward: [], inference: forward, argmax: undefined, destroy: () => {} };
  }

  const { outputGrad, inputGrad } = buffers;
  if (!outputGrad || !inputGrad) throw new Error(`${name}: outputGrad and inputGrad are required unless inferenceOnly`);
  const argmax = createStorageBuffer(ctx.device, outCount * 4, `${name}.argmax`);
  const fwd = new Kernel(ctx.root, {
    shader: 'maxpool_forward',
    layout: forwardLayout,
    constants: { ...shape, COUNT: outCount },
    externals: { linearIndex },
    variant: name,
  });
  const bwd = new Kernel(ctx.root, {
    shader: 'maxpool_backward',
    layout: backwardLayout,
    constants: { ...shape, COUNT: inCount },
    externals: { linearIndex },
    variant: name,
  });
  const [bx, by] = gridFor(inCount, MAXPOOL_WORKGROUP_SIZE, `${name} backward`);
  const forward = [fwd.dispatch(fwd.bind({ input: buffers.input, output: buffers.output, argmax }), fx, fy, 1, `${name}.forward`)];
  const backward = [bwd.dispatch(bwd.bind({ outputGrad, argmax, inputGrad }), bx, by, 1, `${name}.backward`)];
  return { forward, backward, inference: forward, argmax, destroy: () => argmax.destroy() };
}
