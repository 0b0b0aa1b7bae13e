// Dense's generated kernels (src/gpu/gemm/): forward, input gradient and weight gradient as
// GEMMs, one entry per pass and tile, over the same f32 bind group layouts as dense.ts's
// 'tile4x4' kernels (any shape) and with their costs.
import { gemmItems, gemmTileName, gemmInvocations, type GemmTile } from '../../gpu/gemm/gemm-tile.ts';
import { gemmWgsl, type GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';
import type { KernelEntry, KernelPass } from '../../gpu/kernel-registry.ts';
import { DENSE_FORWARD_GEMM, DENSE_INPUT_GEMM, DENSE_WEIGHTS_GEMM } from './dense.ts';

/** What a dense GEMM entry needs of the layer's configuration (dense.ts's DenseConfig). */
export interface DenseGemmConfig {
  batch: number;
  inFeatures: number;
  outFeatures: number;
  useBias: boolean;
}

export type DenseGemmPass = 'forward' | 'backward-input' | 'backward-weights';

const JOBS: Record<DenseGemmPass, { job: GemmJob; grid: (c: DenseGemmConfig) => [number, number] }> = {
  forward: { job: DENSE_FORWARD_GEMM, grid: (c) => [c.batch, c.outFeatures] },
  'backward-input': { job: DENSE_INPUT_GEMM, grid: (c) => [c.batch, c.inFeatures] },
  'backward-weights': { job: DENSE_WEIGHTS_GEMM, grid: (c) => [c.inFeatures + (c.useBias ? 1 : 0), c.outFeatures] },
};

/**
 * The generated kernel of `pass` with `tile` (id `dense.<pass>.gemm-<tile>`); `constants` and
 * `cost` are the pass's own (dense.ts), with GM (the weight gradient's rows) added.
 */
export function denseGemmEntry<C extends DenseGemmConfig>(
  pass: DenseGemmPass,
  tile: GemmTile,
  parts: { constants: (c: C) => Record<string, number>; cost: KernelEntry<C>['cost']; preferredWhen?: (c: C) => boolean },
): KernelEntry<C> {
  const { job, grid } = JOBS[pass];
  return {
    id: `dense.${pass}.gemm-${gemmTileName(tile)}`,
    layerType: 'Dense',
    pass: pass as KernelPass,
    shaders: [],
    generate: () => gemmWgsl(job, tile),
    workgroupSize: gemmInvocations(tile),
    supports: () => true,
    constants: (c) => {
      // The generated kernel declares its own workgroup size; the weight gradient reads its rows (GM), not USE_BIAS.
      const { WORKGROUP_SIZE: _size, USE_BIAS: useBias, ...constants } = parts.constants(c);
      if (pass === 'backward-weights') return { ...constants, GM: grid(c)[0] };
      return useBias === undefined ? constants : { ...constants, USE_BIAS: useBias };
    },
    items: (c) => gemmItems(tile, ...grid(c)),
    cost: parts.cost,
    preferredWhen: parts.preferredWhen,
  };
}
