// Dense (fully connected), Keras semantics: y = x W + b with W [in, out] and b [out] read from
// the flat parameter buffer at their PARAMS offsets, optionally with a fused ReLU (the stored
// output is post-activation). Backward takes dy = dL/d(post-activation output), masks it
// with (y > 0) when fused, and WRITES dW and db into the flat gradient buffer at the same
// offsets; dx is computed only when an input gradient buffer is given. An inferenceOnly layer
// (evaluation) builds the forward kernel alone.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor, type Dispatch } from '../gpu/kernel.ts';
import { linearIndex } from '../gpu/wgsl-lib.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of the dense kernels (each computes a 4x4 block). */
export const DENSE_WORKGROUP_SIZE = 64;
/** Side of each invocation's register block (written into the shaders as 4). */
const BLOCK = 4;

export interface DenseConfig {
  name: string;
  batch: number;
  inFeatures: number;
  outFeatures: number;
  relu: boolean;
  /** Offset (floats) of W (in, out) in the flat params/grads buffers. */
  weightOffset: number;
  /** Offset (floats) of b (out) in the flat params/grads buffers. */
  biasOffset: number;
  /**
   * Evaluation only: the forward kernel alone (no backward pipelines or bind groups; `backward`
   * is empty), and `grads` / `outputGrad` / `inputGrad` are not needed.
   */
  inferenceOnly?: boolean;
  /**
   * With `relu`: outputGrad is already dL/d(pre-activation), i.e. the ReLU derivative is applied
   * (src/layers/dropout-relu.ts writes it), so the backward kernels skip the (y > 0) mask.
   */
  outputGradMasked?: boolean;
}

export interface DenseBuffers {
  /** (B, in) f32 */
  input: GPUBuffer;
  /** (B, out) f32, post-activation */
  output: GPUBuffer;
  /** flat f32 parameter buffer */
  params: GPUBuffer;
  /** flat f32 gradient buffer (dW, db written at the same offsets); required unless inferenceOnly */
  grads?: GPUBuffer;
  /** (B, out) f32, dL/d output (post-activation); required unless inferenceOnly */
  outputGrad?: GPUBuffer;
  /** (B, in) f32, dL/d input; omit to skip computing it (first layer, inferenceOnly) */
  inputGrad?: GPUBuffer;
}

const forwardLayout = tgpu.bindGroupLayout({
  input: { storage: d.arrayOf(d.f32), access: 'readonly' },
  params: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

const backwardInputLayout = tgpu.bindGroupLayout({
  outputGrad: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'readonly' },
  params: { storage: d.arrayOf(d.f32), access: 'readonly' },
  inputGrad: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

const backwardWeightsLayout = tgpu.bindGroupLayout({
  input: { storage: d.arrayOf(d.f32), access: 'readonly' },
  outputGrad: { storage: d.arrayOf(d.f32), access: 'readonly' },
  output: { storage: d.arrayOf(d.f32), access: 'readonly' },
  grads: { storage: d.arrayOf(d.f32), access: 'mutable' },
});

export type DensePlan = LayerPlan & {
  /** Evaluation forward: the same dispatch as `forward` (dense has no training-only state). */
  inference: Dispatch[];
};

const tiles = (n: number) => Math.ceil(n / BLOCK);

export function createDense(ctx: GpuContext, config: DenseConfig, buffers: DenseBuffers): DensePlan {
  const { name, batch, inFeatures: IN, outFeatures: OUT, relu, weightOffset, biasOffset, inferenceOnly = false } = config;
  for (const [k, v] of Object.entries({ batch, IN, OUT })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  for (const [k, v] of Object.entries({ weightOffset, biasOffset })) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name}: bad ${k} ${v}`);
  }
  const shape = { WORKGROUP_SIZE: DENSE_WORKGROUP_SIZE, BATCH: batch, IN, OUT, RELU: relu ? 1 : 0 };
  // Backward kernels apply the ReLU mask themselves unless the output gradient comes masked.
  const backwardShape = { ...shape, RELU: relu && !config.outputGradMasked ? 1 : 0 };

  const fwd = new Kernel(ctx.root, {
    shader: 'dense_forward',
    layout: forwardLayout,
    constants: { ...shape, W_OFFSET: weightOffset, B_OFFSET: biasOffset },
    externals: { linearIndex },
    variant: name,
  });
  const [fx, fy] = gridFor(tiles(batch) * tiles(OUT), DENSE_WORKGROUP_SIZE, `${name} forward`);
  const forward = [
    fwd.dispatch(
      fwd.bind({ input: buffers.input, params: buffers.params, output: buffers.output }),
      fx,
      fy,
      1,
      `${name}.forward`,
    ),
  ];
  if (inferenceOnly) return { forward, backward: [], inference: forward, destroy: () => {} };

  const { grads, outputGrad, inputGrad } = buffers;
  if (!grads || !outputGrad) throw new Error(`${name}: grads and outputGrad are required unless inferenceOnly`);
  const backward: Dispatch[] = [];
  if (inputGrad) {
    const bwdX = new Kernel(ctx.root, {
      shader: 'dense_backward_input',
      layout: backwardInputLayout,
      constants: { ...backwardShape, W_OFFSET: weightOffset },
      externals: { linearIndex },
      variant: name,
    });
    const [xx, xy] = gridFor(tiles(batch) * tiles(IN), DENSE_WORKGROUP_SIZE, `${name} backward input`);
    backward.push(
      bwdX.dispatch(
        bwdX.bind({ outputGrad, output: buffers.output, params: buffers.params, inputGrad }),
        xx,
        xy,
        1,
        `${name}.backward_input`,
      ),
    );
  }
  const bwdW = new Kernel(ctx.root, {
    shader: 'dense_backward_weights',
    layout: backwardWeightsLayout,
    constants: { ...backwardShape, W_OFFSET: weightOffset, B_OFFSET: biasOffset },
    externals: { linearIndex },
    variant: name,
  });
  const [wx, wy] = gridFor(tiles(IN) * tiles(OUT), DENSE_WORKGROUP_SIZE, `${name} backward weights`);
  backward.push(
    bwdW.dispatch(
      bwdW.bind({ input: buffers.input, outputGrad, output: buffers.output, grads }),
      wx,
      wy,
      1,
      `${name}.backward_weights`,
    ),
  );
  return { forward, backward, inference: forward, destroy: () => {} };
}
