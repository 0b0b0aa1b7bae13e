// Conv2D input gradient as an implicit GEMM: dx = A K^T, C (M = B*H*W, N = Cin), the sum over
// K = KH*KW*Cout. A[m, k] is g at the output position from which tap (kh, kw) reaches input
// position m (0 where none does: outside the output, or between strides); B[k, n] is the
// kernel's element (kh, kw, n, o), a transposed read. Every dx element is written.
import type { GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';

export const CONV2D_INPUT_GEMM: GemmJob = {
  header: `conv2d input gradient as an implicit GEMM: dx[m, n] = sum_k A[m, k] B[k, n].
  m = (b, ih, iw) an input position; k = (kh, kw, o); A[m, k] = g[b, oh, ow, o] where oh*SH + kh = ih + PAD_TOP and
  ow*SW + kw = iw + PAD_LEFT (0 where no such output position exists); B[k, n] = K[kh, kw, n, o].
Bindings:
  g:      (BATCH, HO, WO, COUT) f32, dL/d(pre-activation output), read
  params: flat f32, read: K (KH, KW, CIN, COUT) at K_OFFSET
  dx:     (BATCH, H, W, CIN) f32, written
Overrides: H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO, K_OFFSET; BATCH at run time.`,
  operands: `
override GM: u32 = BATCH * H * W;
override GN: u32 = CIN;
override GK: u32 = KH * KW * COUT;

fn loadA(m: u32, k: u32) -> f32 {
  let iw = m % W;
  let ih = (m / W) % H;
  let n = m / (W * H);
  let tap = k / COUT;
  let kh = tap / KW;
  let kw = tap % KW;
  let ohs = ih + PAD_TOP;
  let ows = iw + PAD_LEFT;
  if (ohs < kh || ows < kw) { return 0.0; }
  let oh = (ohs - kh) / SH;
  let ow = (ows - kw) / SW;
  if ((ohs - kh) % SH != 0u || (ows - kw) % SW != 0u || oh >= HO || ow >= WO) { return 0.0; }
  return layout.$.g[((n * HO + oh) * WO + ow) * COUT + k % COUT];
}

fn loadB4(k: u32, n: u32) -> vec4f {
  let i = vec4u(K_OFFSET + (k / COUT) * CIN * COUT + k % COUT) + min(vec4u(n) + vec4u(0u, 1u, 2u, 3u), vec4u(CIN - 1u)) * COUT;
  return vec4f(layout.$.params[i.x], layout.$.params[i.y], layout.$.params[i.z], layout.$.params[i.w]);
}

fn store(m: u32, n: u32, part: u32, v: f32) {
  layout.$.dx[m * CIN + n] = v;
}`,
};
