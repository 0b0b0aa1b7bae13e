// The general Conv2D's generated kernels (src/gpu/gemm/): forward, input gradient and kernel
// gradient as implicit GEMMs, one entry per pass and tile. They serve every configuration the
// general layer accepts, bind the same layouts as the hand-written kernels they stand beside
// (src/layers/conv2d-general.ts) and share their costs, the filter gradient's split table and
// its reduce.
import { gemmItems, gemmTileName, gemmInvocations, type GemmTile } from '../../gpu/gemm/gemm-tile.ts';
import { gemmWgsl, type GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';
import { supportsWhenNoThrow, type KernelEntry } from '../../gpu/kernel-registry.ts';
import { activationCode } from '../../model/activations.ts';
import { conv2dGeneralShape, vec4Constants, type Conv2dGeneralConfig, type Conv2dGeneralShape } from '../conv2d-general.ts';
import { CONV2D_GENERAL_KERNELS } from '../conv2d-general-kernels.ts';
import { CONV2D_FORWARD_GEMM } from './conv2d-forward.ts';
import { CONV2D_INPUT_GEMM } from './conv2d-input.ts';
import { CONV2D_FILTER_GEMM } from './conv2d-filter.ts';

type ConvGemmPass = 'forward' | 'backward-input' | 'backward-filter';

const supportsConfig = supportsWhenNoThrow(conv2dGeneralShape);

/** The geometry overrides every pass reads. */
function geometry(c: Conv2dGeneralConfig, s: Conv2dGeneralShape): Record<string, number> {
  return {
    H: c.inHeight, W: c.inWidth, CIN: c.inChannels, COUT: c.outChannels, KH: c.kernelHeight, KW: c.kernelWidth,
    SH: c.strideHeight, SW: c.strideWidth, PAD_TOP: s.padTop, PAD_LEFT: s.padLeft, HO: s.outHeight, WO: s.outWidth,
  };
}

/** The forward's overrides. */
const forwardConstants = (c: Conv2dGeneralConfig, s: Conv2dGeneralShape): Record<string, number> => ({
  ...geometry(c, s), OUT_VEC4: vec4Constants(c).OUT_VEC4, K_OFFSET: c.kernelOffset, B_OFFSET: c.useBias ? c.biasOffset : 0,
  USE_BIAS: c.useBias ? 1 : 0, ACT: activationCode(c.activation),
});

/** Rows of the filter gradient's C: the kernel's rows and, with a bias, db's row of ones. */
const filterRows = (c: Conv2dGeneralConfig) => c.kernelHeight * c.kernelWidth * c.inChannels + (c.useBias ? 1 : 0);

const PASSES: Record<ConvGemmPass, {
  job: GemmJob;
  general: KernelEntry<Conv2dGeneralConfig>;
  constants: (c: Conv2dGeneralConfig, s: Conv2dGeneralShape) => Record<string, number>;
  /** C's rows, columns and K-split parts for c.batch samples. */
  grid: (c: Conv2dGeneralConfig, s: Conv2dGeneralShape) => [number, number, number];
}> = {
  forward: {
    job: CONV2D_FORWARD_GEMM,
    general: CONV2D_GENERAL_KERNELS.forward,
    constants: forwardConstants,
    grid: (c, s) => [s.positions, c.outChannels, 1],
  },
  'backward-input': {
    job: CONV2D_INPUT_GEMM,
    general: CONV2D_GENERAL_KERNELS.input,
    constants: (c, s) => ({ ...geometry(c, s), K_OFFSET: c.kernelOffset }),
    grid: (c) => [c.batch * c.inHeight * c.inWidth, c.inChannels, 1],
  },
  'backward-filter': {
    job: CONV2D_FILTER_GEMM,
    general: CONV2D_GENERAL_KERNELS.filter,
    constants: (c, s) => ({ ...geometry(c, s), OUT_VEC4: vec4Constants(c).OUT_VEC4, ROW: s.partialRow, GM: filterRows(c) }),
    grid: (c, s) => [filterRows(c), c.outChannels, s.chunks],
  },
};

/** The generated kernel of `pass` with `tile`: id `conv2d-general.<pass>.gemm-<tile>`. */
export function conv2dGemmEntry(pass: ConvGemmPass, tile: GemmTile, preferredWhen?: (c: Conv2dGeneralConfig) => boolean): KernelEntry<Conv2dGeneralConfig> {
  const p = PASSES[pass];
  return {
    id: `conv2d-general.${pass}.gemm-${gemmTileName(tile)}`,
    layerType: 'Conv2D',
    pass,
    shaders: [],
    generate: () => gemmWgsl(p.job, tile),
    workgroupSize: gemmInvocations(tile),
    supports: supportsConfig,
    constants: (c) => p.constants(c, conv2dGeneralShape(c)),
    items: (c) => gemmItems(tile, ...p.grid(c, conv2dGeneralShape(c))),
    cost: (c) => p.general.cost(c),
    preferredWhen,
  };
}
