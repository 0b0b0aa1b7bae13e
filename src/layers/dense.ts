// Dense (fully connected), Keras semantics: y = act(x W + b) with W [in, out] and b [out] read
// from the flat parameter buffer at their PARAMS offsets, b only when `useBias`, and act a fused
// elementwise activation (linear, relu, sigmoid, tanh; the stored output is post-activation).
// Backward takes dy = dL/d(post-activation output), applies the activation's derivative through
// the stored output y (relu: masks with y > 0), and WRITES dW (and db when `useBias`) into the
// flat gradient buffer at the same offsets; dx is computed only when an input gradient buffer is
// given. An inferenceOnly layer
// (evaluation) builds the forward kernel alone.
// Two implementations are kept side by side (DenseVariant): 'tile4x4' (dense_forward,
// dense_backward_input, dense_backward_weights: 4x4 blocks from scalar loads, any shape) and
// 'tile16x16' (the *_tile16x16 shaders: 16x16 blocks from vec4 loads, which need IN, OUT and
// both offsets to be multiples of 4); defaultDenseVariant says which one a layer gets.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor, type Dispatch } from '../gpu/kernel.ts';
import { activationVecLib, linearIndex } from '../gpu/wgsl-lib.ts';
import { activationCode, ELEMENTWISE_ACTIVATIONS, type ElementwiseActivation } from '../model/activations.ts';
import type { GpuContext, LayerPlan } from './types.ts';

/** Invocations per workgroup of every dense kernel (both variants). */
export const DENSE_WORKGROUP_SIZE = 64;

/** Implementation of all three kernels of a layer (see the header). */
export type DenseVariant = 'tile4x4' | 'tile16x16';
export const DENSE_VARIANTS: readonly DenseVariant[] = ['tile4x4', 'tile16x16'];

/** Side of each invocation's register block per variant (the shaders hard-code it). */
const BLOCK: Record<DenseVariant, number> = { tile4x4: 4, tile16x16: 16 };
/** Shader files per variant. */
const SHADERS: Record<DenseVariant, { forward: string; input: string; weights: string }> = {
  tile4x4: { forward: 'dense_forward', input: 'dense_backward_input', weights: 'dense_backward_weights' },
  tile16x16: {
    forward: 'dense_forward_tile16x16',
    input: 'dense_backward_input_tile16x16',
    weights: 'dense_backward_weights_tile16x16',
  },
};

export interface DenseOptions {
  /** Kernels to use (default: defaultDenseVariant). */
  variant?: DenseVariant;
}

/** Whether a layer's shape allows `variant` ('tile16x16' views x, y, W, b and the gradients as vec4). */
export function denseVariantAllowed(c: DenseConfig, variant: DenseVariant): boolean {
  if (variant === 'tile4x4') return true;
  const aligned = [c.inFeatures, c.outFeatures, c.weightOffset];
  if (c.useBias) aligned.push(c.biasOffset ?? 0);
  return aligned.every((v) => v % 4 === 0);
}

/**
 * The promoted variant: 'tile16x16' wherever the shape allows it, else 'tile4x4' (the 128->10
 * layer: OUT = 10). On SwiftShader a vec4 storage load costs about 20 ns per invocation and a
 * multiply-add about 0.6 ns; 'tile16x16' does 8 multiply-adds per loaded float, 'tile4x4' 2.
 * The model's 1600->128 layer at batch 128, `npm run bench -- --quick` on a loaded 2-core
 * machine: forward 67 -> 26 ms, backward input 82 -> 26 ms, backward weights 80 -> 32 ms;
 * interleaved Node runs gave 2-2.6x for each kernel. 8x8 blocks gained only 1.1-1.5x; 32x16
 * blocks were up to 20% faster again than 16x16 but leave 32 forward invocations at batch 128.
 */
export function defaultDenseVariant(c: DenseConfig): DenseVariant {
  return denseVariantAllowed(c, 'tile16x16') ? 'tile16x16' : 'tile4x4';
}

export interface DenseConfig {
  name: string;
  batch: number;
  inFeatures: number;
  outFeatures: number;
  /** Fused elementwise activation (Keras's `activation`). */
  activation: ElementwiseActivation;
  /** Keras's `use_bias`: false means no b is read and no db written. */
  useBias: boolean;
  /** Offset (floats) of W (in, out) in the flat params/grads buffers. */
  weightOffset: number;
  /** Offset (floats) of b (out) in the flat params/grads buffers; required when useBias. */
  biasOffset?: number;
  /**
   * Evaluation only: the forward kernel alone (no backward pipelines or bind groups; `backward`
   * is empty), and `grads` / `outputGrad` / `inputGrad` are not needed.
   */
  inferenceOnly?: boolean;
  /**
   * outputGrad is already dL/d(pre-activation), i.e. the activation's derivative is applied (for
   * relu src/layers/dropout-relu.ts writes it), so the backward kernels skip it (the (y > 0) mask).
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

/**
 * The three kernels' bind group layouts with every array viewed as `element`: f32 for
 * 'tile4x4', vec4f for 'tile16x16' (every offset and row length a multiple of 4 floats).
 */
function denseLayouts<T extends d.F32 | d.Vec4f>(element: T) {
  const array = d.arrayOf(element);
  return {
    forward: tgpu.bindGroupLayout({
      input: { storage: array, access: 'readonly' },
      params: { storage: array, access: 'readonly' },
      output: { storage: array, access: 'mutable' },
    }),
    input: tgpu.bindGroupLayout({
      outputGrad: { storage: array, access: 'readonly' },
      output: { storage: array, access: 'readonly' },
      params: { storage: array, access: 'readonly' },
      inputGrad: { storage: array, access: 'mutable' },
    }),
    weights: tgpu.bindGroupLayout({
      input: { storage: array, access: 'readonly' },
      outputGrad: { storage: array, access: 'readonly' },
      output: { storage: array, access: 'readonly' },
      grads: { storage: array, access: 'mutable' },
    }),
  };
}

const LAYOUTS_F32 = denseLayouts(d.f32);
const LAYOUTS_VEC4 = denseLayouts(d.vec4f);

export type DensePlan = LayerPlan & {
  /** Evaluation forward: the same dispatch as `forward` (dense has no training-only state). */
  inference: Dispatch[];
};

export function createDense(ctx: GpuContext, config: DenseConfig, buffers: DenseBuffers, options: DenseOptions = {}): DensePlan {
  const { name, batch, inFeatures: IN, outFeatures: OUT, activation, useBias, weightOffset, inferenceOnly = false } = config;
  for (const [k, v] of Object.entries({ batch, IN, OUT })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: bad ${k} ${v}`);
  }
  if (!ELEMENTWISE_ACTIVATIONS.includes(activation)) {
    throw new Error(`${name}: activation must be one of ${ELEMENTWISE_ACTIVATIONS.join(', ')} (got ${String(activation)})`);
  }
  if (typeof useBias !== 'boolean') throw new Error(`${name}: useBias must be true or false (got ${String(useBias)})`);
  if (useBias && config.biasOffset === undefined) throw new Error(`${name}: useBias needs a biasOffset`);
  const biasOffset = useBias ? (config.biasOffset as number) : 0;
  for (const [k, v] of Object.entries({ weightOffset, biasOffset })) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name}: bad ${k} ${v}`);
  }
  const variant = options.variant ?? defaultDenseVariant(config);
  if (!DENSE_VARIANTS.includes(variant)) throw new Error(`${name}: unknown dense variant ${variant}`);
  if (!denseVariantAllowed(config, variant)) {
    throw new Error(`${name}: variant ${variant} needs IN, OUT and both offsets to be multiples of 4 (${IN}, ${OUT}, ${weightOffset}, ${biasOffset})`);
  }
  const wide = variant === 'tile16x16';
  const shaders = SHADERS[variant];
  const tiles = (n: number) => Math.ceil(n / BLOCK[variant]);
  const shape = { WORKGROUP_SIZE: DENSE_WORKGROUP_SIZE, BATCH: batch, IN, OUT, ACT: activationCode(activation) };
  // Backward kernels apply the activation's derivative themselves unless the output gradient
  // comes through it already (then they see a linear activation).
  const backwardShape = { ...shape, ACT: activationCode(config.outputGradMasked ? 'linear' : activation) };
  const bias = { USE_BIAS: useBias ? 1 : 0, B_OFFSET: biasOffset };

  // The two variants' layouts differ only in the arrays' element type (f32 / vec4f); the
  // resources are the same raw buffers, so one typed path builds both.
  const layouts = wide ? (LAYOUTS_VEC4 as unknown as typeof LAYOUTS_F32) : LAYOUTS_F32;
  const fwd = new Kernel(ctx.root, {
    shader: shaders.forward,
    layout: layouts.forward,
    constants: { ...shape, ...bias, W_OFFSET: weightOffset },
    externals: { linearIndex, ...activationVecLib },
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
      shader: shaders.input,
      layout: layouts.input,
      constants: { ...backwardShape, W_OFFSET: weightOffset },
      externals: { linearIndex, ...activationVecLib },
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
    shader: shaders.weights,
    layout: layouts.weights,
    constants: { ...backwardShape, ...bias, W_OFFSET: weightOffset },
    externals: { linearIndex, ...activationVecLib },
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
