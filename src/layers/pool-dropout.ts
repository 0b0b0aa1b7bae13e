// Fused MaxPooling2D 2x2 (stride 2, floor) + inverted Dropout for the layer pair that follows a
// conv with a fused ReLU (max_pooling2d + dropout, max_pooling2d_1 + dropout_1):
//   forward:  one pass over the conv's post-ReLU output writes the dropout output and a
//             per-channel routing code (window position of the max, or 4 = no gradient);
//   backward: one pass writes g = dL/d(conv pre-activation) = dropout backward, routed to the
//             arg-max, times the ReLU derivative, zero elsewhere (dropped odd row/column too).
// The conv's backward then takes g as its already-masked output gradient (no mask pass).
// Masks equal the unfused maxpool + dropout path's (same hash, same element indices), and
// values are bit-identical (pooling selects, dropout multiplies by the same f32 SCALE).
// The pooled output before dropout is never materialised. Rate 0 is plain pooling + routing.
// An inferenceOnly layer (evaluation: dropout is the identity) builds one vec4 pooling kernel
// without routing codes or StepState, and no backward.
import tgpu, { type TgpuBindGroupLayout } from 'typegpu';
import * as d from 'typegpu/data';
import type { Dispatch, Entries } from '../gpu/kernel.ts';
import { entryGrid, entryKernel, type KernelCost, type KernelEntry } from '../gpu/kernel-registry.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import { StepState } from '../gpu/state.ts';
import { dropoutThreshold } from './dropout-rng.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of both kernels (each handles one pooled row of one vec4 of channels). */
export const POOL_DROPOUT_WORKGROUP_SIZE = 64;

export interface PoolDropoutConfig {
  name: string;
  batch: number;
  /** Conv output (pool input) shape; channels must be a multiple of 4. */
  height: number;
  width: number;
  channels: number;
  /** Dropout rate in [0, 1); 0 = pooling only. */
  rate: number;
  /** The dropout layer's id in the mask hash (same as the unfused createDropout's layerId). */
  layerId: number;
  /**
   * Evaluation only: plain pooling (rate and layerId are ignored; use rate 0), no routing
   * buffer, no backward; `outputGrad`, `inputGrad` and `state` are not needed.
   */
  inferenceOnly?: boolean;
}

export interface PoolDropoutBuffers {
  /** (B, H, W, C) f32, post-ReLU conv output */
  input: GPUBuffer;
  /** (B, H/2, W/2, C) f32, dropout output (what the next layer reads) */
  output: GPUBuffer;
  /** (B, H/2, W/2, C) f32, dL/d output (required unless inferenceOnly) */
  outputGrad?: GPUBuffer;
  /** (B, H, W, C) f32, dL/d conv pre-activation (ReLU derivative applied); every element written (required unless inferenceOnly) */
  inputGrad?: GPUBuffer;
  /** StepState (src/gpu/state.ts): seed and step select the mask (required unless inferenceOnly) */
  state?: GPUBuffer;
}

export type PoolDropoutPlan = LayerPlan & {
  /** (B, H/2, W/2, C/4) u32 routing codes (byte k = channel 4*c4+k: 0..3 window position, 4 none), owned by this layer; absent when inferenceOnly. */
  route: GPUBuffer | undefined;
  /** Evaluation forward: the inference kernel in an inferenceOnly layer, else `forward`. */
  inference: Dispatch[];
};

/** Derived sizes: pooled (HO, WO), rows of the backward (HI), vec4 channel groups. */
function poolSizes(c: PoolDropoutConfig) {
  return { HO: Math.floor(c.height / 2), WO: Math.floor(c.width / 2), HI: Math.ceil(c.height / 2), C4: c.channels / 4 };
}
const poolConstants = (c: PoolDropoutConfig) => {
  const { HO, WO, C4 } = poolSizes(c);
  return { WORKGROUP_SIZE: POOL_DROPOUT_WORKGROUP_SIZE, H: c.height, W: c.width, C4, HO, WO };
};
const forwardRows = (c: PoolDropoutConfig) => c.batch * poolSizes(c).HO * poolSizes(c).C4;

/** Input n and pooled output `out` elements and the shape label. */
function poolCost(c: PoolDropoutConfig, cost: (n: number, out: number) => { flops: number; bytes: number }): KernelCost {
  const { HO, WO } = poolSizes(c);
  const n = c.batch * c.height * c.width * c.channels;
  const out = c.batch * HO * WO * c.channels;
  return { shape: `(${c.batch},${c.height},${c.width},${c.channels})->(${c.batch},${HO},${WO},${c.channels})`, ...cost(n, out) };
}

function poolDropoutEntry(pass: 'forward' | 'backward' | 'inference', shader: string, rest: Pick<KernelEntry<PoolDropoutConfig>, 'constants' | 'items' | 'cost'>): KernelEntry<PoolDropoutConfig> {
  return { id: `maxpool-dropout.${pass}.fused`, layerType: 'MaxPooling2D', pass, shaders: [shader], workgroupSize: POOL_DROPOUT_WORKGROUP_SIZE, supports: () => true, ...rest };
}

/** The fused pool + dropout's kernels (one per pass; the unfused maxpool + dropout numbers are in bench/README.md). */
export const POOL_DROPOUT_KERNELS = {
  // Hash ~21 ops per element; one routing byte per pooled element.
  forward: poolDropoutEntry('forward', 'pool_dropout_forward', {
    constants: (c) => ({ ...poolConstants(c), ROWS: forwardRows(c), LAYER_ID: c.layerId, THRESHOLD: dropoutThreshold(c.rate), SCALE: 1 / (1 - c.rate) }),
    items: forwardRows,
    cost: (c) => poolCost(c, (n, out) => ({ flops: 3 * out + 21 * out, bytes: 4 * (n + out) + out })),
  }),
  backward: poolDropoutEntry('backward', 'pool_dropout_backward', {
    constants: (c) => ({ ...poolConstants(c), HI: poolSizes(c).HI, ROWS: c.batch * poolSizes(c).HI * poolSizes(c).C4, SCALE: 1 / (1 - c.rate) }),
    items: (c) => c.batch * poolSizes(c).HI * poolSizes(c).C4,
    cost: (c) => poolCost(c, (n, out) => ({ flops: n, bytes: 4 * (out + n) + out })),
  }),
  inference: poolDropoutEntry('inference', 'pool_dropout_inference', {
    constants: (c) => ({ ...poolConstants(c), ROWS: forwardRows(c) }),
    items: forwardRows,
    cost: (c) => poolCost(c, (n, out) => ({ flops: 3 * out, bytes: 4 * (n + out) })),
  }),
} as const;

const forwardLayout = tgpu.bindGroupLayout({
  state: { storage: StepState, access: 'readonly' },
  input: { storage: d.arrayOf(d.vec4f), access: 'readonly' },
  output: { storage: d.arrayOf(d.vec4f), access: 'mutable' },
  route: { storage: d.arrayOf(d.u32), access: 'mutable' },
});

const inferenceLayout = tgpu.bindGroupLayout({
  input: { storage: d.arrayOf(d.vec4f), access: 'readonly' },
  output: { storage: d.arrayOf(d.vec4f), access: 'mutable' },
});

const backwardLayout = tgpu.bindGroupLayout({
  outputGrad: { storage: d.arrayOf(d.vec4f), access: 'readonly' },
  route: { storage: d.arrayOf(d.u32), access: 'readonly' },
  inputGrad: { storage: d.arrayOf(d.vec4f), access: 'mutable' },
});

export function createPoolDropout(ctx: GpuContext, config: PoolDropoutConfig, buffers: PoolDropoutBuffers): PoolDropoutPlan {
  const { name, batch: B, height: H, width: W, channels: C, layerId, inferenceOnly = false } = config;
  for (const [k, v] of Object.entries({ batch: B, H, W, C })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  if (H < 2 || W < 2) throw new Error(`${name}: input ${H}x${W} is smaller than the 2x2 window`);
  if (C % 4 !== 0) throw new Error(`${name}: channels must be a multiple of 4 (vec4 kernels), got ${C}`);
  if (!Number.isInteger(layerId) || layerId < 0 || layerId > 0xffffffff) throw new Error(`${name}: bad layerId ${layerId}`);
  dropoutThreshold(config.rate); // checks the rate
  const { HO, WO, C4 } = poolSizes(config);
  // Element indices of the mask hash are u32 in the shader.
  if (4 * B * HO * WO * C4 > 2 ** 32) throw new Error(`${name}: too many elements for u32 indices`);
  const K = POOL_DROPOUT_KERNELS;
  const kernel = <E extends Entries>(entry: KernelEntry<PoolDropoutConfig>, layout: TgpuBindGroupLayout<E>) =>
    entryKernel(ctx.root, entry, config, { layout, variant: name });
  const [fx, fy] = entryGrid(K.forward, config, `${name} forward`);

  if (inferenceOnly) {
    const inf = kernel(K.inference, inferenceLayout);
    const forward = [inf.dispatch(inf.bind({ input: buffers.input, output: buffers.output }), fx, fy, 1, `${name}.inference`)];
    return { forward, backward: [], inference: forward, route: undefined, destroy: () => {} };
  }
  const { outputGrad, inputGrad, state } = buffers;
  if (!outputGrad || !inputGrad || !state) throw new Error(`${name}: outputGrad, inputGrad and state are required unless inferenceOnly`);

  const route = createStorageBuffer(ctx.device, B * HO * WO * C4 * 4, `${name}.route`); // (B, HO, WO, C4) u32
  const fwd = kernel(K.forward, forwardLayout);
  const bwd = kernel(K.backward, backwardLayout);
  const [bx, by] = entryGrid(K.backward, config, `${name} backward`);
  const forward = [
    fwd.dispatch(fwd.bind({ state, input: buffers.input, output: buffers.output, route }), fx, fy, 1, `${name}.forward`),
  ];
  const backward = [
    bwd.dispatch(bwd.bind({ outputGrad, route, inputGrad }), bx, by, 1, `${name}.backward`),
  ];
  return { forward, backward, inference: forward, route, destroy: () => route.destroy() };
}
