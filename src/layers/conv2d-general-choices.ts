// The general Conv2D's alternatives per pass, in the fixed rule's priority order: the
// hand-written kernels (conv2d-general-kernels.ts) and the generated implicit GEMMs
// (gemm/conv2d-gemm-kernels.ts). The builder (conv2d-general.ts) asks its KernelChooser among
// them; the autotuner offers each wherever it is supported.
import type { KernelEntry } from '../gpu/kernel-registry.ts';
import type { Conv2dGeneralConfig } from './conv2d-general.ts';
import { CONV2D_GENERAL_KERNELS } from './conv2d-general-kernels.ts';
import { conv2dGemmEntry } from './gemm/conv2d-gemm-kernels.ts';

type Entries = readonly KernelEntry<Conv2dGeneralConfig>[];

/** Direct loads, 4 positions x 8 output channels per invocation. */
const DIRECT_4x8 = { tm: 32, tn: 16, tk: 1, rm: 4, rn: 8, shared: false };
/** Direct loads, 4x4 per invocation (the hand-written kernels' block). */
const DIRECT_4x4 = { tm: 64, tn: 8, tk: 1, rm: 4, rn: 4, shared: false };

/**
 * Forward: the generated 4x8 GEMM (K in kernel rows) where a tap's run of input channels is 4
 * or longer, else the hand-written 'blocked'. On SwiftShader (bench/gemm-slots.gpu.ts,
 * training at batch 128, 2026-12-07, 23:46 UTC; bench/results/gemm-slots-2026-12-07.txt):
 * lenet5's conv2d_1 (5x5 'valid', 6->16) 31.9 against 52.5 ms and 25.8 against 42.9 ms;
 * strided-bn's conv2d_1 (3x3 stride 2 'same', 32->64) 182.9 against 288.7 ms and 180.0 against
 * 180.6 ms (K per tap instead of per kernel row, in two earlier runs: 80.8 / 96.3 against
 * 118.2 / 104.4 ms, 205.0 / 206.9 against 257.7 / 263.2 ms). With one input channel (the first
 * layers) the GEMMs were even or ahead (lenet5 48.7 / 42.5 (4x4) against 52.5 / 50.6 ms,
 * strided-bn 49.4 / 17.4 against 51.2 / 24.6 ms): two runs, not yet enough to move the rule.
 * Filter and input gradients keep the hand-written kernels: the 4x8 GEMM won lenet5's conv2d_1
 * filter gradient (122.2 against 179.8 ms, 78.5 against 152.6 ms) but lost strided-bn's
 * (370.3 against 342.8 ms, 157.3 against 142.7 ms) and every input gradient (strided-bn
 * conv2d_1 370.0 against 174.2 ms); the tuner offers them. Tiles staged in workgroup memory lost
 * every slot by 1.5-10x (a barrier per K step is costly on SwiftShader) and 8x4 blocks compiled
 * for up to 30 s on a 7x3 kernel, so neither is offered.
 */
const longChannelRuns = (c: Conv2dGeneralConfig) => c.inChannels >= 4;

export const CONV2D_GENERAL_FORWARD: Entries = [
  conv2dGemmEntry('forward', DIRECT_4x8, longChannelRuns),
  CONV2D_GENERAL_KERNELS.forward,
  conv2dGemmEntry('forward', DIRECT_4x4),
];
export const CONV2D_GENERAL_INPUT: Entries = [CONV2D_GENERAL_KERNELS.input, ...[DIRECT_4x8, DIRECT_4x4].map((t) => conv2dGemmEntry('backward-input', t))];
export const CONV2D_GENERAL_FILTER: Entries = [CONV2D_GENERAL_KERNELS.filter, ...[DIRECT_4x8, DIRECT_4x4].map((t) => conv2dGemmEntry('backward-filter', t))];

/** Every general Conv2D kernel, for the registry. */
export const CONV2D_GENERAL_ALL: Entries = [
  ...new Set([...Object.values(CONV2D_GENERAL_KERNELS), ...CONV2D_GENERAL_FORWARD, ...CONV2D_GENERAL_INPUT, ...CONV2D_GENERAL_FILTER]),
];
