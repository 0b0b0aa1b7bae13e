// The general Keras Conv2D layer: NHWC input (B, H, W, Cin), HWIO kernel (KH, KW, Cin, Cout)
// and optional bias (Cout) read from the flat parameter buffer, kernel sizes 1..7 (not
// necessarily square), strides 1..2, 'valid' or Keras's asymmetric 'same' padding, any
// elementwise activation (the stored output y is post-activation). The seed network's fast
// 3x3 kernels stay in conv2d.ts; this layer takes any other geometry.
// Dispatches, built once per shape:
//   forward:    y = act(conv(x, K) + b)   (conv2d_general_forward or a generated implicit GEMM)
//   backward:   g = dy * act'(y)    (scratch (B,Ho,Wo,Cout); skipped for linear: g = dy)
//               split-K partials of dK, db over chunks of the output positions, then a reduce
//               that WRITES dK, db into `grads` at the parameters' offsets
//               dx (only when an inputGrad buffer is given; every element written)
// An inferenceOnly layer builds the forward alone: no backward pipelines, bind groups or scratch.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import type { TgpuBindGroupLayout } from 'typegpu';
import type { Dispatch, Entries, Kernel } from '../gpu/kernel.ts';
import { entryDispatch, entryKernel, FIXED_RULES, type KernelChooser, type KernelEntry } from '../gpu/kernel-registry.ts';
import { createBatchTable, layerBatchSize, type BatchSize } from '../gpu/batch-size.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import { activationCode, type ElementwiseActivation } from '../model/activations.ts';
import { CONV2D_GENERAL_KERNELS, CONV2D_GENERAL_WORKGROUP_SIZE } from './conv2d-general-kernels.ts';
import { CONV2D_GENERAL_FILTER, CONV2D_GENERAL_FORWARD, CONV2D_GENERAL_INPUT } from './conv2d-general-choices.ts';

export { CONV2D_GENERAL_WORKGROUP_SIZE };
import type { GpuContext, LayerPlan } from './types.ts';

/** Largest kernel side and stride the layer accepts. */
export const CONV2D_GENERAL_MAX_KERNEL = 7;
export const CONV2D_GENERAL_MAX_STRIDE = 2;
/** Output positions and channels per invocation block of the forward / dx / dK kernels (the shaders hard-code 4). */
const BLOCK = 4;
/** The filter-gradient split aims for this many invocations (chunks x dK blocks). */
const FILTER_TARGET_INVOCATIONS = 16384;
/** Shortest chunk of output positions per filter-gradient invocation. */
const FILTER_MIN_CHUNK = 16;
/** Most chunks (the reduce sums them serially per element); a longer chunk is used past it. */
const FILTER_MAX_CHUNKS = 512;
/** Cap on the partial-sum scratch (bytes); a longer chunk is used past it. */
const FILTER_MAX_PARTIAL_BYTES = 64 * 1024 * 1024;

export type Conv2dPadding = 'valid' | 'same';

export interface Conv2dGeneralConfig {
  name: string;
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padding: Conv2dPadding;
  useBias: boolean;
  activation: ElementwiseActivation;
  /** Offset (floats, a multiple of 4) of K (KH, KW, Cin, Cout) in the flat params/grads buffers. */
  kernelOffset: number;
  /** Offset (floats, a multiple of 4) of b (Cout); ignored without a bias. */
  biasOffset: number;
  /** Evaluation only: the forward alone; grads / outputGrad / inputGrad are not needed. */
  inferenceOnly?: boolean;
}

export interface Conv2dGeneralBuffers {
  /** (B, H, W, Cin) f32 */
  input: GPUBuffer;
  /** (B, Ho, Wo, Cout) f32, post-activation */
  output: GPUBuffer;
  /** flat f32 parameter buffer */
  params: GPUBuffer;
  /** flat f32 gradient buffer (dK, db written at the parameters' offsets); required unless inferenceOnly */
  grads?: GPUBuffer;
  /** (B, Ho, Wo, Cout) f32, dL/dy (post-activation); required unless inferenceOnly */
  outputGrad?: GPUBuffer;
  /** (B, H, W, Cin) f32, dL/dx, overwritten; omit to skip it (first layer) */
  inputGrad?: GPUBuffer;
  /** The batch size the kernels read (default: one of the layer's own holding B). */
  batchSize?: BatchSize;
}

export interface Conv2dGeometry {
  outHeight: number;
  outWidth: number;
  /** Zero rows above / columns left of the input ('same'; the odd one goes below / right). */
  padTop: number;
  padLeft: number;
}

/** Output size and leading pad along one axis, Keras / TensorFlow rules. */
function axisGeometry(size: number, k: number, s: number, padding: Conv2dPadding): { out: number; pad: number } {
  if (padding === 'valid') return { out: size >= k ? Math.floor((size - k) / s) + 1 : 0, pad: 0 };
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  return { out, pad: Math.floor(total / 2) };
}

/**
 * Output size and padding of a conv: 'valid' floor((in - k) / s) + 1, no pad; 'same'
 * ceil(in / s) with total pad max((out - 1) * s + k - in, 0), floor(total / 2) before.
 * Throws when the output is empty (a 'valid' input smaller than the kernel) or an argument is bad.
 */
export function conv2dGeometry(
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  padding: Conv2dPadding,
): Conv2dGeometry {
  for (const [k, v] of Object.entries({ inH, inW, kh, kw, sh, sw })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`conv2d geometry: ${k} must be a positive integer (got ${v})`);
  }
  if (padding !== 'valid' && padding !== 'same') throw new Error(`conv2d geometry: padding must be 'valid' or 'same' (got ${String(padding)})`);
  const h = axisGeometry(inH, kh, sh, padding);
  const w = axisGeometry(inW, kw, sw, padding);
  if (h.out < 1 || w.out < 1) {
    throw new Error(`conv2d geometry: input ${inH}x${inW} is smaller than the ${kh}x${kw} kernel ('valid'): the output is empty`);
  }
  return { outHeight: h.out, outWidth: w.out, padTop: h.pad, padLeft: w.pad };
}

function checkConfig(c: Conv2dGeneralConfig): void {
  const intAtLeast = (k: string, v: number, min: number, max = Infinity) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new Error(`conv2d ${c.name}: ${k} must be an integer in ${min}..${max === Infinity ? '' : max} (got ${v})`);
    }
  };
  for (const k of ['batch', 'inHeight', 'inWidth', 'inChannels', 'outChannels'] as const) intAtLeast(k, c[k], 1);
  for (const k of ['kernelHeight', 'kernelWidth'] as const) intAtLeast(k, c[k], 1, CONV2D_GENERAL_MAX_KERNEL);
  for (const k of ['strideHeight', 'strideWidth'] as const) intAtLeast(k, c[k], 1, CONV2D_GENERAL_MAX_STRIDE);
  for (const k of ['kernelOffset', 'biasOffset'] as const) {
    intAtLeast(k, c[k], 0);
    if (c[k] % 4 !== 0) throw new Error(`conv2d ${c.name}: ${k} must be a multiple of 4 floats (got ${c[k]})`);
  }
  activationCode(c.activation); // throws on an unknown activation
}

/** Sizes derived from a config: geometry, tensor lengths and the filter-gradient split. */
export interface Conv2dGeneralShape extends Conv2dGeometry {
  /** Output positions B*Ho*Wo (the reduction length of dK and db). */
  positions: number;
  inputLength: number;
  outputLength: number;
  kernelSize: number;
  /** Partial row: dK then db (when useBias). */
  partialRow: number;
  /** Split-K: `chunks` chunks of `chunk` output positions (the last may be shorter). */
  chunk: number;
  chunks: number;
}

/** Blocks of BLOCK (positions or channels) covering n. */
export const blocks = (n: number) => Math.ceil(n / BLOCK);

export function conv2dGeneralShape(c: Conv2dGeneralConfig): Conv2dGeneralShape {
  checkConfig(c);
  let geometry: Conv2dGeometry;
  try {
    geometry = conv2dGeometry(c.inHeight, c.inWidth, c.kernelHeight, c.kernelWidth, c.strideHeight, c.strideWidth, c.padding);
  } catch (e) {
    throw new Error(`conv2d ${c.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const positions = c.batch * geometry.outHeight * geometry.outWidth;
  const kernelSize = c.kernelHeight * c.kernelWidth * c.inChannels * c.outChannels;
  if (c.useBias && c.biasOffset < c.kernelOffset + kernelSize && c.kernelOffset < c.biasOffset + c.outChannels) {
    throw new Error(`conv2d ${c.name}: the bias [${c.biasOffset}, +${c.outChannels}) overlaps the kernel [${c.kernelOffset}, +${kernelSize})`);
  }
  const partialRow = kernelSize + (c.useBias ? c.outChannels : 0);
  const perChunk = blocks(c.kernelHeight * c.kernelWidth * c.inChannels) * blocks(c.outChannels);
  let chunk = Math.max(FILTER_MIN_CHUNK, Math.ceil(positions / Math.ceil(FILTER_TARGET_INVOCATIONS / perChunk)));
  const maxChunks = Math.max(1, Math.min(FILTER_MAX_CHUNKS, Math.floor(FILTER_MAX_PARTIAL_BYTES / (4 * partialRow))));
  chunk = Math.max(chunk, Math.ceil(positions / maxChunks));
  chunk = Math.min(chunk, positions);
  return {
    ...geometry,
    positions,
    inputLength: c.batch * c.inHeight * c.inWidth * c.inChannels,
    outputLength: positions * c.outChannels,
    kernelSize,
    partialRow,
    chunk,
    chunks: Math.ceil(positions / chunk),
  };
}

// The vec4 views (x4, params4, g4) bind the same buffers as the f32 ones; a kernel reads them
// only where the channel counts allow (X_VEC4: Cin % 4 == 0, OUT_VEC4: Cout % 4 == 0).
const f32Array = d.arrayOf(d.f32);
const vec4Array = d.arrayOf(d.vec4f);
const forwardLayout = tgpu.bindGroupLayout({
  x: { storage: f32Array, access: 'readonly' },
  x4: { storage: vec4Array, access: 'readonly' },
  params: { storage: f32Array, access: 'readonly' },
  params4: { storage: vec4Array, access: 'readonly' },
  y: { storage: f32Array, access: 'mutable' },
});
const activationLayout = tgpu.bindGroupLayout({
  y: { storage: f32Array, access: 'readonly' },
  dy: { storage: f32Array, access: 'readonly' },
  g: { storage: f32Array, access: 'mutable' },
});
// split: the filter kernel's chunking per batch size (filterGradient's table), read by it and the reduce.
const splitTable = { storage: d.arrayOf(d.vec4u), access: 'readonly' } as const;
const filterLayout = tgpu.bindGroupLayout({
  x: { storage: f32Array, access: 'readonly' },
  x4: { storage: vec4Array, access: 'readonly' },
  g: { storage: f32Array, access: 'readonly' },
  g4: { storage: vec4Array, access: 'readonly' },
  partials: { storage: f32Array, access: 'mutable' },
  split: splitTable,
});
const reduceLayout = tgpu.bindGroupLayout({
  partials: { storage: f32Array, access: 'readonly' },
  grads: { storage: f32Array, access: 'mutable' },
  split: splitTable,
});
const inputLayout = tgpu.bindGroupLayout({
  g: { storage: f32Array, access: 'readonly' },
  g4: { storage: vec4Array, access: 'readonly' },
  params: { storage: f32Array, access: 'readonly' },
  params4: { storage: vec4Array, access: 'readonly' },
  dx: { storage: f32Array, access: 'mutable' },
});

/** Throws unless `buffer` holds `floats` f32 values and fits one storage binding. */
function checkBuffer(device: GPUDevice, c: Conv2dGeneralConfig, what: string, buffer: GPUBuffer, floats: number): void {
  const bytes = floats * 4;
  const limit = device.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    throw new Error(`conv2d ${c.name}: ${what} needs ${bytes} bytes, over the device's storage binding limit of ${limit}; use a smaller batch`);
  }
  if (buffer.size < bytes) throw new Error(`conv2d ${c.name}: ${what} buffer has ${buffer.size} bytes, needs ${bytes}`);
}

/** The override constants every geometry-aware kernel shares. */
export function geometryConstants(c: Conv2dGeneralConfig, s: Conv2dGeneralShape): Record<string, number> {
  return {
    WORKGROUP_SIZE: CONV2D_GENERAL_WORKGROUP_SIZE,
    H: c.inHeight,
    W: c.inWidth,
    CIN: c.inChannels,
    COUT: c.outChannels,
    KH: c.kernelHeight,
    KW: c.kernelWidth,
    SH: c.strideHeight,
    SW: c.strideWidth,
    PAD_TOP: s.padTop,
    PAD_LEFT: s.padLeft,
    HO: s.outHeight,
    WO: s.outWidth,
  };
}

/** Which arrays a kernel may read as vec4: x over input channels, K rows and g over output channels. */
export function vec4Constants(c: Conv2dGeneralConfig): { X_VEC4: number; OUT_VEC4: number } {
  return { X_VEC4: c.inChannels % 4 === 0 ? 1 : 0, OUT_VEC4: c.outChannels % 4 === 0 ? 1 : 0 };
}

/** One dispatch of `entry`'s kernel over its items for `c`, reading the batch size `size`. */
function dispatchEntry<E extends Entries>(
  ctx: GpuContext,
  entry: KernelEntry<Conv2dGeneralConfig>,
  c: Conv2dGeneralConfig,
  layout: TgpuBindGroupLayout<E>,
  resources: Parameters<Kernel<E>['bind']>[0],
  size: BatchSize,
  label: string,
): Dispatch {
  const kernel = entryKernel(ctx.root, entry, c, { layout, variant: c.name });
  return entryDispatch(kernel, entry, c, kernel.bind(resources), size, label);
}

export type Conv2dGeneralPlan = LayerPlan & {
  /** Evaluation forward: the same dispatches as `forward` (no training-only state). */
  inference: Dispatch[];
};

export interface Conv2dGeneralOptions {
  /** Picks the forward, filter-gradient and input-gradient kernels (default: the fixed rules). */
  kernels?: KernelChooser;
}

export function createConv2dGeneral(ctx: GpuContext, c: Conv2dGeneralConfig, b: Conv2dGeneralBuffers, options: Conv2dGeneralOptions = {}): Conv2dGeneralPlan {
  const s = conv2dGeneralShape(c);
  const chooser = options.kernels ?? FIXED_RULES;
  const { device } = ctx;
  const paramFloats = Math.max(c.kernelOffset + s.kernelSize, c.useBias ? c.biasOffset + c.outChannels : 0);
  checkBuffer(device, c, 'input (B, H, W, Cin)', b.input, s.inputLength);
  checkBuffer(device, c, 'output (B, Ho, Wo, Cout)', b.output, s.outputLength);
  checkBuffer(device, c, 'params', b.params, paramFloats);
  const K = CONV2D_GENERAL_KERNELS;
  const size = layerBatchSize(ctx.root, c.batch, b.batchSize);
  const forward = [
    dispatchEntry(ctx, chooser.choose(c.name, CONV2D_GENERAL_FORWARD, 'forward', c), c, forwardLayout, { x: b.input, x4: b.input, params: b.params, params4: b.params, y: b.output }, size.size, `${c.name}.forward`),
  ];
  if (c.inferenceOnly) return { forward, inference: forward, backward: [], destroy: size.destroy };

  const { grads, outputGrad, inputGrad } = b;
  if (!grads || !outputGrad) throw new Error(`conv2d ${c.name}: grads and outputGrad are required unless inferenceOnly`);
  checkBuffer(device, c, 'grads', grads, paramFloats);
  checkBuffer(device, c, 'outputGrad (B, Ho, Wo, Cout)', outputGrad, s.outputLength);
  if (inputGrad) checkBuffer(device, c, 'inputGrad (B, H, W, Cin)', inputGrad, s.inputLength);
  if (inputGrad === b.input || inputGrad === outputGrad) throw new Error(`conv2d ${c.name}: inputGrad must be a buffer of its own`);
  const scratch: { destroy(): void }[] = [size];
  const backward: Dispatch[] = [];
  // g = dL/d(pre-activation): dy itself for a linear activation, else materialised once.
  let g = outputGrad;
  if (c.activation !== 'linear') {
    g = createStorageBuffer(device, s.outputLength * 4, `${c.name}.g`); // (B, Ho, Wo, Cout)
    scratch.push(g);
    backward.push(dispatchEntry(ctx, K.mask, c, activationLayout, { y: b.output, dy: outputGrad, g }, size.size, `${c.name}.backward_activation`));
  }
  const filter = chooser.choose(c.name, CONV2D_GENERAL_FILTER, 'backward-filter', c);
  backward.push(...filterGradient(ctx, c, s, filter, { x: b.input, g, grads }, size.size, scratch));
  if (inputGrad) {
    const input = chooser.choose(c.name, CONV2D_GENERAL_INPUT, 'backward-input', c);
    backward.push(dispatchEntry(ctx, input, c, inputLayout, { g, g4: g, params: b.params, params4: b.params, dx: inputGrad }, size.size, `${c.name}.backward_input`));
  }
  return {
    forward,
    inference: forward,
    backward,
    destroy() {
      for (const buffer of scratch) buffer.destroy();
    },
  };
}

/**
 * dK and db: split-K partial sums over chunks of the output positions, then the reduce. Each
 * batch size up to B keeps its own chunking (conv2dGeneralShape), read from the split table;
 * the partial sums hold the most chunks of any of them.
 */
function filterGradient(
  ctx: GpuContext,
  c: Conv2dGeneralConfig,
  s: Conv2dGeneralShape,
  entry: KernelEntry<Conv2dGeneralConfig>,
  b: { x: GPUBuffer; g: GPUBuffer; grads: GPUBuffer },
  size: BatchSize,
  scratch: { destroy(): void }[],
): Dispatch[] {
  const atBatch = (count: number) => conv2dGeneralShape({ ...c, batch: count });
  let maxChunks = s.chunks;
  for (let count = 1; count < c.batch; count++) maxChunks = Math.max(maxChunks, atBatch(count).chunks);
  const partialBytes = maxChunks * s.partialRow * 4;
  if (partialBytes > ctx.device.limits.maxStorageBufferBindingSize) {
    throw new Error(`conv2d ${c.name}: the kernel gradient's partial sums need ${partialBytes} bytes, over the device's storage binding limit`);
  }
  const partials = createStorageBuffer(ctx.device, partialBytes, `${c.name}.partials`); // (chunks, ROW)
  scratch.push(partials);
  const split = createBatchTable(ctx.device, c.batch, (count) => {
    const t = atBatch(count);
    return [t.chunk, t.chunks];
  }, `${c.name}.split`);
  scratch.push(split);
  return [
    dispatchEntry(ctx, entry, c, filterLayout, { x: b.x, x4: b.x, g: b.g, g4: b.g, partials, split }, size, `${c.name}.backward_filter`),
    dispatchEntry(ctx, CONV2D_GENERAL_KERNELS.reduce, c, reduceLayout, { partials, grads: b.grads, split }, size, `${c.name}.backward_reduce`),
  ];
}
