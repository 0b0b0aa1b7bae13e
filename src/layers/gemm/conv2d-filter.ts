// Conv2D kernel and bias gradients as an implicit GEMM split over K: dK = A g, C (M = KH*KW*Cin
// rows, plus one row of ones' sums for db when there is a bias; N = Cout), the sum over the
// output positions K = B*Ho*Wo, in the layer's chunks (its split table, one row per batch
// size): part p writes its partial row of [dK | db] into `partials`, which the layer's reduce
// (conv2d_general_backward_reduce) sums into the gradient buffer.
import type { GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';
import { ONES, OUTSIDE, rowVec4Loader } from './wgsl-snippets.ts';

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
  operands: `${OUTSIDE}
${ONES}
override OUT_VEC4: bool;
override CHUNK: u32 = layout.$.split[BATCH].x;
override CHUNKS: u32 = layout.$.split[BATCH].y;
override GN: u32 = COUT;
override GK: u32 = BATCH * HO * WO;
override OUTER: u32 = GK;
override INNER: u32 = 1u;

// Row m: (kh, kw, c, is db's row); output position k: (n * H, oh * SH, ow * SW).
fn aOrigin(m: u32) -> vec4u {
  let tap = m / CIN;
  return vec4u(tap / KW, tap % KW, m % CIN, select(0u, 1u, m >= KH * KW * CIN));
}
fn aStep(k: u32) -> vec4u { return vec4u((k / (WO * HO)) * H, ((k / WO) % HO) * SH, (k % WO) * SW, 0u); }

// Row m's input pixel at the output position (x's index), OUTSIDE in the padding, ONES on db's row.
fn aRow(r: vec4u, p: vec4u) -> u32 {
  if (r.w == 1u) { return ONES; }
  let ihp = p.y + r.x;
  let iwp = p.z + r.y;
  if (ihp < PAD_TOP || iwp < PAD_LEFT || ihp - PAD_TOP >= H || iwp - PAD_LEFT >= W) { return OUTSIDE; }
  return ((p.x + ihp - PAD_TOP) * W + iwp - PAD_LEFT) * CIN + r.z;
}

fn aAt(row: u32, inner: u32) -> f32 {
  if (row == ONES) { return 1.0; }
  return select(0.0, layout.$.x[select(0u, row, row != OUTSIDE)], row != OUTSIDE);
}

${rowVec4Loader('loadB4', 'g', 'g4', 'COUT', '0u', 'OUT_VEC4')}

fn store(m: u32, n: u32, part: u32, v: f32) {
  layout.$.partials[part * ROW + m * COUT + n] = v;
}`,
  split: { parts: 'CHUNKS', length: 'CHUNK' },
};
