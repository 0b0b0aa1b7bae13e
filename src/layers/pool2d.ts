// MaxPooling2D and AveragePooling2D (Keras semantics) on NHWC: any pool size 1..7, any stride,
// padding 'valid' or 'same' (src/layers/pool2d-geometry.ts). One forward kernel serves both
// kinds; a training max pool also saves each output's arg-max window position, which the
// backward (one invocation per input element, gathering from the covering windows) reads.
// An inferenceOnly layer builds the forward without the arg-max and no backward.
// The seed's specialised 2x2/2 pools (maxpool.ts, pool-dropout.ts) stay as they are.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor, type Dispatch } from '../gpu/kernel.ts';
import { linearIndex } from '../gpu/wgsl-lib.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import { pool2dGeometry, type Pool2dPadding } from './pool2d-geometry.ts';
import type { GpuContext, LayerPlan } from './types.ts';

export { pool2dGeometry, MAX_POOL_SIZE, type Pool2dGeometry, type Pool2dPadding, type Pool2dWindow } from './pool2d-geometry.ts';

/** Invocations per workgroup of both pooling kernels (one output / one dx element each). */
export const POOL2D_WORKGROUP_SIZE = 256;

export type Pool2dKind = 'max' | 'average';

export interface Pool2dConfig {
  name: string;
  batch: number;
  /** Input (B, height, width, channels). */
  height: number;
  width: number;
  channels: number;
  poolHeight: number;
  poolWidth: number;
  /** Keras's default stride is the pool size; the caller fills it in. */
  strideHeight: number;
  strideWidth: number;
  padding: Pool2dPadding;
  kind: Pool2dKind;
  /**
   * Evaluation only: the forward without the arg-max, no backward kernels or arg-max buffer;
   * `backward` is empty and the gradient buffers are not needed.
   */
  inferenceOnly?: boolean;
}

export interface Pool2dBuffers {
  /** (B, H, W, C) f32 */
  input: GPUBuffer;
  /** (B, HO, WO, C) f32 (pool2dGeometry gives HO, WO) */
  output: GPUBuffer;
  /** (B, HO, WO, C) f32, dL/d output (required unless inferenceOnly) */
  outputGrad?: GPUBuffer;
  /** (B, H, W, C) f32, dL/d input, every element written (required unless inferenceOnly) */
  inputGrad?: GPUBuffer;
}

export type Pool2dPlan = LayerPlan & {
  /** Evaluation forward: `forward` itself (the arg-max write of a training max pool is harmless). */
  inference: Dispatch[];
  /** (B, HO, WO, C) u32 arg-max window positions di * poolWidth + dj, owned by this layer; only for a training max pool. */
  argmax: GPUBuffer | undefined;
};

// [lo, hi): the real rows (or columns) of a window starting at padded position `start`, of
// `size` cells, over an axis of `extent` cells. Shared by both pooling kernels.
const poolSpan = tgpu.fn([d.i32, d.u32, d.u32], d.vec2u)`(start: i32, size: u32, extent: u32) -> vec2u {
  return vec2u(u32(max(start, 0)), u32(min(start + i32(size), i32(extent))));
}`.$name('poolSpan');

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

function checkConfig(config: Pool2dConfig): void {
  const { name, batch, channels, kind } = config;
  for (const [k, v] of Object.entries({ batch, channels })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  if (kind !== 'max' && kind !== 'average') throw new Error(`${name}: kind must be 'max' or 'average', got ${JSON.stringify(kind)}`);
}

export function createPool2d(ctx: GpuContext, config: Pool2dConfig, buffers: Pool2dBuffers): Pool2dPlan {
  checkConfig(config);
  const { name, batch, height: H, width: W, channels: C, kind, inferenceOnly = false } = config;
  let geometry;
  try {
    geometry = pool2dGeometry(config);
  } catch (e) {
    throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { outHeight: HO, outWidth: WO, padTop, padLeft } = geometry;
  const isMax = kind === 'max';
  const saveArgmax = isMax && !inferenceOnly;
  const outCount = batch * HO * WO * C;
  const inCount = batch * H * W * C;
  const shape = {
    H,
    W,
    C,
    HO,
    WO,
    PH: config.poolHeight,
    PW: config.poolWidth,
    SH: config.strideHeight,
    SW: config.strideWidth,
    PAD_TOP: padTop,
    PAD_LEFT: padLeft,
    IS_MAX: isMax ? 1 : 0,
    WORKGROUP_SIZE: POOL2D_WORKGROUP_SIZE,
  };
  const externals = { linearIndex, poolSpan };
  const { outputGrad, inputGrad } = buffers;
  if (!inferenceOnly && (!outputGrad || !inputGrad)) throw new Error(`${name}: outputGrad and inputGrad are required unless inferenceOnly`);

  // The arg-max of a training max pool, else a placeholder the kernels never touch.
  const argmax = createStorageBuffer(ctx.device, saveArgmax ? outCount * 4 : 16, `${name}.argmax`);
  const fwd = new Kernel(ctx.root, {
    shader: 'pool2d_forward',
    layout: forwardLayout,
    constants: { ...shape, COUNT: outCount, SAVE_ARGMAX: saveArgmax ? 1 : 0 },
    externals,
    variant: name,
  });
  const [fx, fy] = gridFor(outCount, POOL2D_WORKGROUP_SIZE, `${name} forward`);
  const forward = [fwd.dispatch(fwd.bind({ input: buffers.input, output: buffers.output, argmax }), fx, fy, 1, `${name}.forward`)];
  const destroy = () => argmax.destroy();
  if (inferenceOnly) return { forward, backward: [], inference: forward, argmax: undefined, destroy };

  const bwd = new Kernel(ctx.root, {
    shader: 'pool2d_backward',
    layout: backwardLayout,
    constants: { ...shape, COUNT: inCount },
    externals,
    variant: name,
  });
  const [bx, by] = gridFor(inCount, POOL2D_WORKGROUP_SIZE, `${name} backward`);
  const backward = [bwd.dispatch(bwd.bind({ outputGrad: outputGrad!, argmax, inputGrad: inputGrad! }), bx, by, 1, `${name}.backward`)];
  return { forward, backward, inference: forward, argmax: saveArgmax ? argmax : undefined, destroy };
}
