// Conv2D layer (3x3 kernel, valid padding, stride 1, bias, fused ReLU), NHWC activations and
// HWIO kernel in the flat parameter buffer. Builds, once per shape, the forward dispatch and
// the backward dispatches:
//   mask:    g = dy * (y > 0)                                        (scratch, (B,Ho,Wo,Cout))
//   filter:  split-K partial sums of dk and db over chunks of the (used) output positions
//   reduce:  sums the chunks and writes dk, db into `grads`
//   input:   dx (only when an inputGrad buffer is given); variants 'tile6x6' (default, Cin >= 8),
//            'rows', 'transposed' and 'tile4x4' first write the kernel as (3,3,Cout,Cin4) so the dx
//            kernel reads it as vec4s over ci ('tile6x6': 6x6 pixels x 8 channels, one dispatch per
//            tile class so that window rows/columns outside the used region are compiled out;
//            'rows': 1x7 pixels x 8 channels, visiting only the kernel rows whose output row
//            exists; the others: the forward's tiling, 4x4 or 1x4 pixels x 8 channels, over
//            zero-padded rows), 'direct' reads the HWIO kernel.
// A layer whose output feeds a floor 2x2 max-pool can declare the region the pool reads
// (usedOutputHeight/Width): the promoted kernels then skip the positions outside it, whose
// gradient is zero.
// Forward variants 'cin1row' (default, Cin = 1) / 'tile4x4' (default, Cin < 8) / 'tile5x5' (default
// when the used region is made of 5x5 tiles) / 'tiled', filter variants 'slide' (default, Cin >= 8)
// / 'positions' (default, Cin < 8) / 'rows', and input variants 'tile6x6' (default,
// Cin >= 8) / 'direct' (default, Cin < 8) / 'rows' / 'transposed' / 'tile4x4' are kept side by
// side for the bench (Conv2dOptions).
// An inferenceOnly layer (evaluation) builds the forward alone: no backward kernels, bind groups
// or scratch buffers. An inference-only layer with one input channel can also take the floor 2x2
// max-pool after it (`pooledOutput`): 'cin1pool' computes conv + bias + ReLU + pool in one pass
// and never stores the conv output.
import tgpu from 'typegpu';
import * as d from 'typegpu/data';
import { Kernel, gridFor, type Dispatch } from '../gpu/kernel.ts';
import { linearIndex } from '../gpu/wgsl-lib.ts';
import { createStorageBuffer } from '../gpu/buffers.ts';
import type { GpuContext, LayerPlan } from './types.ts';

export interface Conv2dConfig {
  name: string;
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernelOffset: number;
  biasOffset: number;
  /**
   * Evaluation only: the forward kernel alone, no backward pipelines, bind groups or scratch
   * buffers (masked gradient, partial sums, transposed kernel); `backward` is empty and
   * `grads` / `outputGrad` / `inputGrad` are not needed.
   */
  inferenceOnly?: boolean;
  /**
   * `outputGrad` is already dL/d(pre-activation), the ReLU derivative applied (e.g. by the
   * fused pool + dropout backward): no mask pass, the backward kernels read it directly.
   */
  outputGradMasked?: boolean;
  /**
   * Output rows / columns that anything downstream reads (default: all; e.g. 2*floor(Ho/2) when
   * a floor 2x2 max-pool follows). The output gradient must be zero outside this region: the
   * filter-gradient ('positions', 'slide') and input-gradient ('rows', 'tile6x6') kernels skip it, and the
   * 'tile5x5' forward computes only this region (the outputs outside it are left unwritten).
   */
  usedOutputHeight?: number;
  usedOutputWidth?: number;
}

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

/** Implementation choices, kept side by side for benchmarking. */
/**
 * dx kernel: 'tile6x6' (conv2d_backward_input_tile6x6, 6x6 pixels x 8 ci from kT over the region
 * that can receive gradient, one dispatch per tile class with the window rows/columns outside
 * the used region compiled out), 'rows' (conv2d_backward_input_rows, 1x7 pixels x 8 ci from kT,
 * existing kernel rows only), 'transposed' (conv2d_backward_input, 1x4 pixels x 8 ci from kT),
 * 'direct' (HWIO kernel as it is), 'tile4x4' (conv2d_backward_input_tile4x4, 4x4 pixels x 8 ci
 * from kT over zero-padded rows).
 */
export type Conv2dInputVariant = 'tile6x6' | 'rows' | 'transposed' | 'direct' | 'tile4x4';
export const CONV2D_INPUT_VARIANTS: readonly Conv2dInputVariant[] = ['tile6x6', 'rows', 'transposed', 'direct', 'tile4x4'];
/**
 * Forward kernel: 'tiled' (conv2d_forward, 1x4 pixels x 8 channels), 'tile4x4'
 * (conv2d_forward_tile4x4, 4x4 pixels x 8 channels), 'tile5x5' (conv2d_forward_tile5x5, 5x5
 * pixels x 8 channels over the used region only) or 'cin1row' (conv2d_forward_cin1_row, one
 * input channel only: a whole output row x 8 channels with the kernel held in registers).
 */
export type Conv2dForwardVariant = 'tiled' | 'tile4x4' | 'tile5x5' | 'cin1row';
export const CONV2D_FORWARD_VARIANTS: readonly Conv2dForwardVariant[] = ['tiled', 'tile4x4', 'tile5x5', 'cin1row'];
/**
 * Filter-gradient kernel: 'positions' (conv2d_backward_filter, chunks of used positions, 1 ci x 8
 * co x 9 taps per invocation), 'rows' (conv2d_backward_filter_rows, chunks of output rows, 4 ci x
 * 8 co x 3 kx per invocation) or 'slide' (conv2d_backward_filter_slide, chunks of used output rows,
 * 2 ci x 8 co x 9 taps per invocation with a sliding 3x3 input window).
 */
export type Conv2dFilterVariant = 'positions' | 'rows' | 'slide';
export const CONV2D_FILTER_VARIANTS: readonly Conv2dFilterVariant[] = ['positions', 'rows', 'slide'];
export interface Conv2dOptions {
  /** How dx is computed (default: defaultInputVariant). */
  inputVariant?: Conv2dInputVariant;
  /** Forward kernel (default: defaultForwardVariant). */
  forwardVariant?: Conv2dForwardVariant;
  /** Filter-gradient kernel (default: defaultFilterVariant). */
  filterVariant?: Conv2dFilterVariant;
  /** Rewrites the forward kernel's WGSL template (the bench's arithmetic-floor probe only). */
  rewriteForwardSource?: (template: string) => string;
}

/**
 * The promoted forward kernel: 'cin1row' for one input channel (conv2d: 2.5-3x faster than
 * 'tile4x4' on SwiftShader), 'tile4x4' below 8 input channels (conv2d: 2.2x faster than 'tiled'
 * in three bench runs); from 8, 'tile5x5' when the used output region is a whole
 * number of 5x5 tiles (conv2d_1's 10x10: 1.6x faster than 'tile4x4' over 11x11, bench/README.md),
 * else 'tiled' ('tile4x4' was faster in two runs and slower in a third; undecided).
 */
export function defaultForwardVariant(c: Conv2dConfig): Conv2dForwardVariant {
  if (c.inChannels === 1) return 'cin1row';
  if (c.inChannels < 8) return 'tile4x4';
  const { usedHeight, usedWidth } = usedOutput(c);
  return usedHeight % FORWARD_5X5_TILE === 0 && usedWidth % FORWARD_5X5_TILE === 0 ? 'tile5x5' : 'tiled';
}

/** Whether element i of a flat (B, Ho, Wo, C) output (or its gradient) lies in the used region. */
export function inUsedOutput(s: Pick<Conv2dShape, 'outHeight' | 'outWidth' | 'usedHeight' | 'usedWidth'>, channels: number, i: number): boolean {
  const p = Math.floor(i / channels);
  return Math.floor(p / s.outWidth) % s.outHeight < s.usedHeight && p % s.outWidth < s.usedWidth;
}

/** The output region read downstream: usedOutputHeight/Width, by default the whole output. */
function usedOutput(c: Conv2dConfig): { usedHeight: number; usedWidth: number } {
  return { usedHeight: c.usedOutputHeight ?? c.height - CONV_K + 1, usedWidth: c.usedOutputWidth ?? c.width - CONV_K + 1 };
}

/**
 * The promoted input-gradient kernel: 'tile6x6' from 8 input channels (conv2d_1: 1.6x faster
 * than 'rows' on SwiftShader, which was 1.5-1.7x faster than 'transposed', bench/README.md),
 * else 'direct', whose 4-channel tile wastes less on few channels.
 */
export function defaultInputVariant(c: Conv2dConfig): Conv2dInputVariant {
  return c.inChannels >= 8 ? 'tile6x6' : 'direct';
}

/**
 * The promoted filter-gradient kernel: 'slide' from 8 input channels (conv2d_1: 1.7x faster than
 * 'positions' over the same used region on SwiftShader, bench/README.md), else 'positions'
 * ('slide' computes 2 input channels per invocation, 'rows' 4: wasteful on fewer).
 */
export function defaultFilterVariant(c: Conv2dConfig): Conv2dFilterVariant {
  return c.inChannels >= 8 ? 'slide' : 'positions';
}

/** Kernel size (3x3), fixed by the shaders. */
export const CONV_K = 3;

/** Workgroup sizes, one constant per kernel (passed as the shader's override and used for the dispatch). */
export const CONV2D_FORWARD_WORKGROUP = 64;
export const CONV2D_POOLED_WORKGROUP = 64;
export const CONV2D_MASK_WORKGROUP = 256;
export const CONV2D_FILTER_WORKGROUP = 64;
export const CONV2D_REDUCE_WORKGROUP = 64;
export const CONV2D_INPUT_WORKGROUP = 64;
export const CONV2D_TRANSPOSE_WORKGROUP = 64;

/** Register tiles of the shaders (documentation for dispatch math; the shaders hard-code them). */
const FORWARD_TILE_X = 4; // output columns per invocation
const FORWARD_TILE_C4 = 2; // vec4 output-channel groups per invocation
const FILTER_TILE_C4 = 2; // vec4 output-channel groups per invocation (one ci, 9 taps)
const FORWARD_4X4_TILE = 4; // 'tile4x4': output rows and columns per invocation (x 8 channels)
const FORWARD_5X5_TILE = 5; // 'tile5x5': output rows and columns per invocation (TILE in the shader)
const INPUT_4X4_TILE = 4; // 'tile4x4' dx: input rows and columns per invocation (x 8 input channels)
const FILTER_ROWS_TILE_CI = 4; // 'rows': input channels per invocation (x 8 output channels x 3 kx taps)
const INPUT_TILE_X = 4; // input columns per invocation (both variants)
const INPUT_DIRECT_TILE_CI = 4; // input channels per invocation ('direct')
const INPUT_TRANSPOSED_TILE_CI4 = 2; // vec4 input-channel groups per invocation ('transposed', 'tile4x4', 'rows', 'tile6x6')
const INPUT_ROWS_TILE_X = 7; // 'rows': input columns per invocation (TILE_X in the shader)
const INPUT_6X6_TILE = 6; // 'tile6x6': input rows and columns per invocation (TILE in the shader)

/** Filter-gradient split: aim for this many invocations, but give each at least this many positions. */
const FILTER_TARGET_INVOCATIONS = 32768;
const FILTER_MIN_CHUNK = 64;
/** 'rows' filter split: aim for this many invocations, each with at least this many output rows. */
const FILTER_ROWS_TARGET_INVOCATIONS = 16384;
const FILTER_ROWS_MIN_ROWS = 2;
/** 'slide' filter split: aim for this many invocations (2 ci x 8 co each). */
const FILTER_SLIDE_TARGET_INVOCATIONS = 8192;
const FILTER_SLIDE_TILE_CI = 2; // input channels per invocation ('slide')

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

/** Derived sizes of one conv layer. */
export interface Conv2dShape {
  outHeight: number;
  outWidth: number;
  /** The output region read downstream (usedOutputHeight/Width, default the whole output). */
  usedHeight: number;
  usedWidth: number;
  /** Output positions B*Ho*Wo (the size of y and of its gradient). */
  positions: number;
  /** Floats in one partial-sum row: 9*Cin*Cout + Cout. */
  partialRow: number;
  /** Positions per filter-gradient chunk (of whole rows for 'rows' and 'slide') and number of chunks. */
  chunk: number;
  chunks: number;
  /** Output rows per chunk ('rows' and 'slide' filter variants; 0 for 'positions'). */
  rowsPerChunk: number;
}

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

/** Derived sizes; the filter split (chunk, chunks) depends on the filter variant (default: the layer's). */
export function conv2dShape(c: Conv2dConfig, filterVariant: Conv2dFilterVariant = defaultFilterVariant(c)): Conv2dShape {
  const outHeight = c.height - CONV_K + 1;
  const outWidth = c.width - CONV_K + 1;
  const common = {
    outHeight,
    outWidth,
    ...usedOutput(c),
    positions: c.batch * outHeight * outWidth,
    partialRow: CONV_K * CONV_K * c.inChannels * c.outChannels + c.outChannels,
  };
  const cBlocks = Math.ceil(c.outChannels / 4 / FILTER_TILE_C4);
  if (filterVariant === 'rows') {
    // Chunks of whole output rows (all of them: 'rows' ignores the used region).
    const rows = c.batch * outHeight;
    const perChunk = CONV_K * Math.ceil(c.inChannels / FILTER_ROWS_TILE_CI) * cBlocks;
    const wanted = Math.max(1, Math.ceil(FILTER_ROWS_TARGET_INVOCATIONS / perChunk));
    const rowsPerChunk = Math.max(FILTER_ROWS_MIN_ROWS, Math.ceil(rows / wanted));
    return { ...common, chunk: rowsPerChunk * outWidth, chunks: Math.ceil(rows / rowsPerChunk), rowsPerChunk };
  }
  if (filterVariant === 'slide') {
    // Chunks of used output rows.
    const rows = c.batch * common.usedHeight;
    const perChunk = Math.ceil(c.inChannels / FILTER_SLIDE_TILE_CI) * cBlocks;
    const wanted = Math.max(1, Math.ceil(FILTER_SLIDE_TARGET_INVOCATIONS / perChunk));
    const rowsPerChunk = Math.max(1, Math.ceil(rows / wanted));
    return { ...common, chunk: rowsPerChunk * common.usedWidth, chunks: Math.ceil(rows / rowsPerChunk), rowsPerChunk };
  }
  // 'positions': chunks of used output positions.
  const usedPositions = c.batch * common.usedHeight * common.usedWidth;
  const maxChunks = Math.max(1, Math.floor(usedPositions / FILTER_MIN_CHUNK));
  const wanted = Math.min(maxChunks, Math.max(1, Math.ceil(FILTER_TARGET_INVOCATIONS / (c.inChannels * cBlocks))));
  const chunk = Math.ceil(usedPositions / wanted);
  return { ...common, chunk, chunks: Math.ceil(usedPositions / chunk), rowsPerChunk: 0 };
}

/** Multiply-adds x2 of each pass (bias/ReLU/mask not counted). */
export function conv2dFlops(c: Conv2dConfig): { forward: number; backwardFilter: number; backwardInput: number } {
  const { positions } = conv2dShape(c);
  const macs = positions * CONV_K * CONV_K * c.inChannels * c.outChannels;
  return { forward: 2 * macs, backwardFilter: 2 * macs, backwardInput: 2 * macs };
}

/** Minimum bytes each pass must move (every input read once, every output written once). */
export function conv2dBytes(c: Conv2dConfig): { forward: number; backwardMask: number; backwardFilter: number; backwardReduce: number; backwardInput: number } {
  const s = conv2dShape(c);
  const xs = c.batch * c.height * c.width * c.inChannels;
  const ys = s.positions * c.outChannels;
  const ks = s.partialRow;
  return {
    forward: 4 * (xs + ks + ys),
    backwardMask: 4 * 3 * ys,
    backwardFilter: 4 * (xs + ys + s.chunks * ks),
    backwardReduce: 4 * (s.chunks * ks + ks),
    backwardInput: 4 * (ys + ks + xs),
  };
}

/** A run of consecutive 'tile6x6' dx tiles (along one axis) whose g windows have the same rows outside the used region. */
export interface InputTileClass {
  first: number;
  count: number;
  /** Window rows (of TILE + 2) before / after the used output rows, for every tile of the run. */
  skipLeading: number;
  skipTrailing: number;
}

/** The 'tile6x6' tiles along one axis and their runs. */
export interface InputTileAxis {
  tiles: number;
  classes: InputTileClass[];
}

/**
 * The 'tile6x6' tiles along one axis: `extent` dx rows that can receive gradient (min(H, used + 2))
 * in tiles of 6, the last shifted back to end at the edge (or at 0 when extent < 6), grouped into
 * runs of equal window pattern. Tile t starts at o = min(6t, extent - 6); its window covers output
 * rows o-2 .. o+5, of which those < 0 or >= `used` lie outside the used region.
 */
function inputTileClasses(extent: number, used: number): InputTileAxis {
  const tiles = Math.ceil(extent / INPUT_6X6_TILE);
  const classes: InputTileClass[] = [];
  for (let t = 0; t < tiles; t++) {
    const o = extent >= INPUT_6X6_TILE ? Math.min(t * INPUT_6X6_TILE, extent - INPUT_6X6_TILE) : 0;
    const skipLeading = Math.max(0, CONV_K - 1 - o);
    const skipTrailing = Math.max(0, o + INPUT_6X6_TILE - used);
    const last = classes[classes.length - 1];
    if (last && last.skipLeading === skipLeading && last.skipTrailing === skipTrailing) last.count++;
    else classes.push({ first: t, count: 1, skipLeading, skipTrailing });
  }
  return { tiles, classes };
}

/**
 * The 'tile6x6' tile grid of a layer: rows and columns, each over the dx region that can
 * receive gradient (min(H, usedHeight + 2) x min(W, usedWidth + 2)). The layer dispatches once
 * per (row class, column class).
 */
export function inputTileGrid(c: Conv2dConfig): { rows: InputTileAxis; cols: InputTileAxis } {
  const { usedHeight, usedWidth } = usedOutput(c);
  return {
    rows: inputTileClasses(Math.min(c.height, usedHeight + CONV_K - 1), usedHeight),
    cols: inputTileClasses(Math.min(c.width, usedWidth + CONV_K - 1), usedWidth),
  };
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
): LayerPlan & { inference: Dispatch[] } {
  const { name, batch: B, height: H, width: W, inChannels: CIN, outChannels: COUT } = config;
  if (!config.inferenceOnly) throw new Error(`conv2d ${name}: pooledOutput (fused pooling) is for inferenceOnly layers`);
  if (CIN !== 1) throw new Error(`conv2d ${name}: pooledOutput (fused pooling) needs 1 input channel (got ${CIN})`);
  const s = conv2dShape(config);
  if (s.outHeight < 2 || s.outWidth < 2) throw new Error(`conv2d ${name}: pooledOutput needs a conv output of at least 2x2 (got ${s.outHeight}x${s.outWidth})`);
  const kernel = new Kernel(ctx.root, {
    shader: 'conv2d_forward_cin1_pool',
    layout: forwardLayout,
    variant: name,
    externals: { linearIndex },
    constants: { WORKGROUP_SIZE: CONV2D_POOLED_WORKGROUP, B, H, W, CIN, COUT, KERNEL_OFFSET: config.kernelOffset, BIAS_OFFSET: config.biasOffset },
  });
  const items = B * Math.floor(s.outHeight / 2) * Math.ceil(COUT / 4 / FORWARD_TILE_C4);
  const grid = gridFor(items, CONV2D_POOLED_WORKGROUP, `${name}/forward_pooled`);
  const dispatch = kernel.dispatch(kernel.bind({ x: input, params, y: pooled }), grid[0], grid[1], 1, `${name}/forward_pooled`);
  return { forward: [dispatch], inference: [dispatch], backward: [], destroy() {} };
}

export function createConv2d(
  ctx: GpuContext,
  config: Conv2dConfig,
  buffers: Conv2dBuffers,
  options: Conv2dOptions = {},
): LayerPlan & { inference: Dispatch[] } {
  const inputVariant = options.inputVariant ?? defaultInputVariant(config);
  if (!CONV2D_INPUT_VARIANTS.includes(inputVariant)) throw new Error(`conv2d ${config.name}: unknown inputVariant ${inputVariant}`);
  const forwardVariant = options.forwardVariant ?? defaultForwardVariant(config);
  if (!CONV2D_FORWARD_VARIANTS.includes(forwardVariant)) throw new Error(`conv2d ${config.name}: unknown forwardVariant ${forwardVariant}`);
  const filterVariant = options.filterVariant ?? defaultFilterVariant(config);
  if (!CONV2D_FILTER_VARIANTS.includes(filterVariant)) throw new Error(`conv2d ${config.name}: unknown filterVariant ${filterVariant}`);
  validateConv2dConfig(config);
  const { root, device } = ctx;
  const { name, batch: B, height: H, width: W, inChannels: CIN, outChannels: COUT, kernelOffset, biasOffset } = config;
  const s = conv2dShape(config, filterVariant);
  const C4 = COUT / 4;
  const shape = { B, H, W, CIN, COUT };
  const label = (pass: string) => `${name}/${pass}`;

  if (buffers.pooledOutput) return createPooledInference(ctx, config, buffers.input, buffers.params, buffers.pooledOutput);
  if (!buffers.output) throw new Error(`conv2d ${name}: an output buffer is required (or pooledOutput, for a pooled inference layer)`);

  // Forward.
  if (forwardVariant === 'cin1row' && config.inChannels !== 1) {
    throw new Error(`conv2d ${config.name}: forwardVariant 'cin1row' needs 1 input channel (got ${config.inChannels})`);
  }
  // The used output region, for the kernels that skip the rest.
  const used = { USED_HO: s.usedHeight, USED_WO: s.usedWidth };
  const forwardShader = { tiled: 'conv2d_forward', tile4x4: 'conv2d_forward_tile4x4', tile5x5: 'conv2d_forward_tile5x5', cin1row: 'conv2d_forward_cin1_row' }[forwardVariant];
  const forwardConstants = { WORKGROUP_SIZE: CONV2D_FORWARD_WORKGROUP, ...shape, KERNEL_OFFSET: kernelOffset, BIAS_OFFSET: biasOffset };
  const forward = new Kernel(root, {
    shader: forwardShader,
    layout: forwardLayout,
    variant: name,
    externals: { linearIndex },
    constants: forwardVariant === 'tile5x5' ? { ...forwardConstants, ...used } : forwardConstants,
    rewriteSource: options.rewriteForwardSource,
  });
  const groupsC = Math.ceil(C4 / FORWARD_TILE_C4);
  const fwdItems = {
    tile4x4: B * Math.ceil(s.outHeight / FORWARD_4X4_TILE) * Math.ceil(s.outWidth / FORWARD_4X4_TILE) * groupsC,
    tile5x5: B * Math.ceil(s.usedHeight / FORWARD_5X5_TILE) * Math.ceil(s.usedWidth / FORWARD_5X5_TILE) * groupsC,
    tiled: B * s.outHeight * Math.ceil(s.outWidth / FORWARD_TILE_X) * groupsC,
    cin1row: B * s.outHeight * groupsC,
  }[forwardVariant];
  const fwdGrid = gridFor(fwdItems, CONV2D_FORWARD_WORKGROUP, label('forward'));
  const forwardDispatch = forward.dispatch(
    forward.bind({ x: buffers.input, params: buffers.params, y: buffers.output }),
    fwdGrid[0],
    fwdGrid[1],
    1,
    label('forward'),
  );

  if (config.inferenceOnly) return { forward: [forwardDispatch], inference: [forwardDispatch], backward: [], destroy() {} };
  const { grads, outputGrad, inputGrad } = buffers;
  if (!grads || !outputGrad) throw new Error(`conv2d ${name}: grads and outputGrad are required unless inferenceOnly`);

  // Backward scratch: masked gradient (unless the caller gives it already masked) and the
  // filter partial sums.
  const ownG = !config.outputGradMasked;
  const gBuffer = ownG ? createStorageBuffer(device, s.positions * COUT * 4, label('g')) : outputGrad;
  const partials = createStorageBuffer(device, s.chunks * s.partialRow * 4, label('partials'));

  const maskDispatches: Dispatch[] = [];
  if (ownG) {
    const mask = new Kernel(root, {
      shader: 'conv2d_backward_mask',
      layout: maskLayout,
      variant: name,
      externals: { linearIndex },
      constants: { WORKGROUP_SIZE: CONV2D_MASK_WORKGROUP, COUNT4: s.positions * C4 },
    });
    const maskGrid = gridFor(s.positions * C4, CONV2D_MASK_WORKGROUP, label('mask'));
    maskDispatches.push(
      mask.dispatch(mask.bind({ y: buffers.output, dy: outputGrad, g: gBuffer }), maskGrid[0], maskGrid[1], 1, label('backward_mask')),
    );
  }

  const filterSpec: { shader: string; constants: Record<string, number>; items: number } = {
    rows: {
      shader: 'conv2d_backward_filter_rows',
      constants: { ROWS: s.rowsPerChunk, CHUNKS: s.chunks },
      items: s.chunks * CONV_K * Math.ceil(CIN / FILTER_ROWS_TILE_CI) * Math.ceil(C4 / FILTER_TILE_C4),
    },
    slide: {
      shader: 'conv2d_backward_filter_slide',
      constants: { ...used, ROWS: s.rowsPerChunk, CHUNKS: s.chunks },
      items: s.chunks * Math.ceil(CIN / FILTER_SLIDE_TILE_CI) * Math.ceil(C4 / FILTER_TILE_C4),
    },
    positions: {
      shader: 'conv2d_backward_filter',
      constants: { ...used, CHUNK: s.chunk, CHUNKS: s.chunks },
      items: s.chunks * CIN * Math.ceil(C4 / FILTER_TILE_C4),
    },
  }[filterVariant];
  const filter = new Kernel(root, {
    shader: filterSpec.shader,
    layout: filterLayout,
    variant: name,
    externals: { linearIndex },
    constants: { WORKGROUP_SIZE: CONV2D_FILTER_WORKGROUP, ...shape, ...filterSpec.constants },
  });
  const filterGrid = gridFor(filterSpec.items, CONV2D_FILTER_WORKGROUP, label('filter'));
  const filterDispatch = filter.dispatch(
    filter.bind({ x: buffers.input, g: gBuffer, partials }),
    filterGrid[0],
    filterGrid[1],
    1,
    label('backward_filter'),
  );

  const reduce = new Kernel(root, {
    shader: 'conv2d_backward_filter_reduce',
    layout: reduceLayout,
    variant: name,
    externals: { linearIndex },
    constants: { WORKGROUP_SIZE: CONV2D_REDUCE_WORKGROUP, CIN, COUT, CHUNKS: s.chunks, KERNEL_OFFSET: kernelOffset, BIAS_OFFSET: biasOffset },
  });
  const reduceGrid = gridFor(s.partialRow / 4, CONV2D_REDUCE_WORKGROUP, label('reduce'));
  const reduceDispatch = reduce.dispatch(
    reduce.bind({ partials, grads }),
    reduceGrid[0],
    reduceGrid[1],
    1,
    label('backward_filter_reduce'),
  );

  const backward: Dispatch[] = [...maskDispatches, filterDispatch, reduceDispatch];

  let kT: GPUBuffer | undefined;
  if (inputGrad && inputVariant === 'direct') {
    const input = new Kernel(root, {
      shader: 'conv2d_backward_input_direct',
      layout: inputDirectLayout,
      variant: name,
      externals: { linearIndex },
      constants: { WORKGROUP_SIZE: CONV2D_INPUT_WORKGROUP, ...shape, KERNEL_OFFSET: kernelOffset },
    });
    const inItems = B * H * Math.ceil(W / INPUT_TILE_X) * Math.ceil(CIN / INPUT_DIRECT_TILE_CI);
    const inGrid = gridFor(inItems, CONV2D_INPUT_WORKGROUP, label('input'));
    backward.push(
      input.dispatch(
        input.bind({ g: gBuffer, params: buffers.params, dx: inputGrad }),
        inGrid[0],
        inGrid[1],
        1,
        label('backward_input_direct'),
      ),
    );
  } else if (inputGrad) {
    const CI4 = Math.ceil(CIN / 4);
    const kTLength = CONV_K * CONV_K * COUT * CI4 * 4;
    kT = createStorageBuffer(device, kTLength * 4, label('kT'));
    const transpose = new Kernel(root, {
      shader: 'conv2d_backward_kernel_transpose',
      layout: transposeLayout,
      variant: name,
      externals: { linearIndex },
      constants: { WORKGROUP_SIZE: CONV2D_TRANSPOSE_WORKGROUP, CIN, COUT, KERNEL_OFFSET: kernelOffset },
    });
    const transposeGrid = gridFor(kTLength, CONV2D_TRANSPOSE_WORKGROUP, label('transpose'));
    backward.push(
      transpose.dispatch(
        transpose.bind({ params: buffers.params, kT }),
        transposeGrid[0],
        transposeGrid[1],
        1,
        label('backward_kernel_transpose'),
      ),
    );
    const cBlocks = Math.ceil(CI4 / INPUT_TRANSPOSED_TILE_CI4);
    if (inputVariant === 'tile6x6') {
      // One dispatch per tile class (same window rows/columns outside the used region).
      const { rows: rowClasses, cols: colClasses } = inputTileGrid(config);
      for (const rc of rowClasses.classes) {
        for (const cc of colClasses.classes) {
          const cls = `r${rc.first}+${rc.count} c${cc.first}+${cc.count}`;
          const input = new Kernel(root, {
            shader: 'conv2d_backward_input_tile6x6',
            layout: inputTransposedLayout,
            variant: `${name} ${cls}`,
            externals: { linearIndex },
            constants: {
              WORKGROUP_SIZE: CONV2D_INPUT_WORKGROUP, ...shape, ...used,
              TY0: rc.first, TY_N: rc.count, TX0: cc.first, TX_N: cc.count, TILES_Y: rowClasses.tiles, TILES_X: colClasses.tiles,
              SKIP_TOP: rc.skipLeading, SKIP_BOTTOM: rc.skipTrailing, SKIP_LEFT: cc.skipLeading, SKIP_RIGHT: cc.skipTrailing,
            },
          });
          const grid = gridFor(B * rc.count * cc.count * cBlocks, CONV2D_INPUT_WORKGROUP, label('input'));
          backward.push(input.dispatch(input.bind({ g: gBuffer, kT, dx: inputGrad }), grid[0], grid[1], 1, label(`backward_input ${cls}`)));
        }
      }
    } else {
      const shaderOf: Record<Exclude<Conv2dInputVariant, 'direct' | 'tile6x6'>, string> = { rows: 'conv2d_backward_input_rows', tile4x4: 'conv2d_backward_input_tile4x4', transposed: 'conv2d_backward_input' };
      const input = new Kernel(root, {
        shader: shaderOf[inputVariant as keyof typeof shaderOf],
        layout: inputTransposedLayout,
        variant: name,
        externals: { linearIndex },
        constants:
          inputVariant === 'rows'
            ? { WORKGROUP_SIZE: CONV2D_INPUT_WORKGROUP, ...shape, ...used }
            : { WORKGROUP_SIZE: CONV2D_INPUT_WORKGROUP, ...shape },
      });
      const inItems =
        inputVariant === 'tile4x4'
          ? B * Math.ceil(H / INPUT_4X4_TILE) * Math.ceil(W / INPUT_4X4_TILE) * cBlocks
          : B * H * Math.ceil(W / (inputVariant === 'rows' ? INPUT_ROWS_TILE_X : INPUT_TILE_X)) * cBlocks;
      const inGrid = gridFor(inItems, CONV2D_INPUT_WORKGROUP, label('input'));
      backward.push(
        input.dispatch(
          input.bind({ g: gBuffer, kT, dx: inputGrad }),
          inGrid[0],
          inGrid[1],
          1,
          label('backward_input'),
        ),
      );
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
