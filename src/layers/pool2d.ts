// MaxPooling2D and AveragePooling2D (Keras semantics) on NHWC: any pool size 1..7, any stride,
// padding 'valid' or 'same' (src/layers/pool2d-geometry.ts). One forward kernel serves both
// kinds; a training max pool also saves each output's arg-max window position, which the
// backward (one invocation per input element, gathering from the covering windows) reads.
// An inferenceOnly layer builds the forward without the arg-max and no backward.
// The seed's specialised 2x2/2 pools (maxpool.ts, pool-dropout.ts) stay as they are.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import type { Dispatch } from '../gpu/kernel.ts';
import { entryGrid, entryKernel, supportsWhenNoThrow, type KernelEntry } from '../gpu/kernel-registry.ts';
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

/** Geometry of a checked configuration (the builder has already named the layer in any error). */
function shapeOf(c: Pool2dConfig) {
  const { outHeight: HO, outWidth: WO, padTop, padLeft } = pool2dGeometry(c);
  const isMax = c.kind === 'max';
  return {
    HO, WO, saveArgmax: isMax && !c.inferenceOnly,
    constants: {
      H: c.height, W: c.width, C: c.channels, HO, WO, PH: c.poolHeight, PW: c.poolWidth, SH: c.strideHeight, SW: c.strideWidth,
      PAD_TOP: padTop, PAD_LEFT: padLeft, IS_MAX: isMax ? 1 : 0, WORKGROUP_SIZE: POOL2D_WORKGROUP_SIZE,
    },
  };
}

const inCount = (c: Pool2dConfig) => c.batch * c.height * c.width * c.channels;
const outCount = (c: Pool2dConfig) => { const { HO, WO } = shapeOf(c); return c.batch * HO * WO * c.channels; };

const supportsWindow = supportsWhenNoThrow(pool2dGeometry);

function pool2dEntry(pass: 'forward' | 'backward', shader: string, items: (c: Pool2dConfig) => number, extra: (c: Pool2dConfig) => Record<string, number>, flops: (c: Pool2dConfig) => number, bytes: (c: Pool2dConfig) => number): KernelEntry<Pool2dConfig> {
  return {
    id: `pool2d.${pass}.window`,
    layerType: 'Pooling2D',
    pass,
    shaders: [shader],
    workgroupSize: POOL2D_WORKGROUP_SIZE,
    supports: supportsWindow,
    constants: (c) => ({ ...shapeOf(c).constants, COUNT: items(c), ...extra(c) }),
    items,
    cost: (c) => {
      const { HO, WO } = shapeOf(c);
      return { shape: `(${c.batch},${c.height},${c.width},${c.channels})->(${c.batch},${HO},${WO},${c.channels})`, flops: flops(c), bytes: bytes(c) };
    },
  };
}

/**
 * The general pool's kernels (max and average, any window): the forward compares or adds
 * PH*PW inputs per output and writes the arg-max of a training max pool; the backward gathers
 * each dx from the windows covering it (at most ceil(P/S) per axis).
 */
export const POOL2D_KERNELS = {
  forward: pool2dEntry(
    'forward', 'pool2d_forward', outCount, (c) => ({ SAVE_ARGMAX: shapeOf(c).saveArgmax ? 1 : 0 }),
    (c) => outCount(c) * c.poolHeight * c.poolWidth,
    (c) => 4 * (inCount(c) + outCount(c) * (shapeOf(c).saveArgmax ? 2 : 1)),
  ),
  backward: pool2dEntry(
    'backward', 'pool2d_backward', inCount, () => ({}),
    (c) => inCount(c) * Math.ceil(c.poolHeight / c.strideHeight) * Math.ceil(c.poolWidth / c.strideWidth),
    (c) => 4 * (outCount(c) * (c.kind === 'max' ? 2 : 1) + inCount(c)),
  ),
} as const;

function checkConfig(config: Pool2dConfig): void {
  const { name, batch, channels, kind } = config;
  for (const [k, v] of Object.entries({ batch, channels })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  if (kind !== 'max' && kind !== 'average') throw new Error(`${name}: kind must be 'max' or 'average', got ${JSON.stringify(kind)}`);
}

export function createPool2d(ctx: GpuContext, config: Pool2dConfig, buffers: Pool2dBuffers): Pool2dPlan {
  checkConfig(config);
  const { name, batch, channels: C, inferenceOnly = false } = config;
  const window = supportsWindow(config);
  if (window !== true) throw new Error(`${name}: ${window}`);
  const { HO, WO, saveArgmax } = shapeOf(config);
  const outCount = batch * HO * WO * C;
  const externals = { poolSpan };
  const { outputGrad, inputGrad } = buffers;
  if (!inferenceOnly && (!outputGrad || !inputGrad)) throw new Error(`${name}: outputGrad and inputGrad are required unless inferenceOnly`);

  // The arg-max of a training max pool, else a placeholder the kernels never touch.
  const argmax = createStorageBuffer(ctx.device, saveArgmax ? outCount * 4 : 16, `${name}.argmax`);
  const { forward: fe, backward: be } = POOL2D_KERNELS;
  const fwd = entryKernel(ctx.root, fe, config, { layout: forwardLayout, externals, variant: name });
  const [fx, fy] = entryGrid(fe, config, `${name} forward`);
  const forward = [fwd.dispatch(fwd.bind({ input: buffers.input, output: buffers.output, argmax }), fx, fy, 1, `${name}.forward`)];
  const destroy = () => argmax.destroy();
  if (inferenceOnly) return { forward, backward: [], inference: forward, argmax: undefined, destroy };

  const bwd = entryKernel(ctx.root, be, config, { layout: backwardLayout, externals, variant: name });
  const [bx, by] = entryGrid(be, config, `${name} backward`);
  const backward = [bwd.dispatch(bwd.bind({ outputGrad: outputGrad!, argmax, inputGrad: inputGrad! }), bx, by, 1, `${name}.backward`)];
  return { forward, backward, inference: forward, argmax: saveArgmax ? argmax : undefined, destroy };
}
