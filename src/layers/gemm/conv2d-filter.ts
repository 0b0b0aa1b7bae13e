// Conv2D kernel and bias gradients as an implicit GEMM split over K: dK = A g, C (M = KH*KW*Cin
// rows, plus one row of ones' sums for db when there is a bias; N = Cout), the sum over the
// output positions K = B*Ho*Wo, in the layer's chunks (its split table, one row per batch
// size): part p writes its partial row of [dK | db] into `partials`, which the layer's reduce
// (conv2d_general_backward_reduce) sums into the gradient buffer.
import type { GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';
import { rowVec4Loader } from './wgsl-snippets.ts';

export const CONV2D_FILTER_GEMM: GemmJob = {
  header: `conv2d kernel (and bias) gradient as an implicit GEMM over one chunk of the output positions:
  partials[part, m, n] = sum over k in the chunk of A[m, k] g[k, n];
  m = (kh, kw, c), A[m, k] = x[b, oh*SH + kh - PAD_TOP, ow*SW + kw - PAD_LEFT, c] for k = (b, oh, ow) (0 outside);
  row m = KH*KW*CIN (with USE_BIAS) is all ones: its sums are db.
Bindings:
  x:        (BATCH, H, W, CIN) f32, read
  g:        (BATCH, HO, WO, COUT) f32, dL/d(pre-activation output), read; g4 the same as vec4 (OUT_VEC4)
  partials: (CHUNKS, ROW) f32, each chunk's [dK (KH, KW, CIN, COUT) | db (COUT)], written
  split:    (max batch + 1) vec4u, read: row BATCH = (CHUNK, CHUNKS)
Overrides: H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO, ROW, GM (rows: KH*KW*CIN + USE_BIAS), OUT_VEC4; BATCH at run time.`,
  operands: `
override OUT_VEC4: bool;
override CHUNK: u32 = layout.$.split[BATCH].x;
override CHUNKS: u32 = layout.$.split[BATCH].y;
override GN: u32 = COUT;
override GK: u32 = BATCH * HO * WO;

fn loadA(m: u32, k: u32) -> f32 {
  let taps = KH * KW * CIN;
  if (m >= taps) { return 1.0; }
  let tap = m / CIN;
  let ow = k % WO;
  let oh = (k / WO) % HO;
  let n = k / (WO * HO);
  let ihp = oh * SH + tap / KW;
  let iwp = ow * SW + tap % KW;
  if (ihp < PAD_TOP || iwp < PAD_LEFT || ihp - PAD_TOP >= H || iwp - PAD_LEFT >= W) { return 0.0; }
  return layout.$.x[((n * H + ihp - PAD_TOP) * W + iwp - PAD_LEFT) * CIN + m % CIN];
}

${rowVec4Loader('loadB4', 'g', 'g4', 'COUT', '0u', 'OUT_VEC4')}

fn store(m: u32, n: u32, part: u32, v: f32) {
  layout.$.partials[part * ROW + m * COUT + n] = v;
}`,
  split: { parts: 'CHUNKS', length: 'CHUNK' },
};
