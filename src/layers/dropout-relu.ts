// Inverted Dropout after a layer with a fused ReLU (dense -> dropout_2), with the backward
// fused through the ReLU: forward is the plain dropout_mask kernel (output = input where
// rate is 0: no dispatch), backward writes g = dL/d(pre-activation) = keep * SCALE * (y > 0)
// * dy in one pass, so the dense layer's backward takes g as its already-masked output
// gradient (DenseConfig.outputGradMasked) instead of re-applying the ReLU mask in its loops.
// Masks are the unfused createDropout's (same hash, layerId and element indices).
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import type { Dispatch } from '../gpu/kernel.ts';
import { entryGrid, entryKernel, type KernelEntry } from '../gpu/kernel-registry.ts';
import { StepState } from '../gpu/state.ts';
import { DROPOUT_KERNELS, dropoutMaskConstants, type DropoutConfig } from './dropout.ts';
import { dropoutThreshold } from './dropout-rng.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of dropout_relu_backward (one vec4 each). */
export const DROPOUT_RELU_WORKGROUP_SIZE = 256;

/** The backward through dropout and the ReLU before it (its forward is the dropout's: DROPOUT_KERNELS.forward). */
export const DROPOUT_RELU_BACKWARD_KERNEL: KernelEntry<DropoutConfig> = {
  id: 'dropout.backward.relu-mask',
  layerType: 'Dropout',
  pass: 'backward',
  shaders: ['dropout_relu_backward'],
  workgroupSize: DROPOUT_RELU_WORKGROUP_SIZE,
  supports: (c) => c.count % 4 === 0 || `count must be a multiple of 4 (vec4 kernel), got ${c.count}`,
  constants: (c) => ({ WORKGROUP_SIZE: DROPOUT_RELU_WORKGROUP_SIZE, COUNT4: (c.batch * c.count) / 4, ...dropoutMaskConstants(c) }),
  items: (c) => (c.batch * c.count) / 4,
  // Reads dy and y, writes g; the hash's ops counted as FLOPs.
  cost: (c) => ({ shape: `(${c.batch},${c.count})`, flops: 22 * c.batch * c.count, bytes: 12 * c.batch * c.count }),
};

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
  dropoutThreshold(rate); // checks the rate
  if (!Number.isInteger(count) || count < 1 || count % 4 !== 0) throw new Error(`${name}: count must be a positive multiple of 4 (vec4 kernel), got ${count}`);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`${name}: bad batch ${batch}`);
  if (buffers.inputGrad === buffers.outputGrad) throw new Error(`${name}: inputGrad must be a separate buffer from outputGrad`);
  if (!Number.isInteger(layerId) || layerId < 0 || layerId > 0xffffffff) throw new Error(`${name}: bad layerId ${layerId}`);
  // Forward: the unfused dropout_mask kernel (none at rate 0: output = input).
  const forward: Dispatch[] = [];
  if (rate > 0) {
    const fwd = entryKernel(ctx.root, DROPOUT_KERNELS.forward, config, { layout: forwardLayout, variant: name });
    const [fx, fy] = entryGrid(DROPOUT_KERNELS.forward, config, `${name} forward`);
    forward.push(fwd.dispatch(fwd.bind({ state: buffers.state, input: buffers.input, output: buffers.output }), fx, fy, 1, `${name}.forward`));
  }
  const bwd = entryKernel(ctx.root, DROPOUT_RELU_BACKWARD_KERNEL, config, { layout: backwardLayout, variant: name });
  const [gx, gy] = entryGrid(DROPOUT_RELU_BACKWARD_KERNEL, config, `${name} backward`);
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
