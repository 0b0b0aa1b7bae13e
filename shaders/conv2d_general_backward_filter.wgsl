// conv2d_general_backward_filter: split-K partial sums of the kernel and bias gradients of the
// general conv2d (conv2d_general_forward) over one chunk of the output positions,
//   dK[kh, kw, c, o] = sum over positions (n, oh, ow) of g[n, oh, ow, o] * x[n, ih, iw, c],
//   ih = oh * SH + kh - PAD_TOP, iw = ow * SW + kw - PAD_LEFT (x is 0 outside the image),
//   db[o] = sum over positions of g[n, oh, ow, o];
// conv2d_general_backward_reduce sums the chunks.
// dK is viewed as a matrix (R, COUT), R = KH*KW*CIN, row r = (kh*KW + kw)*CIN + c. One
// invocation computes, for chunk `chunk` (positions chunk*CHUNK .. +CHUNK of the BATCH*HO*WO),
// a 4x4 block of it: rows r0..r0+3 times output channels o0..o0+3, 16 multiply-adds per
// position. With CIN % 4 == 0 (X_VEC4) the 4 rows are 4 channels of one tap, read as one vec4;
// otherwise (e.g. CIN = 1 or 3) they may span taps and are read as 4 scalars, so no lane is
// wasted on a missing channel. g is read as one vec4 when COUT % 4 == 0 (OUT_VEC4), else as 4
// scalars. The invocations of row block 0 also sum db for their 4 output channels (when
// USE_BIAS). Rows past R and channels past COUT are computed on clamped indices and not written.
//
// Bindings:
//   x:        (BATCH, H, W, CIN) f32, the forward's input, read; x4: the same as vec4 (X_VEC4)
//   g:        (BATCH, HO, WO, COUT) f32, dL/d(pre-activation output), read; g4: the same as
//             vec4 (OUT_VEC4)
//   partials: (CHUNKS, ROW) f32, ROW = R*COUT (+ COUT when USE_BIAS): the chunk's
//             [dK (KH, KW, CIN, COUT) | db (COUT)], written
//   split:    (max batch + 1) vec4u, read: row BATCH = (CHUNK, CHUNKS) for this batch size
//             (src/layers/conv2d-general.ts: the chunking of each batch size)
// BATCH: the batch's samples (run time). Overrides: H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO,
//   USE_BIAS (bool), X_VEC4 (bool), OUT_VEC4 (bool), WORKGROUP_SIZE.
// Invocations: CHUNKS * ceil(R/4) * ceil(COUT/4), output block fastest, then row block, chunk;
// the index is linearised over a 1-D or 2-D grid (gridFor) and the surplus fails the bounds
// check.

override USE_BIAS: bool;
override CHUNK: u32 = layout.$.split[BATCH].x;
override CHUNKS: u32 = layout.$.split[BATCH].y;
override X_VEC4: bool;
override OUT_VEC4: bool;

// g[p, o0..o0+3] (outs: those channels clamped to COUT - 1).
fn gBlock(p: u32, o0: u32, outs: vec4u) -> vec4f {
  if (OUT_VEC4) { return layout.$.g4[(p * COUT + o0) / 4u]; }
  let i = vec4u(p * COUT) + outs;
  return vec4f(layout.$.g[i.x], layout.$.g[i.y], layout.$.g[i.z], layout.$.g[i.w]);
}

override INVOCATIONS: u32 = CHUNKS * (((KH * KW * CIN) + 3u) / 4u) * ((COUT + 3u) / 4u);

fn compute(t: u32) {
  let R = KH * KW * CIN;
  let outBlocks = (COUT + 3u) / 4u;
  let rowBlocks = (R + 3u) / 4u;
  let o0 = (t % outBlocks) * 4u;
  let r0 = ((t / outBlocks) % rowBlocks) * 4u;
  let chunk = t / (outBlocks * rowBlocks);
  let withBias = USE_BIAS && r0 == 0u;

  let outs = min(vec4u(o0) + vec4u(0u, 1u, 2u, 3u), vec4u(COUT - 1u));
  // The 4 rows' tap offsets and channels.
  let rows = min(vec4u(r0) + vec4u(0u, 1u, 2u, 3u), vec4u(R - 1u));
  let chans = rows % vec4u(CIN);
  let taps = rows / vec4u(CIN);
  let khs = taps / vec4u(KW);
  let kws = taps % vec4u(KW);
  var acc0 = vec4f(0.0); // dK[row r0 + 0, o0..o0+3]
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
    let ihp = vec4u(oh * SH) + khs; // ih + PAD_TOP per row
    let iwp = vec4u(ow * SW) + kws; // iw + PAD_LEFT per row
    let inside = (ihp >= vec4u(PAD_TOP)) & (ihp - vec4u(PAD_TOP) < vec4u(H))
      & (iwp >= vec4u(PAD_LEFT)) & (iwp - vec4u(PAD_LEFT) < vec4u(W));
    // Pixels clamped into the image (their values are replaced by 0 outside it).
    let pixel = (vec4u(n * H) + min(ihp - vec4u(PAD_TOP), vec4u(H - 1u))) * W + min(iwp - vec4u(PAD_LEFT), vec4u(W - 1u));
    var xv: vec4f;
    if (X_VEC4) {
      // One tap, 4 channels: one vec4 (rows r0..r0+3 share pixel.x).
      xv = select(vec4f(0.0), layout.$.x4[(pixel.x * CIN + chans.x) / 4u], inside.x);
    } else {
      let i = pixel * CIN + chans;
      xv = select(vec4f(0.0), vec4f(layout.$.x[i.x], layout.$.x[i.y], layout.$.x[i.z], layout.$.x[i.w]), inside);
    }
    acc0 += xv.x * gv;
    acc1 += xv.y * gv;
    acc2 += xv.z * gv;
    acc3 += xv.w * gv;
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
  let ROW = R * COUT + select(0u, COUT, USE_BIAS);
  let accs = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let r = r0 + i;
    if (r >= R) { break; }
    let base = chunk * ROW + r * COUT;
    for (var j = 0u; j < 4u; j++) {
      let o = o0 + j;
      if (o < COUT) { layout.$.partials[base + o] = accs[i][j]; }
    }
  }
  if (withBias) {
    for (var j = 0u; j < 4u; j++) {
      let o = o0 + j;
      if (o < COUT) { layout.$.partials[chunk * ROW + R * COUT + o] = accB[j]; }
    }
  }
}
