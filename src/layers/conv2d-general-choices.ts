// The general Conv2D's alternatives per pass, in the fixed rule's priority order: the
// hand-written kernels (conv2d-general-kernels.ts) and the generated implicit GEMMs
// (gemm/conv2d-gemm-kernels.ts). The builder (conv2d-general.ts) asks its KernelChooser among
// them; the autotuner offers each wherever it is supported.
import type { KernelEntry } from '../gpu/kernel-registry.ts';
import type { Conv2dGeneralConfig } from './conv2d-general.ts';
import { CONV2D_GENERAL_KERNELS } from './conv2d-general-kernels.ts';
import { conv2dGemmEntry } from './gemm/conv2d-gemm-kernels.ts';

type Entries = readonly KernelEntry<Conv2dGeneralConfig>[];

const STAGED_64x16 = { tm: 64, tn: 16, tk: 8, rm: 4, rn: 4, shared: true };
const STAGED_64x8 = { tm: 64, tn: 8, tk: 8, rm: 4, rn: 4, shared: true };
const DIRECT_32x8 = { tm: 32, tn: 8, tk: 1, rm: 4, rn: 4, shared: false };

export const CONV2D_GENERAL_FORWARD: Entries = [
  CONV2D_GENERAL_KERNELS.forward,
  conv2dGemmEntry('forward', STAGED_64x16),
  conv2dGemmEntry('forward', STAGED_64x8),
  conv2dGemmEntry('forward', DIRECT_32x8),
];

export const CONV2D_GENERAL_INPUT: Entries = [
  CONV2D_GENERAL_KERNELS.input,
  conv2dGemmEntry('backward-input', STAGED_64x16),
  conv2dGemmEntry('backward-input', STAGED_64x8),
  conv2dGemmEntry('backward-input', DIRECT_32x8),
];

export const CONV2D_GENERAL_FILTER: Entries = [
  CONV2D_GENERAL_KERNELS.filter,
  conv2dGemmEntry('backward-filter', STAGED_64x16),
  conv2dGemmEntry('backward-filter', STAGED_64x8),
  conv2dGemmEntry('backward-filter', DIRECT_32x8),
];

/** Every general Conv2D kernel, for the registry. */
export const CONV2D_GENERAL_ALL: Entries = [
  ...new Set([...Object.values(CONV2D_GENERAL_KERNELS), ...CONV2D_GENERAL_FORWARD, ...CONV2D_GENERAL_INPUT, ...CONV2D_GENERAL_FILTER]),
];
