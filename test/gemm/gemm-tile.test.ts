// The GEMM generator without a GPU: tiles it refuses (with the reason), the workgroup count a
// dispatch needs, and the shape of the emitted WGSL (workgroup memory only for staged tiles,
// one accumulator per row and vec4 of the register block, the K split's bounds from the job).
// The kernels' arithmetic is checked against the float64 reference in test/gpu/dense.gpu.test.ts
// and test/gpu/conv2d-general.gpu.test.ts.
import { describe, expect, it } from 'vitest';
import { checkGemmTile, gemmInvocations, gemmItems, gemmTileName, type GemmTile } from '../../src/gpu/gemm/gemm-tile.ts';
import { gemmWgsl } from '../../src/gpu/gemm/gemm-wgsl.ts';
import { CONV2D_FILTER_GEMM } from '../../src/layers/gemm/conv2d-filter.ts';
import { DENSE_FORWARD_GEMM } from '../../src/layers/gemm/dense.ts';

const tile = (t: Partial<GemmTile>): GemmTile => ({ tm: 64, tn: 16, tk: 8, rm: 4, rn: 4, shared: true, ...t });

describe('gemm tiles', () => {
  it('names, invocations and workgroups', () => {
    expect(gemmTileName(tile({}))).toBe('s64x16k8r4x4');
    expect(gemmTileName(tile({ shared: false, tm: 32, tn: 8, tk: 1 }))).toBe('d32x8k1r4x4');
    expect(gemmInvocations(tile({}))).toBe(64);
    // 100 x 6 output: 2 x 1 tiles of 64 invocations; three K parts triple it.
    expect(gemmItems(tile({}), 100, 6)).toBe(2 * 64);
    expect(gemmItems(tile({}), 100, 6, 3)).toBe(6 * 64);
  });

  it('refuses tiles the generator cannot emit', () => {
    expect(() => checkGemmTile(tile({ tm: 48 }))).toThrow('gemm tile s48x16k8r4x4: tm must be a power of two (got 48)');
    expect(() => checkGemmTile(tile({ rn: 2 }))).toThrow(/rn must be a multiple of 4/);
    expect(() => checkGemmTile(tile({ rm: 128 }))).toThrow(/register block must fit/);
    expect(() => checkGemmTile(tile({ tm: 256, tn: 64, rm: 4, rn: 4 }))).toThrow(/1024 invocations per workgroup \(limit 256\)/);
    expect(() => checkGemmTile(tile({ tm: 128, tn: 64, tk: 32, rm: 8, rn: 8 }))).toThrow(/exceed 16 KiB/);
    expect(() => checkGemmTile(tile({ tm: 128, tn: 64, tk: 32, rm: 8, rn: 8, shared: false }))).not.toThrow();
  });

  it('emits workgroup memory only for staged tiles, and the whole register block', () => {
    const staged = gemmWgsl(DENSE_FORWARD_GEMM, tile({ rm: 2, rn: 8 }));
    expect(staged).toMatch(/var<workgroup> tileA: array<f32, 512>/);
    expect(staged).toMatch(/var<workgroup> tileB: array<vec4f, 32>/);
    expect(staged.match(/var acc\d_\d = vec4f/g)).toHaveLength(4);
    expect(staged).toContain('workgroupBarrier();');
    const direct = gemmWgsl(DENSE_FORWARD_GEMM, tile({ shared: false }));
    expect(direct).not.toContain('var<workgroup>');
    expect(direct).not.toContain('workgroupBarrier');
    expect(direct.match(/var acc\d_\d = vec4f/g)).toHaveLength(4);
    // Without a split every workgroup sums all of K; the filter gradient's parts come from its chunks.
    expect(direct).toContain('let valid = part < 1u;');
    const split = gemmWgsl(CONV2D_FILTER_GEMM, tile({}));
    expect(split).toContain('let valid = part < CHUNKS;');
    expect(split).toContain('min(part * (CHUNK), GK)');
  });
});
