// The general Conv2D's alternatives per pass, in the fixed rule's priority order: the
// hand-written kernels (conv2d-general-kernels.ts) and the generated implicit GEMMs
// (gemm/conv2d-gemm-kernels.ts). The builder (conv2d-general.ts) asks its KernelChooser among
// them; the autotuner offers each wherever it is supported.
import type { KernelEntry } from '../gpu/kernel-registry.ts';
import type { Conv2dGeneralConfig } from './conv2d-general.ts';
import { CONV2D_GENERAL_KERNELS } from './conv2d-general-kernels.ts';
import { conv2dGemmEntry } from './gemm/conv2d-gemm-kernels.ts';

type Entries = readonly KernelEntry<Conv2dGeneralConfig>[];

/** Direct loads, 4x4 per invocation: the hand-written kernels' block. */
const DIRECT_4x4 = { tm: 64, tn: 8, tk: 1, rm: 4, rn: 4, shared: false };
/** Direct loads, 8 rows (positions) x 4 columns (channels): for few output channels. */
const DIRECT_8x4 = { tm: 64, tn: 8, tk: 1, rm: 8, rn: 4, shared: false };
/** Direct loads, 4 rows x 8 columns. */
const DIRECT_4x8 = { tm: 32, tn: 16, tk: 1, rm: 4, rn: 8, shared: false };
/** A and B staged in workgroup memory. */
const STAGED_64x8 = { tm: 64, tn: 8, tk: 8, rm: 4, rn: 4, shared: true };
const TILES = [DIRECT_4x4, DIRECT_8x4, DIRECT_4x8, STAGED_64x8];

export const CONV2D_GENERAL_FORWARD: Entries = [CONV2D_GENERAL_KERNELS.forward, ...TILES.map((t) => conv2dGemmEntry('forward', t))];
export const CONV2D_GENERAL_INPUT: Entries = [CONV2D_GENERAL_KERNELS.input, ...TILES.map((t) => conv2dGemmEntry('backward-input', t))];
export const CONV2D_GENERAL_FILTER: Entries = [CONV2D_GENERAL_KERNELS.filter, ...TILES.map((t) => conv2dGemmEntry('backward-filter', t))];

/** Every general Conv2D kernel, for the registry. */
export const CONV2D_GENERAL_ALL: Entries = [
  ...new Set([...Object.values(CONV2D_GENERAL_KERNELS), ...CONV2D_GENERAL_FORWARD, ...CONV2D_GENERAL_INPUT, ...CONV2D_GENERAL_FILTER]),
];
