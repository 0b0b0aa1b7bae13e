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
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor, type Dispatch } from '../gpu/kernel.ts';
import { dropoutLib, linearIndex } from '../gpu/wgsl-lib.ts';
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
  const { name, batch: B, height: H, width: W, channels: C, rate, layerId, inferenceOnly = false } = config;
  for (const [k, v] of Object.entries({ batch: B, H, W, C })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  if (H < 2 || W < 2) throw new Error(`${name}: input ${H}x${W} is smaller than the 2x2 window`);
  if (C % 4 !== 0) throw new Error(`${name}: channels must be a multiple of 4 (vec4 kernels), got ${C}`);
  if (!Number.isInteger(layerId) || layerId < 0 || layerId > 0xffffffff) throw new Error(`${name}: bad layerId ${layerId}`);
  const threshold = dropoutThreshold(rate);
  const C4 = C / 4;
  const HO = Math.floor(H / 2);
  const WO = Math.floor(W / 2);
  const HI = Math.ceil(H / 2);
  // Element indices of the mask hash are u32 in the shader.
  if (4 * B * HO * WO * C4 > 2 ** 32) throw new Error(`${name}: too many elements for u32 indices`);

  const shape = { WORKGROUP_SIZE: POOL_DROPOUT_WORKGROUP_SIZE, H, W, C4, HO, WO };
  const fwdRows = B * HO * C4;
  const [fx, fy] = gridFor(fwdRows, POOL_DROPOUT_WORKGROUP_SIZE, `${name} forward`);

  if (inferenceOnly) {
    const inf = new Kernel(ctx.root, { shader: 'pool_dropout_inference', layout: inferenceLayout, constants: { ...shape, ROWS: fwdRows }, externals: { linearIndex }, variant: name });
    const forward = [inf.dispatch(inf.bind({ input: buffers.input, output: buffers.output }), fx, fy, 1, `${name}.inference`)];
    return { forward, backward: [], inference: forward, route: undefined, destroy: () => {} };
  }
  const { outputGrad, inputGrad, state } = buffers;
  if (!outputGrad || !inputGrad || !state) throw new Error(`${name}: outputGrad, inputGrad and state are required unless inferenceOnly`);

  const route = createStorageBuffer(ctx.device, B * HO * WO * C4 * 4, `${name}.route`);
  const scale = 1 / (1 - rate);
  const bwdRows = B * HI * C4;
  const fwd = new Kernel(ctx.root, {
    shader: 'pool_dropout_forward',
    layout: forwardLayout,
    constants: { ...shape, ROWS: fwdRows, LAYER_ID: layerId, THRESHOLD: threshold, SCALE: scale },
    externals: { linearIndex, ...dropoutLib },
    variant: name,
  });
  const bwd = new Kernel(ctx.root, {
    shader: 'pool_dropout_backward',
    layout: backwardLayout,
    constants: { ...shape, HI, ROWS: bwdRows, SCALE: scale },
    externals: { linearIndex },
    variant: name,
  });
  const [bx, by] = gridFor(bwdRows, POOL_DROPOUT_WORKGROUP_SIZE, `${name} backward`);
  const forward = [
    fwd.dispatch(fwd.bind({ state, input: buffers.input, output: buffers.output, route }), fx, fy, 1, `${name}.forward`),
  ];
  const backward = [
    bwd.dispatch(bwd.bind({ outputGrad, route, inputGrad }), bx, by, 1, `${name}.backward`),
  ];
  return { forward, backward, inference: forward, route, destroy: () => route.destroy() };
}
