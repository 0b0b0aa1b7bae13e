// Conv2D forward as an implicit GEMM: y = act(im2col(x) K + b), C (M = B*Ho*Wo, N = Cout),
// the sum over K = KH*KW*Cin. A's rows are output positions, its columns the taps and input
// channels (channel fastest, as K's HWIO rows), read from x with the padding as zeros; B is the
// kernel's rows. The bias and the activation are the epilogue.
import type { GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';
import { OUTSIDE, rowVec4Loader } from './wgsl-snippets.ts';

export const CONV2D_FORWARD_GEMM: GemmJob = {
  header: `conv2d forward as an implicit GEMM: y[m, n] = act(sum_k A[m, k] K[k, n] + b[n]).
  m = (b, oh, ow) an output position; k = (kh, kw, c), A[m, k] = x[b, oh*SH + kh - PAD_TOP, ow*SW + kw - PAD_LEFT, c] (0 outside).
Bindings:
  x:      (BATCH, H, W, CIN) f32, read
  params: flat f32, read: K (KH, KW, CIN, COUT) at K_OFFSET, b (COUT) at B_OFFSET (USE_BIAS); params4 the same as vec4 (OUT_VEC4)
  y:      (BATCH, HO, WO, COUT) f32, post-activation, written
Overrides: H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO, K_OFFSET, B_OFFSET, USE_BIAS, ACT, OUT_VEC4; BATCH at run time.`,
  operands: `${OUTSIDE}
override USE_BIAS: bool;
override OUT_VEC4: bool;
override GM: u32 = BATCH * HO * WO;
override GN: u32 = COUT;
override GK: u32 = KH * KW * CIN;
override OUTER: u32 = KH * KW;
override INNER: u32 = CIN;

// Output position m: (n * H, oh * SH, ow * SW); tap t: (kh, kw).
fn aOrigin(m: u32) -> vec4u { return vec4u((m / (WO * HO)) * H, ((m / WO) % HO) * SH, (m % WO) * SW, 0u); }
fn aStep(tap: u32) -> vec4u { return vec4u(tap / KW, tap % KW, 0u, 0u); }

// The input pixel under the tap (x's index of channel 0), or OUTSIDE in the padding.
fn aRow(p: vec4u, t: vec4u) -> u32 {
  let ihp = p.y + t.x;
  let iwp = p.z + t.y;
  if (ihp < PAD_TOP || iwp < PAD_LEFT || ihp - PAD_TOP >= H || iwp - PAD_LEFT >= W) { return OUTSIDE; }
  return ((p.x + ihp - PAD_TOP) * W + iwp - PAD_LEFT) * CIN;
}

fn aAt(row: u32, c: u32) -> f32 {
  return select(0.0, layout.$.x[select(0u, row + c, row != OUTSIDE)], row != OUTSIDE);
}

${rowVec4Loader('loadB4', 'params', 'params4', 'COUT', 'K_OFFSET', 'OUT_VEC4')}

fn store(m: u32, n: u32, part: u32, v: f32) {
  var s = v;
  if (USE_BIAS) { s += layout.$.params[B_OFFSET + n]; }
  layout.$.y[m * COUT + n] = activate(s, ACT);
}`,
};
