// Dropout (Keras inverted dropout, training only): the mask is regenerated on the GPU from a
// counter-based hash of (seed, step, layerId, element) read from the StepState buffer, so
// nothing is stored between forward and backward (see src/layers/dropout-rng.ts).
// Rate 0 is the identity: no dispatches, and the caller uses the input buffer as the output
// (and the output gradient as the input gradient). Evaluation skips dropout entirely.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { entryGrid, entryKernel, type KernelEntry } from '../gpu/kernel-registry.ts';
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

/** The hash's ~20 integer ops per element are counted as FLOPs, for a comparable rate. */
const dropoutCost = (c: DropoutConfig, opsPerElement: number, floatsPerElement: number) => {
  const n = c.batch * c.count;
  return { shape: `(${c.batch},${c.count})`, flops: opsPerElement * n, bytes: 4 * floatsPerElement * n };
};

/** Mask constants of the dropout kernels (the rate's threshold and the inverted scale). */
export const dropoutMaskConstants = (c: DropoutConfig) => ({ LAYER_ID: c.layerId, THRESHOLD: dropoutThreshold(c.rate), SCALE: 1 / (1 - c.rate) });

function dropoutEntry(pass: 'forward' | 'backward'): KernelEntry<DropoutConfig> {
  return {
    id: `dropout.${pass}.hash`,
    layerType: 'Dropout',
    pass,
    shaders: ['dropout_mask'],
    workgroupSize: DROPOUT_WORKGROUP_SIZE,
    supports: (c) => c.rate > 0 || 'rate 0 is the identity (no kernel)',
    constants: (c) => ({ WORKGROUP_SIZE: DROPOUT_WORKGROUP_SIZE, COUNT: c.batch * c.count, ...dropoutMaskConstants(c) }),
    items: (c) => c.batch * c.count,
    cost: (c) => dropoutCost(c, 21, 2),
  };
}

/** The dropout's kernels, one per pass: the same mask, regenerated from the hash, on x and on dL/dy. */
export const DROPOUT_KERNELS = { forward: dropoutEntry('forward'), backward: dropoutEntry('backward') } as const;

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

/** Both passes: forward input x / output y, backward input dL/dy / output dL/dx. */
const maskLayout = tgpu.bindGroupLayout({
  state: { storage: StepState, access: 'readonly' },
  input: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

export type DropoutPlan = LayerPlan & {
  /** True for rate 0: forward/backward are empty; use input as output, outputGrad as inputGrad. */
  isIdentity: boolean;
};

export function createDropout(ctx: GpuContext, config: DropoutConfig, buffers: DropoutBuffers): DropoutPlan {
  const { name, batch, count, rate, layerId } = config;
  dropoutThreshold(rate); // checks the rate
  if (!Number.isInteger(layerId) || layerId < 0 || layerId > 0xffffffff) throw new Error(`${name}: bad layerId ${layerId}`);
  const total = batch * count;
  if (!Number.isInteger(total) || total < 1) throw new Error(`${name}: bad shape ${batch} x ${count}`);
  if (rate === 0) return { forward: [], backward: [], isIdentity: true, destroy: () => {} };

  const fwd = entryKernel(ctx.root, DROPOUT_KERNELS.forward, config, { layout: maskLayout, variant: name });
  const bwd = entryKernel(ctx.root, DROPOUT_KERNELS.backward, config, { layout: maskLayout, variant: name });
  const [gx, gy] = entryGrid(DROPOUT_KERNELS.forward, config, name);
  const forward = [
    fwd.dispatch(fwd.bind({ state: buffers.state, input: buffers.input, output: buffers.output }), gx, gy, 1, `${name}.forward`),
  ];
  const backward = [
    bwd.dispatch(
      bwd.bind({ state: buffers.state, input: buffers.outputGrad, output: buffers.inputGrad }),
      gx,
      gy,
      1,
      `${name}.backward`,
    ),
  ];
  return { forward, backward, isIdentity: false, destroy: () => {} };
}
