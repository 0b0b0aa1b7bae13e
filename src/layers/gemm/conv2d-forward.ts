// Conv2D forward as an implicit GEMM: y = act(im2col(x) K + b), C (M = B*Ho*Wo, N = Cout),
// the sum over K = KH*KW*Cin. A's rows are output positions, its columns the taps and input
// channels (channel fastest, as K's HWIO rows), read from x with the padding as zeros; B is the
// kernel's rows. The bias and the activation are the epilogue. K runs in kernel rows: an outer
// step is one kernel row kh, the inner run its KW*CIN consecutive floats of one input row (the
// taps of a kernel row read consecutive pixels whatever the stride), so A's address arithmetic
// is once per kernel row, not per tap: what matters where CIN is small.
import type { GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';
import { rowVec4Loader } from './wgsl-snippets.ts';

export const CONV2D_FORWARD_GEMM: GemmJob = {
  header: `conv2d forward as an implicit GEMM: y[m, n] = act(sum_k A[m, k] K[k, n] + b[n]).
  m = (b, oh, ow) an output position; k = (kh, kw, c), A[m, k] = x[b, oh*SH + kh - PAD_TOP, ow*SW + kw - PAD_LEFT, c] (0 outside).
Bindings:
  x:      (BATCH, H, W, CIN) f32, read
  params: flat f32, read: K (KH, KW, CIN, COUT) at K_OFFSET, b (COUT) at B_OFFSET (USE_BIAS); params4 the same as vec4 (OUT_VEC4)
  y:      (BATCH, HO, WO, COUT) f32, post-activation, written
Overrides: H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO, K_OFFSET, B_OFFSET, USE_BIAS, ACT, OUT_VEC4; BATCH at run time.
K in kernel rows: OUTER = KH steps of INNER = KW*CIN consecutive floats of one input row.`,
  operands: `
override USE_BIAS: bool;
override OUT_VEC4: bool;
override GM: u32 = BATCH * HO * WO;
override GN: u32 = COUT;
override GK: u32 = KH * KW * CIN;
override OUTER: u32 = KH;
override INNER: u32 = KW * CIN;

// Output position m: (n * H, oh * SH, ow * SW); kernel row kh.
fn aOrigin(m: u32) -> vec4u { return vec4u((m / (WO * HO)) * H, ((m / WO) % HO) * SH, (m % WO) * SW, 0u); }
fn aStep(kh: u32) -> vec4u { return vec4u(kh, 0u, 0u, 0u); }

// (x's index of tap kw = 0, channel 0 (wrapping where that tap is in the left padding), first
// and end of the run's inner indices inside the image); an empty run where the row is padding.
fn aRow(p: vec4u, t: vec4u) -> vec4u {
  let ihp = p.y + t.x;
  if (ihp < PAD_TOP || ihp - PAD_TOP >= H) { return vec4u(0u); }
  let first = select(0u, PAD_LEFT - p.z, p.z < PAD_LEFT);
  let end = min(KW, W + PAD_LEFT - p.z);
  return vec4u(((p.x + ihp - PAD_TOP) * W + p.z - PAD_LEFT) * CIN, first * CIN, end * CIN, 0u);
}

fn aAt(row: vec4u, i: u32) -> f32 {
  let inside = i >= row.y && i < row.z;
  return select(0.0, layout.$.x[select(0u, row.x + i, inside)], inside);
}

${rowVec4Loader('loadB4', 'params', 'params4', 'COUT', 'K_OFFSET', 'OUT_VEC4')}

fn store(m: u32, n: u32, part: u32, v: f32) {
  var s = v;
  if (USE_BIAS) { s += layout.$.params[B_OFFSET + n]; }
  layout.$.y[m * COUT + n] = activate(s, ACT);
}`,
};
