// Inverted Dropout after a layer with a fused ReLU (dense -> dropout_2), with the backward
// fused through the ReLU: forward is the plain dropout_forward kernel (output = input where
// rate is 0: no dispatch), backward writes g = dL/d(pre-activation) = keep * SCALE * (y > 0)
// * dy in one pass, so the dense layer's backward takes g as its already-masked output
// gradient (DenseConfig.outputGradMasked) instead of re-applying the ReLU mask in its loops.
// Masks are the unfused createDropout's (same hash, layerId and element indices).
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor, type Dispatch } from '../gpu/kernel.ts';
import { dropoutLib, linearIndex } from '../gpu/wgsl-lib.ts';
import { StepState } from '../gpu/state.ts';
import { DROPOUT_WORKGROUP_SIZE, type DropoutConfig } from './dropout.ts';
import { dropoutThreshold } from './dropout-rng.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of dropout_relu_backward (one vec4 each). */
export const DROPOUT_RELU_WORKGROUP_SIZE = 256;

export interface DropoutReluBuffers {
  /** (B, count) f32, post-ReLU activation (the dropout's input) */
  input: GPUBuffer;
  /** (B, count) f32, dropout output (unused when rate is 0: the caller reads input instead) */
  output: GPUBuffer;
  /** (B, count) f32, dL/d output */
  outputGrad: GPUBuffer;
  /** (B, count) f32, dL/d pre-activation (ReLU derivative applied); must differ from outputGrad */
  inputGrad: GPUBuffer;
  /** StepState (src/gpu/state.ts): seed and step select the mask */
  state: GPUBuffer;
}

export type DropoutReluPlan = LayerPlan & {
  /** True for rate 0: forward is empty (use input as output); backward still applies the ReLU mask. */
  isIdentity: boolean;
};

const forwardLayout = tgpu.bindGroupLayout({
  state: { storage: StepState, access: 'readonly' },
  input: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

const backwardLayout = tgpu.bindGroupLayout({
  state: { storage: StepState, access: 'readonly' },
  outputGrad: { storage: d.arrayOf(d.vec4f), access: 'readonly' },
  y: { storage: d.arrayOf(d.vec4f), access: 'readonly' },
  inputGrad: { storage: d.arrayOf(d.vec4f), access: 'mutable' },
});

export function createDropoutRelu(ctx: GpuContext, config: DropoutConfig, buffers: DropoutReluBuffers): DropoutReluPlan {
  const { name, batch, count, rate, layerId } = config;
  const threshold = dropoutThreshold(rate);
  if (!Number.isInteger(count) || count < 1 || count % 4 !== 0) throw new Error(`${name}: count must be a positive multiple of 4 (vec4 kernel), got ${count}`);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`${name}: bad batch ${batch}`);
  if (buffers.inputGrad === buffers.outputGrad) throw new Error(`${name}: inputGrad must be a separate buffer from outputGrad`);
  if (!Number.isInteger(layerId) || layerId < 0 || layerId > 0xffffffff) throw new Error(`${name}: bad layerId ${layerId}`);
  const total = batch * count;
  const count4 = total / 4;
  const mask = { LAYER_ID: layerId, THRESHOLD: threshold, SCALE: 1 / (1 - rate) };
  // Forward: the unfused dropout_forward kernel (none at rate 0: output = input).
  const forward: Dispatch[] = [];
  if (rate > 0) {
    const fwd = new Kernel(ctx.root, {
      shader: 'dropout_forward',
      layout: forwardLayout,
      constants: { WORKGROUP_SIZE: DROPOUT_WORKGROUP_SIZE, COUNT: total, ...mask },
      externals: { linearIndex, ...dropoutLib },
      variant: name,
    });
    const [fx, fy] = gridFor(total, DROPOUT_WORKGROUP_SIZE, `${name} forward`);
    forward.push(fwd.dispatch(fwd.bind({ state: buffers.state, input: buffers.input, output: buffers.output }), fx, fy, 1, `${name}.forward`));
  }
  const bwd = new Kernel(ctx.root, {
    shader: 'dropout_relu_backward',
    layout: backwardLayout,
    constants: { WORKGROUP_SIZE: DROPOUT_RELU_WORKGROUP_SIZE, COUNT4: count4, ...mask },
    externals: { linearIndex, ...dropoutLib },
    variant: name,
  });
  const [gx, gy] = gridFor(count4, DROPOUT_RELU_WORKGROUP_SIZE, `${name} backward`);
  const backward = [
    bwd.dispatch(
      bwd.bind({ state: buffers.state, outputGrad: buffers.outputGrad, y: buffers.input, inputGrad: buffers.inputGrad }),
      gx,
      gy,
      1,
      `${name}.backward`,
    ),
  ];
  return { forward, backward, isIdentity: rate === 0, destroy: () => {} };
}
