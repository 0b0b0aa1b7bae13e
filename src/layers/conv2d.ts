// Conv2D layer (3x3 kernel, valid padding, stride 1, bias, fused ReLU), NHWC activations and
// HWIO kernel in the flat parameter buffer. Builds, once per shape, the forward dispatch and
// the backward dispatches:
//   mask:    g = dy * (y > 0)                                        (scratch, (B,Ho,Wo,Cout))
//   filter:  split-K partial sums of dk and db over chunks of the (used) output positions
//   reduce:  sums the chunks and writes dk, db into `grads`
//   input:   dx (only when an inputGrad buffer is given); the kernels that read vec4s over ci
//            first get the kernel transposed to (3,3,Cout,Cin4).
// Which kernel serves each pass comes from the registry (src/layers/conv2d-kernels.ts: the
// alternatives, what each supports, their constants, dispatch sizes and costs) through a
// KernelChooser (default: the fixed rules).
// A layer whose output feeds a floor 2x2 max-pool can declare the region the pool reads
// (usedOutputHeight/Width): the kernels that can then skip the positions outside it, whose
// gradient is zero.
// An inferenceOnly layer (evaluation) builds the forward alone: no backward kernels, bind groups
// or scratch buffers. An inference-only layer with one input channel can also take the floor 2x2
// max-pool after it (`pooledOutput`): 'cin1pool' computes conv + bias + ReLU + pool in one pass
// and never stores the conv output.
import tgpu, { type TgpuBindGroupLayout } from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor, type Dispatch, type Entries } from '../gpu/kernel.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import { dispatchKernel, entryKernel, FIXED_RULES, type EntryKernelOptions, type KernelChooser, type KernelEntry } from '../gpu/kernel-registry.ts';
import {
  CONV_K,
  CONV2D_FILTER_KERNELS,
  CONV2D_FORWARD_KERNELS,
  CONV2D_INPUT_KERNELS,
  CONV2D_MASK_KERNEL,
  CONV2D_POOLED_KERNEL,
  CONV2D_REDUCE_KERNEL,
  CONV2D_TRANSPOSE_KERNEL,
  conv2dShape,
  inputTileGrid,
  transposedKernelLength,
  TILE6X6_INPUT_ID,
  type Conv2dConfig,
  type Conv2dInputEntry,
} from './conv2d-kernels.ts';
import type { GpuContext, LayerPlan } from './types.ts';

export * from './conv2d-kernels.ts';

export interface Conv2dBuffers {
  input: GPUBuffer /* (B,H,W,Cin) */;
  output?: GPUBuffer /* (B,H-2,W-2,Cout) post-ReLU; required unless pooledOutput is given */;
  /**
   * (B, floor((H-2)/2), floor((W-2)/2), Cout): the floor 2x2 max-pool of the post-ReLU output,
   * written by the fused 'cin1pool' kernel instead of `output`. Only for an inferenceOnly layer
   * with one input channel.
   */
  pooledOutput?: GPUBuffer;
  params: GPUBuffer;
  grads?: GPUBuffer /* required unless inferenceOnly */;
  outputGrad?: GPUBuffer /* (B,H-2,W-2,Cout) dL/d(output), required unless inferenceOnly */;
  inputGrad?: GPUBuffer /* (B,H,W,Cin), omitted for the first layer and when inferenceOnly */;
}

export interface Conv2dOptions {
  /** Picks each pass's kernel (default: the fixed rules). */
  kernels?: KernelChooser;
  /** Rewrites the forward kernel's WGSL template (the bench's arithmetic-floor probe only). */
  rewriteForwardSource?: (template: string) => string;
}

const f32Array = d.arrayOf(d.f32);
const vec4Array = d.arrayOf(d.vec4f);

const forwardLayout = tgpu.bindGroupLayout({
  x: { storage: f32Array, access: 'readonly' },
  params: { storage: vec4Array, access: 'readonly' },
  y: { storage: vec4Array, access: 'mutable' },
});
const maskLayout = tgpu.bindGroupLayout({
  y: { storage: vec4Array, access: 'readonly' },
  dy: { storage: vec4Array, access: 'readonly' },
  g: { storage: vec4Array, access: 'mutable' },
});
const filterLayout = tgpu.bindGroupLayout({
  x: { storage: f32Array, access: 'readonly' },
  g: { storage: vec4Array, access: 'readonly' },
  partials: { storage: vec4Array, access: 'mutable' },
});
const reduceLayout = tgpu.bindGroupLayout({
  partials: { storage: vec4Array, access: 'readonly' },
  grads: { storage: vec4Array, access: 'mutable' },
});
const transposeLayout = tgpu.bindGroupLayout({
  params: { storage: f32Array, access: 'readonly' },
  kT: { storage: f32Array, access: 'mutable' },
});
const inputTransposedLayout = tgpu.bindGroupLayout({
  g: { storage: f32Array, access: 'readonly' },
  kT: { storage: vec4Array, access: 'readonly' },
  dx: { storage: f32Array, access: 'mutable' },
});
const inputDirectLayout = tgpu.bindGroupLayout({
  g: { storage: vec4Array, access: 'readonly' },
  params: { storage: vec4Array, access: 'readonly' },
  dx: { storage: f32Array, access: 'mutable' },
});

export function validateConv2dConfig(c: Conv2dConfig): void {
  const ints: Array<keyof Conv2dConfig> = ['batch', 'height', 'width', 'inChannels', 'outChannels', 'kernelOffset', 'biasOffset'];
  for (const k of ints) {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < 0) throw new Error(`conv2d ${c.name}: ${k} must be a non-negative integer (got ${v})`);
  }
  if (c.batch < 1 || c.inChannels < 1 || c.outChannels < 1) throw new Error(`conv2d ${c.name}: batch and channel counts must be >= 1`);
  if (c.height < CONV_K || c.width < CONV_K) {
    throw new Error(`conv2d ${c.name}: input ${c.height}x${c.width} is smaller than the ${CONV_K}x${CONV_K} kernel`);
  }
  if (c.outChannels % 4 !== 0) {
    throw new Error(`conv2d ${c.name}: outChannels must be a multiple of 4 (vec4 kernels), got ${c.outChannels}`);
  }
  for (const [k, full] of [['usedOutputHeight', c.height - CONV_K + 1], ['usedOutputWidth', c.width - CONV_K + 1]] as const) {
    const v = c[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > full)) {
      throw new Error(`conv2d ${c.name}: ${k} must be an integer in 1..${full} (got ${v})`);
    }
  }
  if (c.kernelOffset % 4 !== 0 || c.biasOffset % 4 !== 0) {
    throw new Error(`conv2d ${c.name}: kernelOffset and biasOffset must be multiples of 4 floats (vec4 loads)`);
  }
}

/**
 * The 'cin1pool' evaluation forward: conv + bias + ReLU + floor 2x2 max-pool into `pooled`
 * (B, floor(Ho/2), floor(Wo/2), Cout) in one dispatch, the conv output never stored.
 */
function createPooledInference(
  ctx: GpuContext,
  config: Conv2dConfig,
  input: GPUBuffer,
  params: GPUBuffer,
  pooled: GPUBuffer,
  kernels: KernelChooser,
): LayerPlan & { inference: Dispatch[] } {
  const { name } = config;
  if (!config.inferenceOnly) throw new Error(`conv2d ${name}: pooledOutput (fused pooling) is for inferenceOnly layers`);
  const entry = kernels.choose(name, [CONV2D_POOLED_KERNEL], 'inference', config);
  const kernel = buildKernel(ctx, entry, config, forwardLayout);
  const grid = gridFor(entry.items(config), entry.workgroupSize, `${name}/forward_pooled`);
  const dispatch = kernel.dispatch(kernel.bind({ x: input, params, y: pooled }), grid[0], grid[1], 1, `${name}/forward_pooled`);
  return { forward: [dispatch], inference: [dispatch], backward: [], destroy() {} };
}

/** An entry's kernel for this layer (labelled with the layer's name unless `variant` says otherwise). */
function buildKernel<C extends Conv2dConfig, E extends Entries>(
  ctx: GpuContext,
  entry: KernelEntry<C>,
  config: C,
  layout: TgpuBindGroupLayout<E>,
  options: Omit<EntryKernelOptions<E>, 'layout' | 'externals'> = {},
): Kernel<E> {
  return entryKernel(ctx.root, entry, config, { variant: config.name, ...options, layout });
}

/** One prepared dispatch of `kernel` over `items` invocations. */
function dispatchOver<E extends Entries>(kernel: Kernel<E>, bindGroup: GPUBindGroup, items: number, workgroupSize: number, label: string): Dispatch {
  const [x, y] = gridFor(items, workgroupSize, label);
  return kernel.dispatch(bindGroup, x, y, 1, label);
}

export function createConv2d(
  ctx: GpuContext,
  config: Conv2dConfig,
  buffers: Conv2dBuffers,
  options: Conv2dOptions = {},
): LayerPlan & { inference: Dispatch[] } {
  validateConv2dConfig(config);
  const kernels = options.kernels ?? FIXED_RULES;
  const { device } = ctx;
  const { name, outChannels: COUT } = config;
  const s = conv2dShape(config);
  const label = (pass: string) => `${name}/${pass}`;

  if (buffers.pooledOutput) return createPooledInference(ctx, config, buffers.input, buffers.params, buffers.pooledOutput, kernels);
  if (!buffers.output) throw new Error(`conv2d ${name}: an output buffer is required (or pooledOutput, for a pooled inference layer)`);

  // Forward.
  const forwardEntry = kernels.choose(name, CONV2D_FORWARD_KERNELS, 'forward', config);
  const forward = buildKernel(ctx, forwardEntry, config, forwardLayout, { rewriteSource: options.rewriteForwardSource });
  const forwardDispatch = dispatchOver(
    forward,
    forward.bind({ x: buffers.input, params: buffers.params, y: buffers.output }),
    forwardEntry.items(config),
    forwardEntry.workgroupSize,
    label('forward'),
  );

  if (config.inferenceOnly) return { forward: [forwardDispatch], inference: [forwardDispatch], backward: [], destroy() {} };
  const { grads, outputGrad, inputGrad } = buffers;
  if (!grads || !outputGrad) throw new Error(`conv2d ${name}: grads and outputGrad are required unless inferenceOnly`);

  // Backward scratch: masked gradient (unless the caller gives it already masked) and the
  // filter partial sums.
  const filterEntry = kernels.choose(name, CONV2D_FILTER_KERNELS, 'backward-filter', config);
  const split = filterEntry.split(config);
  const ownG = !config.outputGradMasked;
  const gBuffer = ownG ? createStorageBuffer(device, s.positions * COUT * 4, label('g')) : outputGrad; // (B, Ho, Wo, Cout)
  const partials = createStorageBuffer(device, split.chunks * s.partialRow * 4, label('partials')); // (chunks, 9*Cin*Cout + Cout)

  const backward: Dispatch[] = [];
  if (ownG) {
    const maskEntry = kernels.choose(name, [CONV2D_MASK_KERNEL], 'backward-mask', config);
    const mask = buildKernel(ctx, maskEntry, config, maskLayout);
    backward.push(dispatchOver(mask, mask.bind({ y: buffers.output, dy: outputGrad, g: gBuffer }), maskEntry.items(config), maskEntry.workgroupSize, label('backward_mask')));
  }

  const filter = buildKernel(ctx, filterEntry, config, filterLayout);
  backward.push(dispatchOver(filter, filter.bind({ x: buffers.input, g: gBuffer, partials }), filterEntry.items(config), filterEntry.workgroupSize, label('backward_filter')));

  const reduceConfig = { ...config, chunks: split.chunks };
  const reduceEntry = kernels.choose(name, [CONV2D_REDUCE_KERNEL], 'backward-reduce', reduceConfig);
  const reduce = buildKernel(ctx, reduceEntry, reduceConfig, reduceLayout);
  backward.push(dispatchOver(reduce, reduce.bind({ partials, grads }), reduceEntry.items(reduceConfig), reduceEntry.workgroupSize, label('backward_filter_reduce')));

  let kT: GPUBuffer | undefined;
  if (inputGrad) {
    const inputEntry = kernels.choose(name, CONV2D_INPUT_KERNELS, 'backward-input', config);
    if (inputEntry.readsHwio) {
      const input = buildKernel(ctx, inputEntry, config, inputDirectLayout);
      const bind = input.bind({ g: gBuffer, params: buffers.params, dx: inputGrad });
      backward.push(dispatchOver(input, bind, inputEntry.items(config), inputEntry.workgroupSize, label('backward_input')));
    } else {
      const transposeEntry = kernels.choose(name, [CONV2D_TRANSPOSE_KERNEL], 'backward-transpose', config);
      kT = createStorageBuffer(device, transposedKernelLength(config) * 4, label('kT')); // (3, 3, Cout, Cin4)
      const transpose = buildKernel(ctx, transposeEntry, config, transposeLayout);
      const bindT = transpose.bind({ params: buffers.params, kT });
      backward.push(dispatchOver(transpose, bindT, transposeEntry.items(config), transposeEntry.workgroupSize, label('backward_kernel_transpose')));
      backward.push(...inputDispatches(ctx, config, inputEntry, { g: gBuffer, kT, dx: inputGrad }));
    }
  }

  return {
    forward: [forwardDispatch],
    inference: [forwardDispatch],
    backward,
    destroy() {
      if (ownG) gBuffer.destroy();
      partials.destroy();
      kT?.destroy();
    },
  };
}

/**
 * The dx dispatches of an entry that reads the transposed kernel: one, or for 'tile6x6' one per
 * tile class (same window rows/columns outside the used region, compiled out through the
 * class's constants). They share the pass's cost.
 */
function inputDispatches(
  ctx: GpuContext,
  config: Conv2dConfig,
  entry: Conv2dInputEntry,
  resources: { g: GPUBuffer; kT: GPUBuffer; dx: GPUBuffer },
): Dispatch[] {
  const { name } = config;
  const label = (pass: string) => `${name}/${pass}`;
  if (entry.id !== TILE6X6_INPUT_ID) {
    const input = buildKernel(ctx, entry, config, inputTransposedLayout);
    return [dispatchOver(input, input.bind(resources), entry.items(config), entry.workgroupSize, label('backward_input'))];
  }
  const cost = dispatchKernel(entry, config);
  const { rows, cols } = inputTileGrid(config);
  const perTile = entry.items(config) / (rows.tiles * cols.tiles);
  const out: Dispatch[] = [];
  for (const rc of rows.classes) {
    for (const cc of cols.classes) {
      const cls = `r${rc.first}+${rc.count} c${cc.first}+${cc.count}`;
      const extra = {
        TY0: rc.first, TY_N: rc.count, TX0: cc.first, TX_N: cc.count, TILES_Y: rows.tiles, TILES_X: cols.tiles,
        SKIP_TOP: rc.skipLeading, SKIP_BOTTOM: rc.skipTrailing, SKIP_LEFT: cc.skipLeading, SKIP_RIGHT: cc.skipTrailing,
      };
      const input = buildKernel(ctx, entry, config, inputTransposedLayout, { variant: `${name} ${cls}`, extra, cost });
      out.push(dispatchOver(input, input.bind(resources), perTile * rc.count * cc.count, entry.workgroupSize, label(`backward_input ${cls}`)));
    }
  }
  return out;
}
