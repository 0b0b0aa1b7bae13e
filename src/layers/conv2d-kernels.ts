// The registered kernels of the 3x3 'valid' stride-1 ReLU convolution (src/layers/conv2d.ts
// builds the layer from them): per pass, the alternatives in the fixed rule's priority order
// (src/gpu/kernel-registry.ts), each with its shader, constants, dispatch size and cost.
// Numbers are SwiftShader's (bench/README.md).
import type { KernelCost, KernelEntry, KernelPass } from '../gpu/kernel-registry.ts';
import type { Conv2dGeneralConfig } from './conv2d-general.ts';

/**
 * Where these kernels compute a Conv2D, stated on the general layer's configuration: a 3x3
 * 'valid' stride-1 window with bias and ReLU, filters a multiple of 4, and fewer than 8 input
 * channels or a multiple of 8. true, or why not; elsewhere the general kernels
 * (conv2d-general-kernels.ts) serve the layer. The plan asks this before building either.
 */
export function fastConvSupports(c: Conv2dGeneralConfig): true | string {
  if (c.kernelHeight !== 3 || c.kernelWidth !== 3) return `needs a 3x3 kernel (got ${c.kernelHeight}x${c.kernelWidth})`;
  if (c.strideHeight !== 1 || c.strideWidth !== 1) return `needs stride 1 (got ${c.strideHeight}x${c.strideWidth})`;
  if (c.padding !== 'valid') return `needs padding 'valid' (got '${c.padding}')`;
  if (c.activation !== 'relu') return `needs a ReLU activation (got ${c.activation})`;
  if (!c.useBias) return 'needs a bias';
  if (c.outChannels % 4 !== 0) return `needs a multiple of 4 filters (got ${c.outChannels})`;
  if (c.inChannels >= 8 && c.inChannels % 8 !== 0) return `needs fewer than 8 input channels or a multiple of 8 (got ${c.inChannels})`;
  return true;
}

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
   * filter-gradient ('positions', 'slide') and input-gradient ('rows', 'tile6x6') kernels skip
   * it, and the 'tile5x5' forward computes only this region (the outputs outside it are left
   * unwritten).
   */
  usedOutputHeight?: number;
  usedOutputWidth?: number;
}

export type Conv2dEntry = KernelEntry<Conv2dConfig>;

/** How a filter-gradient kernel splits the output positions into chunks (one partial-sum row each). */
export interface FilterSplit {
  /** Positions per chunk (whole rows for 'rows' and 'slide'). */
  chunk: number;
  chunks: number;
  /** Output rows per chunk ('rows' and 'slide'; 0 for 'positions'). */
  rowsPerChunk: number;
}

export type Conv2dFilterEntry = Conv2dEntry & { split(c: Conv2dConfig): FilterSplit };
/** Input-gradient entries read the kernel as (3,3,Cout,Cin4) written by the transpose kernel, unless `readsHwio`. */
export type Conv2dInputEntry = Conv2dEntry & { readsHwio: boolean };

/** Kernel size (3x3), fixed by the shaders. */
export const CONV_K = 3;

/** Workgroup sizes, one per kernel (the shader's override and the dispatch size). */
export const CONV2D_FORWARD_WORKGROUP = 64;
export const CONV2D_POOLED_WORKGROUP = 64;
export const CONV2D_MASK_WORKGROUP = 256;
export const CONV2D_FILTER_WORKGROUP = 64;
export const CONV2D_REDUCE_WORKGROUP = 64;
export const CONV2D_INPUT_WORKGROUP = 64;
export const CONV2D_TRANSPOSE_WORKGROUP = 64;

/** Register tiles of the shaders (for the dispatch math; the shaders hard-code them). */
const FORWARD_TILE_X = 4; // 'tiled': output columns per invocation
const TILE_C4 = 2; // vec4 output-channel groups per invocation (forward and filter kernels)
const FORWARD_4X4_TILE = 4; // 'tile4x4': output rows and columns per invocation (x 8 channels)
const FORWARD_5X5_TILE = 5; // 'tile5x5': output rows and columns per invocation (TILE in the shader)
const INPUT_4X4_TILE = 4; // 'tile4x4' dx: input rows and columns per invocation (x 8 input channels)
const FILTER_ROWS_TILE_CI = 4; // 'rows' dk: input channels per invocation (x 8 output channels x 3 kx taps)
const INPUT_DIRECT_TILE_X = 4; // 'direct' dx: input columns per invocation
const INPUT_DIRECT_TILE_CI = 4; // 'direct' dx: input channels per invocation
const INPUT_TILE_CI4 = 2; // vec4 input-channel groups per invocation (the dx kernels reading kT)
const INPUT_ROWS_TILE_X = 7; // 'rows' dx: input columns per invocation (TILE_X in the shader)
const INPUT_6X6_TILE = 6; // 'tile6x6' dx: input rows and columns per invocation (TILE in the shader)

/** 'positions' split: aim for this many invocations, but give each at least this many positions. */
const FILTER_TARGET_INVOCATIONS = 32768;
const FILTER_MIN_CHUNK = 64;
/** 'rows' split: aim for this many invocations, each with at least this many output rows. */
const FILTER_ROWS_TARGET_INVOCATIONS = 16384;
const FILTER_ROWS_MIN_ROWS = 2;
/** 'slide' split: aim for this many invocations (2 ci x 8 co each). */
const FILTER_SLIDE_TARGET_INVOCATIONS = 8192;
const FILTER_SLIDE_TILE_CI = 2; // input channels per invocation ('slide')

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
}

export function conv2dShape(c: Conv2dConfig): Conv2dShape {
  const outHeight = c.height - CONV_K + 1;
  const outWidth = c.width - CONV_K + 1;
  return {
    outHeight,
    outWidth,
    usedHeight: c.usedOutputHeight ?? outHeight,
    usedWidth: c.usedOutputWidth ?? outWidth,
    positions: c.batch * outHeight * outWidth,
    partialRow: CONV_K * CONV_K * c.inChannels * c.outChannels + c.outChannels,
  };
}

/** Whether element i of a flat (B, Ho, Wo, C) output (or its gradient) lies in the used region. */
export function inUsedOutput(s: Pick<Conv2dShape, 'outHeight' | 'outWidth' | 'usedHeight' | 'usedWidth'>, channels: number, i: number): boolean {
  const p = Math.floor(i / channels);
  return Math.floor(p / s.outWidth) % s.outHeight < s.usedHeight && p % s.outWidth < s.usedWidth;
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
  const { usedHeight, usedWidth } = conv2dShape(c);
  return {
    rows: inputTileClasses(Math.min(c.height, usedHeight + CONV_K - 1), usedHeight),
    cols: inputTileClasses(Math.min(c.width, usedWidth + CONV_K - 1), usedWidth),
  };
}

/** The layer's shape (the batch size is read at run time: BATCH in the shaders). */
const shapeConstants = (c: Conv2dConfig) => ({ H: c.height, W: c.width, CIN: c.inChannels, COUT: c.outChannels });
const usedConstants = (c: Conv2dConfig) => {
  const s = conv2dShape(c);
  return { USED_HO: s.usedHeight, USED_WO: s.usedWidth };
};
const outGroups = (c: Conv2dConfig) => Math.ceil(c.outChannels / 4 / TILE_C4);
const inGroups = (c: Conv2dConfig) => Math.ceil(Math.ceil(c.inChannels / 4) / INPUT_TILE_CI4);

/** `(B,H,W,Cin)->(B,Ho,Wo,Cout)` */
function ioShape(c: Conv2dConfig): string {
  const s = conv2dShape(c);
  return `(${c.batch},${c.height},${c.width},${c.inChannels})->(${c.batch},${s.outHeight},${s.outWidth},${c.outChannels})`;
}
const macs = (c: Conv2dConfig) => conv2dShape(c).positions * CONV_K * CONV_K * c.inChannels * c.outChannels;
const inputSize = (c: Conv2dConfig) => c.batch * c.height * c.width * c.inChannels;
const outputSize = (c: Conv2dConfig) => conv2dShape(c).positions * c.outChannels;

/** Conv + bias + ReLU: 2 FLOPs a multiply-add, 2 per output for bias and ReLU; reads x and the kernel, writes y. */
function forwardCost(c: Conv2dConfig): KernelCost {
  const ys = outputSize(c);
  return { shape: ioShape(c), flops: 2 * macs(c) + 2 * ys, bytes: 4 * (inputSize(c) + conv2dShape(c).partialRow + ys) };
}

/** The fields every entry of the layer shares: id, pass, shader, workgroup size; supported everywhere unless it says otherwise. */
function entryBase(pass: KernelPass, variant: string, shader: string, workgroupSize: number) {
  return { id: `conv2d.${pass}.${variant}`, layerType: 'Conv2D', pass, shaders: [shader], workgroupSize, supports: () => true as const };
}

function forwardEntry(
  variant: string,
  shader: string,
  items: (c: Conv2dConfig, s: Conv2dShape) => number,
  extra: Partial<Conv2dEntry> = {},
): Conv2dEntry {
  return {
    ...entryBase('forward', variant, shader, CONV2D_FORWARD_WORKGROUP),
    constants: (c) => ({ WORKGROUP_SIZE: CONV2D_FORWARD_WORKGROUP, ...shapeConstants(c), KERNEL_OFFSET: c.kernelOffset, BIAS_OFFSET: c.biasOffset }),
    items: (c) => items(c, conv2dShape(c)),
    cost: forwardCost,
    ...extra,
  };
}

/** Forward kernels, in the fixed rule's order. */
export const CONV2D_FORWARD_KERNELS: readonly Conv2dEntry[] = [
  // One input channel: a whole output row x 8 channels, the kernel held in registers. 2.5-3x
  // faster than 'tile4x4' for conv2d (28x28x1 -> 32).
  forwardEntry('cin1row', 'conv2d_forward_cin1_row', (c, s) => c.batch * s.outHeight * outGroups(c), {
    supports: (c) => c.inChannels === 1 || `needs 1 input channel (got ${c.inChannels})`,
  }),
  // 4x4 pixels x 8 channels; preferred below 8 input channels (2.2x faster than 'tiled' in
  // three bench runs); from 8 it was faster in two runs and slower in a third (undecided).
  forwardEntry(
    'tile4x4',
    'conv2d_forward_tile4x4',
    (c, s) => c.batch * Math.ceil(s.outHeight / FORWARD_4X4_TILE) * Math.ceil(s.outWidth / FORWARD_4X4_TILE) * outGroups(c),
    { preferredWhen: (c) => c.inChannels < 8 },
  ),
  // 5x5 pixels x 8 channels over the used region only; preferred where that region is whole
  // 5x5 tiles (conv2d_1's 10x10: 110 ms vs 158 ms 'tile4x4' and 269 ms 'tiled' over 11x11).
  forwardEntry(
    'tile5x5',
    'conv2d_forward_tile5x5',
    (c, s) => c.batch * Math.ceil(s.usedHeight / FORWARD_5X5_TILE) * Math.ceil(s.usedWidth / FORWARD_5X5_TILE) * outGroups(c),
    {
      preferredWhen: (c) => {
        const s = conv2dShape(c);
        return s.usedHeight % FORWARD_5X5_TILE === 0 && s.usedWidth % FORWARD_5X5_TILE === 0;
      },
      constants: (c) => ({
        WORKGROUP_SIZE: CONV2D_FORWARD_WORKGROUP, ...shapeConstants(c), KERNEL_OFFSET: c.kernelOffset, BIAS_OFFSET: c.biasOffset, ...usedConstants(c),
      }),
    },
  ),
  // 1x4 pixels x 8 channels: any shape (the fallback).
  forwardEntry('tiled', 'conv2d_forward', (c, s) => c.batch * s.outHeight * Math.ceil(s.outWidth / FORWARD_TILE_X) * outGroups(c)),
];

/** The evaluation forward fused with the floor 2x2 max-pool after it (conv + bias + ReLU + pool, y never stored). */
export const CONV2D_POOLED_KERNEL: Conv2dEntry = {
  id: 'conv2d.inference.cin1pool',
  layerType: 'Conv2D',
  pass: 'inference',
  shaders: ['conv2d_forward_cin1_pool'],
  workgroupSize: CONV2D_POOLED_WORKGROUP,
  supports: (c) => {
    const s = conv2dShape(c);
    if (c.inChannels !== 1) return `needs 1 input channel (got ${c.inChannels})`;
    if (s.outHeight < 2 || s.outWidth < 2) return `needs a conv output of at least 2x2 (got ${s.outHeight}x${s.outWidth})`;
    return c.inferenceOnly ? true : 'evaluation only (inferenceOnly)';
  },
  constants: (c) => ({ WORKGROUP_SIZE: CONV2D_POOLED_WORKGROUP, ...shapeConstants(c), KERNEL_OFFSET: c.kernelOffset, BIAS_OFFSET: c.biasOffset }),
  items: (c) => c.batch * Math.floor(conv2dShape(c).outHeight / 2) * outGroups(c),
  cost(c) {
    // Conv + bias + ReLU, then 3 compares per pooled value; writes only the pooled output.
    const s = conv2dShape(c);
    const [ph, pw] = [Math.floor(s.outHeight / 2), Math.floor(s.outWidth / 2)];
    const pooled = c.batch * ph * pw * c.outChannels;
    const f = forwardCost(c);
    const shape = `(${c.batch},${c.height},${c.width},${c.inChannels})->(${c.batch},${ph},${pw},${c.outChannels}) pooled`;
    return { shape, flops: f.flops + 3 * pooled, bytes: f.bytes - 4 * (outputSize(c) - pooled) };
  },
};

/** g = dy * (y > 0), skipped when the output gradient comes masked. */
export const CONV2D_MASK_KERNEL: Conv2dEntry = {
  id: 'conv2d.backward-mask.relu',
  layerType: 'Conv2D',
  pass: 'backward-mask',
  shaders: ['conv2d_backward_mask'],
  workgroupSize: CONV2D_MASK_WORKGROUP,
  supports: () => true,
  constants: (c) => {
    const s = conv2dShape(c);
    return { WORKGROUP_SIZE: CONV2D_MASK_WORKGROUP, SAMPLE_COUNT4: (s.outHeight * s.outWidth * c.outChannels) / 4 };
  },
  items: (c) => (conv2dShape(c).positions * c.outChannels) / 4,
  cost: (c) => ({ shape: ioShape(c), flops: outputSize(c), bytes: 4 * 3 * outputSize(c) }),
};

/** Reads x and g once, writes one partial-sum row per chunk. */
function filterCost(c: Conv2dConfig, split: FilterSplit): KernelCost {
  const ks = conv2dShape(c).partialRow;
  return {
    shape: `${ioShape(c)} ${split.chunks} chunks`,
    flops: 2 * macs(c) + 2 * outputSize(c),
    bytes: 4 * (inputSize(c) + outputSize(c) + split.chunks * ks),
  };
}

/**
 * A filter-gradient entry. Its chunking depends on the batch size: the kernel reads it from the
 * layer's split table (filterSplitRow for each batch size), so the pipeline does not.
 */
function filterEntry(
  variant: string,
  shader: string,
  split: (c: Conv2dConfig) => FilterSplit,
  perChunk: (c: Conv2dConfig) => number,
  regionConstants: (c: Conv2dConfig) => Record<string, number>,
  extra: Partial<Conv2dFilterEntry> = {},
): Conv2dFilterEntry {
  return {
    ...entryBase('backward-filter', variant, shader, CONV2D_FILTER_WORKGROUP),
    split,
    items: (c) => split(c).chunks * perChunk(c),
    cost: (c) => filterCost(c, split(c)),
    constants: (c) => ({ WORKGROUP_SIZE: CONV2D_FILTER_WORKGROUP, ...shapeConstants(c), ...regionConstants(c) }),
    ...extra,
  };
}

/** Row of a filter kernel's split table (src/gpu/batch-size.ts createBatchTable): (chunk, chunks, rowsPerChunk). */
export function filterSplitRow(entry: Conv2dFilterEntry, c: Conv2dConfig): number[] {
  const s = entry.split(c);
  return [s.chunk, s.chunks, s.rowsPerChunk];
}

/** Filter-gradient kernels (split-K partial sums of dk and db), in the fixed rule's order. */
export const CONV2D_FILTER_KERNELS: readonly Conv2dFilterEntry[] = [
  // 2 ci x 8 co x 9 taps per invocation over chunks of used output rows, the 3x3 input window
  // sliding in registers; preferred from 8 input channels (conv2d_1: 160 ms vs 213 ms
  // 'positions' over the same region, 249 ms 'rows'); on fewer it wastes its channel pair.
  filterEntry(
    'slide',
    'conv2d_backward_filter_slide',
    (c) => {
      const s = conv2dShape(c);
      const rows = c.batch * s.usedHeight;
      const wanted = Math.max(1, Math.ceil(FILTER_SLIDE_TARGET_INVOCATIONS / (Math.ceil(c.inChannels / FILTER_SLIDE_TILE_CI) * outGroups(c))));
      const rowsPerChunk = Math.max(1, Math.ceil(rows / wanted));
      return { chunk: rowsPerChunk * s.usedWidth, chunks: Math.ceil(rows / rowsPerChunk), rowsPerChunk };
    },
    (c) => Math.ceil(c.inChannels / FILTER_SLIDE_TILE_CI) * outGroups(c),
    usedConstants,
    { preferredWhen: (c) => c.inChannels >= 8 },
  ),
  // 1 ci x 8 co x 9 taps per invocation over chunks of used positions: the fallback, preferred
  // below 8 input channels (conv2d: 29 ms vs 46 ms 'slide' and 93 ms 'rows').
  filterEntry(
    'positions',
    'conv2d_backward_filter',
    (c) => {
      const s = conv2dShape(c);
      const usedPositions = c.batch * s.usedHeight * s.usedWidth;
      const maxChunks = Math.max(1, Math.floor(usedPositions / FILTER_MIN_CHUNK));
      const wanted = Math.min(maxChunks, Math.max(1, Math.ceil(FILTER_TARGET_INVOCATIONS / (c.inChannels * outGroups(c)))));
      const chunk = Math.ceil(usedPositions / wanted);
      return { chunk, chunks: Math.ceil(usedPositions / chunk), rowsPerChunk: 0 };
    },
    (c) => c.inChannels * outGroups(c),
    usedConstants,
  ),
  // 4 ci x 8 co x 3 kx per invocation over chunks of whole output rows (ignores the used region).
  filterEntry(
    'rows',
    'conv2d_backward_filter_rows',
    (c) => {
      const s = conv2dShape(c);
      const rows = c.batch * s.outHeight;
      const wanted = Math.max(1, Math.ceil(FILTER_ROWS_TARGET_INVOCATIONS / (CONV_K * Math.ceil(c.inChannels / FILTER_ROWS_TILE_CI) * outGroups(c))));
      const rowsPerChunk = Math.max(FILTER_ROWS_MIN_ROWS, Math.ceil(rows / wanted));
      return { chunk: rowsPerChunk * s.outWidth, chunks: Math.ceil(rows / rowsPerChunk), rowsPerChunk };
    },
    (c) => CONV_K * Math.ceil(c.inChannels / FILTER_ROWS_TILE_CI) * outGroups(c),
    () => ({}),
  ),
];

/** The reduce's configuration: the layer's and the chunk count of its filter kernel (for the cost). */
export type Conv2dReduceConfig = Conv2dConfig & { chunks: number };

/** Sums the filter kernel's chunks (their count read from the layer's split table) into dk and db in the gradient buffer. */
export const CONV2D_REDUCE_KERNEL: KernelEntry<Conv2dReduceConfig> = {
  id: 'conv2d.backward-reduce.chunks',
  layerType: 'Conv2D',
  pass: 'backward-reduce',
  shaders: ['conv2d_backward_filter_reduce'],
  workgroupSize: CONV2D_REDUCE_WORKGROUP,
  supports: () => true,
  constants: (c) => ({
    WORKGROUP_SIZE: CONV2D_REDUCE_WORKGROUP, CIN: c.inChannels, COUT: c.outChannels, KERNEL_OFFSET: c.kernelOffset, BIAS_OFFSET: c.biasOffset,
  }),
  items: (c) => conv2dShape(c).partialRow / 4,
  cost(c) {
    const ks = conv2dShape(c).partialRow;
    return { shape: `${c.chunks}x${ks}`, flops: c.chunks * ks, bytes: 4 * (c.chunks * ks + ks) };
  },
};

/** Floats of the transposed kernel (3,3,Cout,Cin4). */
export const transposedKernelLength = (c: Conv2dConfig) => CONV_K * CONV_K * c.outChannels * Math.ceil(c.inChannels / 4) * 4;

/** Writes the kernel as (3,3,Cout,Cin4) for the dx kernels that read vec4s over ci. */
export const CONV2D_TRANSPOSE_KERNEL: Conv2dEntry = {
  id: 'conv2d.backward-transpose.cin4',
  layerType: 'Conv2D',
  pass: 'backward-transpose',
  shaders: ['conv2d_backward_kernel_transpose'],
  workgroupSize: CONV2D_TRANSPOSE_WORKGROUP,
  supports: () => true,
  constants: (c) => ({ WORKGROUP_SIZE: CONV2D_TRANSPOSE_WORKGROUP, CIN: c.inChannels, COUT: c.outChannels, KERNEL_OFFSET: c.kernelOffset }),
  items: transposedKernelLength,
  cost: (c) => ({ shape: `${conv2dShape(c).partialRow}`, flops: 0, bytes: 8 * conv2dShape(c).partialRow }),
};

/** dx: reads g and the kernel, writes dx. */
function inputCost(c: Conv2dConfig): KernelCost {
  return { shape: ioShape(c), flops: 2 * macs(c), bytes: 4 * (outputSize(c) + conv2dShape(c).partialRow + inputSize(c)) };
}

function inputEntry(variant: string, shader: string, items: (c: Conv2dConfig) => number, extra: Partial<Conv2dInputEntry> = {}): Conv2dInputEntry {
  return {
    ...entryBase('backward-input', variant, shader, CONV2D_INPUT_WORKGROUP),
    readsHwio: false,
    constants: (c) => ({ WORKGROUP_SIZE: CONV2D_INPUT_WORKGROUP, ...shapeConstants(c) }),
    items,
    cost: inputCost,
    ...extra,
  };
}

/** The dx entry that dispatches once per tile class (src/layers/conv2d.ts). */
export const TILE6X6_INPUT_ID = 'conv2d.backward-input.tile6x6';

/** Input-gradient kernels, in the fixed rule's order. */
export const CONV2D_INPUT_KERNELS: readonly Conv2dInputEntry[] = [
  // 6x6 pixels x 8 channels over the region that can receive gradient, one dispatch per tile
  // class so that window rows/columns outside the used region compile out; preferred from 8
  // input channels (conv2d_1: 103 ms vs 174 ms 'rows', 355 ms 'tile4x4', 545 ms 'direct').
  inputEntry(
    'tile6x6',
    'conv2d_backward_input_tile6x6',
    (c) => {
      const { rows, cols } = inputTileGrid(c);
      return c.batch * rows.tiles * cols.tiles * inGroups(c);
    },
    { preferredWhen: (c) => c.inChannels >= 8, constants: (c) => ({ WORKGROUP_SIZE: CONV2D_INPUT_WORKGROUP, ...shapeConstants(c), ...usedConstants(c) }) },
  ),
  // The HWIO kernel as it is, 4 columns x 4 input channels: the fallback, preferred below 8
  // input channels, where the 8-channel tiles of the others waste most of their work.
  inputEntry('direct', 'conv2d_backward_input_direct', (c) => c.batch * c.height * Math.ceil(c.width / INPUT_DIRECT_TILE_X) * Math.ceil(c.inChannels / INPUT_DIRECT_TILE_CI), {
    readsHwio: true,
    constants: (c) => ({ WORKGROUP_SIZE: CONV2D_INPUT_WORKGROUP, ...shapeConstants(c), KERNEL_OFFSET: c.kernelOffset }),
  }),
  // 1x7 pixels x 8 channels, visiting only the kernel rows whose output row exists (226 ms
  // with conv2d_1's used region vs 321 ms 'tile4x4').
  inputEntry('rows', 'conv2d_backward_input_rows', (c) => c.batch * c.height * Math.ceil(c.width / INPUT_ROWS_TILE_X) * inGroups(c), {
    constants: (c) => ({ WORKGROUP_SIZE: CONV2D_INPUT_WORKGROUP, ...shapeConstants(c), ...usedConstants(c) }),
  }),
  // 4x4 pixels x 8 channels over zero-padded rows.
  inputEntry('tile4x4', 'conv2d_backward_input_tile4x4', (c) => c.batch * Math.ceil(c.height / INPUT_4X4_TILE) * Math.ceil(c.width / INPUT_4X4_TILE) * inGroups(c)),
];

/** Every registered kernel of the 3x3 convolution (the reduce's configuration adds its chunk count). */
export const CONV2D_KERNELS: readonly KernelEntry<Conv2dConfig>[] = [
  ...CONV2D_FORWARD_KERNELS,
  CONV2D_POOLED_KERNEL,
  CONV2D_MASK_KERNEL,
  ...CONV2D_FILTER_KERNELS,
  CONV2D_TRANSPOSE_KERNEL,
  ...CONV2D_INPUT_KERNELS,
];
