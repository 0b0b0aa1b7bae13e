// Dropout (Keras inverted dropout, training only): the mask is regenerated on the GPU from a
// counter-based hash of (seed, step, layerId, element) read from the StepState buffer, so
// nothing is stored between forward and backward (see src/layers/dropout-rng.ts).
// Rate 0 is the identity: no dispatches, and the caller uses the input buffer as the output
// (and the output gradient as the input gradient). Evaluation skips dropout entirely.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor } from '../gpu/kernel.ts';
import { dropoutLib, linearIndex } from '../gpu/wgsl-lib.ts';
import { StepState } from '../gpu/state.ts';
import { dropoutThreshold } from './dropout-rng.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of both dropout kernels (one element each). */
export const DROPOUT_WORKGROUP_SIZE = 256;

export interface DropoutConfig {
  name: string;
  batch: number;
  /** Elements per sample (e.g. 13*13*32). */
  count: number;
  /** Fraction dropped, in [0, 1). */
  rate: number;
  /** Distinguishes the layers' masks within one step (any u32, unique per dropout layer). */
  layerId: number;
}

export interface DropoutBuffers {
  /** (B, count) f32 */
  input: GPUBuffer;
  /** (B, count) f32 (unused when isIdentity) */
  output: GPUBuffer;
  /** (B, count) f32, dL/d output */
  outputGrad: GPUBuffer;
  /** (B, count) f32, dL/d input (unused when isIdentity) */
  inputGrad: GPUBuffer;
  /** StepState (src/gpu/state.ts): seed and step select the mask */
  state: GPUBuffer;
}

const forwardLayout = tgpu.bindGroupLayout({
  state: { storage: StepState, access: 'readonly' },
  input: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

const backwardLayout = tgpu.bindGroupLayout({
  state: { storage: StepState, access: 'readonly' },
  outputGrad: { storage: d.arrayOf(d.f32), access: 'readonly' },
  inputGrad: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

export type DropoutPlan = LayerPlan & {
  /** True for rate 0: forward/backward are empty; use input as output, outputGrad as inputGrad. */
  isIdentity: boolean;
};

export function createDropout(ctx: GpuContext, config: DropoutConfig, buffers: DropoutBuffers): DropoutPlan {
  const { name, batch, count, rate, layerId } = config;
  const threshold = dropoutThreshold(rate);
  if (!Number.isInteger(layerId) || layerId < 0 || layerId > 0xffffffff) throw new Error(`${name}: bad layerId ${layerId}`);
  const total = batch * count;
  if (!Number.isInteger(total) || total < 1) throw new Error(`${name}: bad shape ${batch} x ${count}`);
  if (rate === 0) return { forward: [], backward: [], isIdentity: true, destroy: () => {} };

  const constants = {
    WORKGROUP_SIZE: DROPOUT_WORKGROUP_SIZE,
    COUNT: total,
    LAYER_ID: layerId,
    THRESHOLD: threshold,
    SCALE: 1 / (1 - rate),
  };
  const fwd = new Kernel(ctx.root, { shader: 'dropout_forward', layout: forwardLayout, constants, externals: { linearIndex, ...dropoutLib }, variant: name });
  const bwd = new Kernel(ctx.root, { shader: 'dropout_backward', layout: backwardLayout, constants, externals: { linearIndex, ...dropoutLib }, variant: name });
  const [gx, gy] = gridFor(total, DROPOUT_WORKGROUP_SIZE, name);
  const forward = [
    fwd.dispatch(fwd.bind({ state: buffers.state, input: buffers.input, output: buffers.output }), gx, gy, 1, `${name}.forward`),
  ];
  const backward = [
    bwd.dispatch(
      bwd.bind({ state: buffers.state, outputGrad: buffers.outputGrad, inputGrad: buffers.inputGrad }),
      gx,
      gy,
      1,
      `${name}.backward`,
    ),
  ];
  return { forward, backward, isIdentity: false, destroy: () => {} };
}
