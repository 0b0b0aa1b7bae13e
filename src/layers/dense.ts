// Dense (fully connected), Keras semantics: y = act(x W + b) with W [in, out] and b [out] read
// from the flat parameter buffer at their PARAMS offsets, b only when `useBias`, and act a fused
// elementwise activation (linear, relu, sigmoid, tanh; the stored output is post-activation).
// Backward takes dy = dL/d(post-activation output), applies the activation's derivative through
// the stored output y (relu: masks with y > 0), and WRITES dW (and db when `useBias`) into the
// flat gradient buffer at the same offsets; dx is computed only when an input gradient buffer is
// given. An inferenceOnly layer
// (evaluation) builds the forward kernel alone.
// Each of the three kernels comes from the registry (DENSE_KERNELS below, in the fixed rule's
// order): 'tile16x16' (16x16 blocks from vec4 loads, which need IN, OUT and both offsets to be
// multiples of 4) or 'tile4x4' (4x4 blocks from scalar loads, any shape), chosen per pass by a
// KernelChooser (default: the fixed rules).
import tgpu, { type TgpuBindGroupLayout } from 'typegpu';
import * as d from 'typegpu/data';
import type { Dispatch, Entries, Kernel } from '../gpu/kernel.ts';
import { layerBatchSize, type BatchSize } from '../gpu/batch-size.ts';
import { activationCode, ELEMENTWISE_ACTIVATIONS, type ElementwiseActivation } from '../model/activations.ts';
import { entryDispatch, entryKernel, FIXED_RULES, type KernelChooser, type KernelEntry } from '../gpu/kernel-registry.ts';
import type { GpuContext, LayerPlan } from './types.ts';
import { denseGemmEntry } from './gemm/dense-gemm-kernels.ts';
import type { GemmTile } from '../gpu/gemm/gemm-tile.ts';

/** Invocations per workgroup of every dense kernel (both variants). */
export const DENSE_WORKGROUP_SIZE = 64;

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
  /** The batch size the kernels read (default: one of the layer's own holding B). */
  batchSize?: BatchSize;
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

/** A dense kernel: `wide` ones view every array as vec4f. */
type DenseEntry = KernelEntry<DenseConfig> & { wide: boolean };

/** Side of each invocation's register block (the shaders hard-code it). */
const BLOCK = { tile4x4: 4, tile16x16: 16 } as const;
type DenseVariant = keyof typeof BLOCK;

const biasOffsetOf = (c: DenseConfig) => (c.useBias ? (c.biasOffset ?? 0) : 0);

/** Why 'tile16x16' cannot serve `c` (it views x, y, W, b and the gradients as vec4), or true. */
function vec4Aligned(c: DenseConfig): true | string {
  const aligned = [c.inFeatures, c.outFeatures, c.weightOffset];
  if (c.useBias) aligned.push(biasOffsetOf(c));
  return aligned.every((v) => v % 4 === 0) || `needs IN, OUT and both offsets to be multiples of 4 (${c.inFeatures}, ${c.outFeatures}, ${c.weightOffset}, ${biasOffsetOf(c)})`;
}

const mm = (c: DenseConfig) => c.batch * c.inFeatures * c.outFeatures;
const denseShape = (c: DenseConfig) => `(${c.batch},${c.inFeatures})x(${c.inFeatures},${c.outFeatures})`;
const shapeConstants = (c: DenseConfig, act: ElementwiseActivation) => ({
  WORKGROUP_SIZE: DENSE_WORKGROUP_SIZE, IN: c.inFeatures, OUT: c.outFeatures, ACT: activationCode(act),
});
const biasConstants = (c: DenseConfig) => ({ USE_BIAS: c.useBias ? 1 : 0, B_OFFSET: biasOffsetOf(c) });
/** The backward kernels apply the activation's derivative unless the output gradient comes through it already. */
const backwardActivation = (c: DenseConfig): ElementwiseActivation => (c.outputGradMasked ? 'linear' : c.activation);

const PASSES = {
  forward: {
    shader: 'dense_forward',
    constants: (c: DenseConfig) => ({ ...shapeConstants(c, c.activation), ...biasConstants(c), W_OFFSET: c.weightOffset }),
    tiles: (c: DenseConfig, t: (n: number) => number) => t(c.batch) * t(c.outFeatures),
    cost: (c: DenseConfig) => {
      const { batch: B, inFeatures: I, outFeatures: O } = c;
      return { shape: denseShape(c), flops: 2 * mm(c) + 2 * B * O, bytes: 4 * (B * I + I * O + O + B * O) };
    },
  },
  'backward-input': {
    shader: 'dense_backward_input',
    constants: (c: DenseConfig) => ({ ...shapeConstants(c, backwardActivation(c)), W_OFFSET: c.weightOffset }),
    tiles: (c: DenseConfig, t: (n: number) => number) => t(c.batch) * t(c.inFeatures),
    cost: (c: DenseConfig) => {
      const { batch: B, inFeatures: I, outFeatures: O } = c;
      return { shape: denseShape(c), flops: 2 * mm(c), bytes: 4 * (2 * B * O + I * O + B * I) };
    },
  },
  'backward-weights': {
    shader: 'dense_backward_weights',
    constants: (c: DenseConfig) => ({ ...shapeConstants(c, backwardActivation(c)), ...biasConstants(c), W_OFFSET: c.weightOffset }),
    tiles: (c: DenseConfig, t: (n: number) => number) => t(c.inFeatures) * t(c.outFeatures),
    cost: (c: DenseConfig) => {
      const { batch: B, inFeatures: I, outFeatures: O } = c;
      return { shape: denseShape(c), flops: 2 * mm(c) + B * O, bytes: 4 * (B * I + 2 * B * O + I * O + O) };
    },
  },
} as const;

function denseEntry(pass: keyof typeof PASSES, variant: DenseVariant): DenseEntry {
  const p = PASSES[pass];
  const wide = variant === 'tile16x16';
  const tiles = (n: number) => Math.ceil(n / BLOCK[variant]);
  return {
    id: `dense.${pass}.${variant}`,
    layerType: 'Dense',
    pass,
    shaders: [wide ? `${p.shader}_tile16x16` : p.shader],
    workgroupSize: DENSE_WORKGROUP_SIZE,
    wide,
    supports: wide ? vec4Aligned : () => true,
    constants: p.constants,
    items: (c) => p.tiles(c, tiles),
    cost: p.cost,
  };
}

/**
 * Per pass, 'tile16x16' wherever the shape allows it, else 'tile4x4' (the seed network's
 * 128->10 layer: OUT = 10). On SwiftShader a vec4 storage load costs about 20 ns per invocation and a multiply-add
 * about 0.6 ns; 'tile16x16' does 8 multiply-adds per loaded float, 'tile4x4' 2. The model's
 * 1600->128 layer at batch 128, `npm run bench -- --quick` on a loaded 2-core machine: forward
 * 67 -> 26 ms, backward input 82 -> 26 ms, backward weights 80 -> 32 ms; interleaved Node runs
 * gave 2-2.6x for each kernel. 8x8 blocks gained only 1.1-1.5x; 32x16 blocks were up to 20%
 * faster again than 16x16 but leave 32 forward invocations at batch 128.
 */
export const DENSE_KERNELS: readonly DenseEntry[] = (['forward', 'backward-input', 'backward-weights'] as const).flatMap((pass) => [
  denseEntry(pass, 'tile16x16'),
  denseEntry(pass, 'tile4x4'),
]);

/** A generated GEMM entry of `pass` (src/layers/gemm/), over the f32 layouts and with the pass's costs. */
function denseGemm(pass: keyof typeof PASSES, tile: GemmTile): DenseEntry {
  return { ...denseGemmEntry<DenseConfig>(pass, tile, { constants: PASSES[pass].constants, cost: PASSES[pass].cost }), wide: false };
}

/**
 * Dense as generated GEMMs: 8x8 per invocation from direct loads, and 4x4 from tiles staged in
 * workgroup memory. Not in DENSE_KERNELS (so neither the fixed rules nor the tuner offer them):
 * on SwiftShader (bench/gemm-slots.gpu.ts, lenet5 at batch 128, one run) neither beat
 * 'tile16x16' where it applies (400->120 forward 6.6-6.9 against 4.3-5.2 ms, weight gradient
 * 15-105 against 6.5-7.1 ms, two runs) nor 'tile4x4' on the 84->10 layer (forward 0.50 against
 * 0.25 ms), and every extra candidate
 * costs each tuning a plan build. A layer takes them through DenseOptions.entries.
 */
export const DENSE_GEMM_KERNELS: readonly DenseEntry[] = (['forward', 'backward-input', 'backward-weights'] as const).flatMap((pass) => [
  denseGemm(pass, { tm: 64, tn: 32, tk: 1, rm: 8, rn: 8, shared: false }),
  denseGemm(pass, { tm: 32, tn: 32, tk: 8, rm: 4, rn: 4, shared: true }),
]);

export interface DenseOptions {
  /** Picks each pass's kernel (default: the fixed rules). */
  kernels?: KernelChooser;
  /** The alternatives it picks among (default: DENSE_KERNELS). */
  entries?: readonly DenseEntry[];
}

/** The kernel `entry` for one layer with the layouts its element type needs. */
function denseKernel<E extends Entries>(ctx: GpuContext, entry: DenseEntry, config: DenseConfig, pick: (layouts: typeof LAYOUTS_F32) => TgpuBindGroupLayout<E>): Kernel<E> {
  // The two element types' layouts differ only in the arrays' element type (f32 / vec4f); the
  // resources are the same raw buffers, so one typed path builds both.
  const layouts = entry.wide ? (LAYOUTS_VEC4 as unknown as typeof LAYOUTS_F32) : LAYOUTS_F32;
  return entryKernel(ctx.root, entry, config, { layout: pick(layouts), variant: config.name });
}

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
  for (const [k, v] of Object.entries({ weightOffset, biasOffset: biasOffsetOf(config) })) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name}: bad ${k} ${v}`);
  }
  const kernels = options.kernels ?? FIXED_RULES;
  const entries = options.entries ?? DENSE_KERNELS;
  const size = layerBatchSize(ctx.root, batch, buffers.batchSize);

  const fwdEntry = kernels.choose(name, entries, 'forward', config);
  const fwd = denseKernel(ctx, fwdEntry, config, (l) => l.forward);
  const forward = [
    entryDispatch(fwd, fwdEntry, config, fwd.bind({ input: buffers.input, params: buffers.params, output: buffers.output }), size.size, `${name}.forward`),
  ];
  if (inferenceOnly) return { forward, backward: [], inference: forward, destroy: size.destroy };

  const { grads, outputGrad, inputGrad } = buffers;
  if (!grads || !outputGrad) throw new Error(`${name}: grads and outputGrad are required unless inferenceOnly`);
  const backward: Dispatch[] = [];
  if (inputGrad) {
    const entry = kernels.choose(name, entries, 'backward-input', config);
    const bwdX = denseKernel(ctx, entry, config, (l) => l.input);
    const bind = bwdX.bind({ outputGrad, output: buffers.output, params: buffers.params, inputGrad });
    backward.push(entryDispatch(bwdX, entry, config, bind, size.size, `${name}.backward_input`));
  }
  const entry = kernels.choose(name, entries, 'backward-weights', config);
  const bwdW = denseKernel(ctx, entry, config, (l) => l.weights);
  const bind = bwdW.bind({ input: buffers.input, outputGrad, output: buffers.output, grads });
  backward.push(entryDispatch(bwdW, entry, config, bind, size.size, `${name}.backward_weights`));
  return { forward, backward, inference: forward, destroy: size.destroy };
}
