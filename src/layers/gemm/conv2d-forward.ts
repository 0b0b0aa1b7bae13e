// Conv2D forward as an implicit GEMM: y = act(im2col(x) K + b), C (M = B*Ho*Wo, N = Cout),
// the sum over K = KH*KW*Cin. A's rows are output positions, its columns the taps and input
// channels (channel fastest, as K's HWIO rows), read from x with the padding as zeros; B is the
// kernel's rows. The bias and the activation are the epilogue.
import type { GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';
import { rowVec4Loader } from './wgsl-snippets.ts';

export const CONV2D_FORWARD_GEMM: GemmJob = {
  header: `conv2d forward as an implicit GEMM: y[m, n] = act(sum_k A[m, k] K[k, n] + b[n]).
  m = (b, oh, ow) an output position; k = (kh, kw, c), A[m, k] = x[b, oh*SH + kh - PAD_TOP, ow*SW + kw - PAD_LEFT, c] (0 outside).
Bindings:
  x:      (BATCH, H, W, CIN) f32, read
  params: flat f32, read: K (KH, KW, CIN, COUT) at K_OFFSET, b (COUT) at B_OFFSET (USE_BIAS); params4 the same as vec4 (OUT_VEC4)
  y:      (BATCH, HO, WO, COUT) f32, post-activation, written
Overrides: H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO, K_OFFSET, B_OFFSET, USE_BIAS, ACT, OUT_VEC4; BATCH at run time.`,
  operands: `
override USE_BIAS: bool;
override OUT_VEC4: bool;
override GM: u32 = BATCH * HO * WO;
override GN: u32 = COUT;
override GK: u32 = KH * KW * CIN;

fn loadA(m: u32, k: u32) -> f32 {
  let ow = m % WO;
  let oh = (m / WO) % HO;
  let n = m / (WO * HO);
  let tap = k / CIN;
  let ihp = oh * SH + tap / KW;
  let iwp = ow * SW + tap % KW;
  if (ihp < PAD_TOP || iwp < PAD_LEFT || ihp - PAD_TOP >= H || iwp - PAD_LEFT >= W) { return 0.0; }
  return layout.$.x[((n * H + ihp - PAD_TOP) * W + iwp - PAD_LEFT) * CIN + k % CIN];
}

${rowVec4Loader('loadB4', 'params', 'params4', 'COUT', 'K_OFFSET', 'OUT_VEC4')}

fn store(m: u32, n: u32, part: u32, v: f32) {
  var s = v;
  if (USE_BIAS) { s += layout.$.params[B_OFFSET + n]; }
  layout.$.y[m * COUT + n] = activate(s, ACT);
}`,
};
