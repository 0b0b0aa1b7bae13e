// Conv2D input gradient as an implicit GEMM: dx = A K^T, C (M = B*H*W, N = Cin), the sum over
// K = KH*KW*Cout. A[m, k] is g at the output position from which tap (kh, kw) reaches input
// position m (0 where none does: outside the output, or between strides); B[k, n] is the
// kernel's element (kh, kw, n, o), a transposed read. Every dx element is written.
import type { GemmJob } from '../../gpu/gemm/gemm-wgsl.ts';
import { OUTSIDE } from './wgsl-snippets.ts';

export const CONV2D_INPUT_GEMM: GemmJob = {
  header: `conv2d input gradient as an implicit GEMM: dx[m, n] = sum_k A[m, k] B[k, n].
  m = (b, ih, iw) an input position; k = (kh, kw, o); A[m, k] = g[b, oh, ow, o] where oh*SH + kh = ih + PAD_TOP and
  ow*SW + kw = iw + PAD_LEFT (0 where no such output position exists); B[k, n] = K[kh, kw, n, o].
Bindings:
  g:      (BATCH, HO, WO, COUT) f32, dL/d(pre-activation output), read
  params: flat f32, read: K (KH, KW, CIN, COUT) at K_OFFSET
  dx:     (BATCH, H, W, CIN) f32, written
Overrides: H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO, K_OFFSET; BATCH at run time.`,
  operands: `${OUTSIDE}
override GM: u32 = BATCH * H * W;
override GN: u32 = CIN;
override GK: u32 = KH * KW * COUT;
override OUTER: u32 = KH * KW;
override INNER: u32 = COUT;

// Input position m: (n, ih + PAD_TOP, iw + PAD_LEFT); tap t: (kh, kw).
fn aOrigin(m: u32) -> vec4u { return vec4u(m / (W * H), (m / W) % H + PAD_TOP, m % W + PAD_LEFT, 0u); }
fn aStep(tap: u32) -> vec4u { return vec4u(tap / KW, tap % KW, 0u, 0u); }

// The output position the tap reaches the input position from (g's index of channel 0), or OUTSIDE where none does.
fn aRow(p: vec4u, t: vec4u) -> u32 {
  if (p.y < t.x || p.z < t.y) { return OUTSIDE; }
  let oh = (p.y - t.x) / SH;
  let ow = (p.z - t.y) / SW;
  if ((p.y - t.x) % SH != 0u || (p.z - t.y) % SW != 0u || oh >= HO || ow >= WO) { return OUTSIDE; }
  return ((p.x * HO + oh) * WO + ow) * COUT;
}

fn aAt(row: u32, o: u32) -> f32 {
  return select(0.0, layout.$.g[select(0u, row + o, row != OUTSIDE)], row != OUTSIDE);
}

fn loadB4(k: u32, n: u32) -> vec4f {
  let i = vec4u(K_OFFSET + (k / COUT) * CIN * COUT + k % COUT) + min(vec4u(n) + vec4u(0u, 1u, 2u, 3u), vec4u(CIN - 1u)) * COUT;
  return vec4f(layout.$.params[i.x], layout.$.params[i.y], layout.$.params[i.z], layout.$.params[i.w]);
}

fn store(m: u32, n: u32, part: u32, v: f32) {
  layout.$.dx[m * CIN + n] = v;
}`,
};
