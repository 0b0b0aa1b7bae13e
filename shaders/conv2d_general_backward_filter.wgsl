// conv2d_general_backward_filter: split-K partial sums of the kernel and bias gradients of the
// general conv2d (conv2d_general_forward) over one chunk of the output positions,
//   dK[kh, kw, c, o] = sum over positions (n, oh, ow) of g[n, oh, ow, o] * x[n, ih, iw, c],
//   ih = oh * SH + kh - PAD_TOP, iw = ow * SW + kw - PAD_LEFT (x is 0 outside the image),
//   db[o] = sum over positions of g[n, oh, ow, o];
// conv2d_general_backward_reduce sums the chunks.
// One invocation computes, for chunk `chunk` (positions chunk*CHUNK .. +CHUNK of the
// BATCH*HO*WO), one tap (kh, kw) and a 4x4 block of dK: input channels c0..c0+3 times output
// channels o0..o0+3 (16 multiply-adds per position, from 2 vec4 loads when CIN % 4 == 0
// (X_VEC4) and COUT % 4 == 0 (OUT_VEC4), else up to 8 scalar loads). The invocations of tap 0
// and input block 0 also sum db for their 4 output channels (when USE_BIAS). Channels past
// CIN / COUT are computed on clamped indices and not written.
//
// Bindings:
//   x:        (BATCH, H, W, CIN) f32, the forward's input, read; x4: the same as vec4 (X_VEC4)
//   g:        (BATCH, HO, WO, COUT) f32, dL/d(pre-activation output), read; g4: the same as
//             vec4 (OUT_VEC4)
//   partials: (CHUNKS, ROW) f32, ROW = KH*KW*CIN*COUT (+ COUT when USE_BIAS): the chunk's
//             [dK (KH, KW, CIN, COUT) | db (COUT)], written
// Overrides: BATCH, H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO, CHUNK, CHUNKS,
//   USE_BIAS (bool), X_VEC4 (bool), OUT_VEC4 (bool), WORKGROUP_SIZE.
// Invocations: CHUNKS * KH*KW * ceil(CIN/4) * ceil(COUT/4), output block fastest, then input
// block, tap, chunk; the index is linearised over a 1-D or 2-D grid (gridFor) and the surplus
// fails the bounds check.

override WORKGROUP_SIZE: u32;
override BATCH: u32;
override H: u32;
override W: u32;
override CIN: u32;
override COUT: u32;
override KH: u32;
override KW: u32;
override SH: u32;
override SW: u32;
override PAD_TOP: u32;
override PAD_LEFT: u32;
override HO: u32;
override WO: u32;
override CHUNK: u32;
override CHUNKS: u32;
override USE_BIAS: bool;
override X_VEC4: bool;
override OUT_VEC4: bool;

// g[p, o0..o0+3] (outs: those channels clamped to COUT - 1).
fn gBlock(p: u32, o0: u32, outs: vec4u) -> vec4f {
  if (OUT_VEC4) { return layout.$.g4[(p * COUT + o0) / 4u]; }
  let i = vec4u(p * COUT) + outs;
  return vec4f(layout.$.g[i.x], layout.$.g[i.y], layout.$.g[i.z], layout.$.g[i.w]);
}

// x[pixel, c0..c0+3] (chans: those channels clamped to CIN - 1).
fn xBlock(pixel: u32, c0: u32, chans: vec4u) -> vec4f {
  if (X_VEC4) { return layout.$.x4[(pixel * CIN + c0) / 4u]; }
  let i = vec4u(pixel * CIN) + chans;
  return vec4f(layout.$.x[i.x], layout.$.x[i.y], layout.$.x[i.z], layout.$.x[i.w]);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let outBlocks = (COUT + 3u) / 4u;
  let inBlocks = (CIN + 3u) / 4u;
  let taps = KH * KW;
  let t = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (t >= CHUNKS * taps * inBlocks * outBlocks) { return; }
  let o0 = (t % outBlocks) * 4u;
  let c0 = ((t / outBlocks) % inBlocks) * 4u;
  let tap = (t / (outBlocks * inBlocks)) % taps;
  let chunk = t / (outBlocks * inBlocks * taps);
  let kh = tap / KW;
  let kw = tap % KW;
  let withBias = USE_BIAS && tap == 0u && c0 == 0u;

  let outs = min(vec4u(o0) + vec4u(0u, 1u, 2u, 3u), vec4u(COUT - 1u));
  let chans = min(vec4u(c0) + vec4u(0u, 1u, 2u, 3u), vec4u(CIN - 1u));
  var acc0 = vec4f(0.0); // dK[kh, kw, c0 + 0, o0..o0+3]
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  var accB = vec4f(0.0); // db[o0..o0+3]
  let first = chunk * CHUNK;
  let last = min(first + CHUNK, BATCH * HO * WO);
  // Output position p = (n * HO + oh) * WO + ow, stepped without divisions.
  var ow = first % WO;
  var oh = (first / WO) % HO;
  var n = first / (WO * HO);
  for (var p = first; p < last; p++) {
    let gv = gBlock(p, o0, outs);
    if (withBias) { accB += gv; }
    let ihp = oh * SH + kh; // ih + PAD_TOP
    let iwp = ow * SW + kw; // iw + PAD_LEFT
    if (ihp >= PAD_TOP && ihp - PAD_TOP < H && iwp >= PAD_LEFT && iwp - PAD_LEFT < W) {
      let xv = xBlock((n * H + ihp - PAD_TOP) * W + iwp - PAD_LEFT, c0, chans);
      acc0 += xv.x * gv;
      acc1 += xv.y * gv;
      acc2 += xv.z * gv;
      acc3 += xv.w * gv;
    }
    ow++;
    if (ow == WO) {
      ow = 0u;
      oh++;
      if (oh == HO) {
        oh = 0u;
        n++;
      }
    }
  }
  let ROW = taps * CIN * COUT + select(0u, COUT, USE_BIAS);
  let accs = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let c = c0 + i;
    if (c >= CIN) { break; }
    let base = chunk * ROW + (tap * CIN + c) * COUT;
    for (var j = 0u; j < 4u; j++) {
      let o = o0 + j;
      if (o < COUT) { layout.$.partials[base + o] = accs[i][j]; }
    }
  }
  if (withBias) {
    for (var j = 0u; j < 4u; j++) {
      let o = o0 + j;
      if (o < COUT) { layout.$.partials[chunk * ROW + taps * CIN * COUT + o] = accB[j]; }
    }
  }
}
