// conv2d_general_backward_input: dx = dL/dx of the general conv2d (conv2d_general_forward),
//   dx[n, ih, iw, c] = sum over taps (kh, kw) and o of g[n, oh, ow, o] * K[kh, kw, c, o]
// where oh * SH = ih + PAD_TOP - kh and ow * SW = iw + PAD_LEFT - kw (taps whose output row or
// column is fractional or outside the output contribute nothing). Every dx element is written
// (0 where no output reads that input).
// One invocation computes a 4x4 register block of dx: 4 consecutive input columns iw0..iw0+3 of
// one input row (n, ih) times 4 consecutive input channels c0..c3. Columns past W and
// channels past CIN are computed on clamped indices and not written. A column whose tap has
// no output reads g as 0. When COUT % 4 == 0 (OUT_VEC4) g and the kernel rows are read as
// vec4 over 4 output channels (8 loads per 64 multiply-adds), else as scalars (8 per 16).
//
// Bindings:
//   g:       (BATCH, HO, WO, COUT) f32, dL/d(pre-activation output), read; g4: the same as vec4
//   params:  flat f32 parameter buffer, read; K (KH, KW, CIN, COUT) HWIO at K_OFFSET (a
//            multiple of 4); params4: the same buffer as vec4 (g4 and params4 read only with
//            OUT_VEC4)
//   dx:      (BATCH, H, W, CIN) f32, written
// BATCH: the batch's samples (run time). Overrides: H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO, K_OFFSET,
//   OUT_VEC4 (bool), WORKGROUP_SIZE.
// Invocations: BATCH * H * ceil(W/4) * ceil(CIN/4), channel block fastest; the index is
// linearised over a 1-D or 2-D grid (gridFor) and the surplus fails the bounds check.

override OUT_VEC4: bool;

override INVOCATIONS: u32 = BATCH * H * ((W + 3u) / 4u) * ((CIN + 3u) / 4u);

fn compute(t: u32) {
  let chanBlocks = (CIN + 3u) / 4u;
  let posBlocks = (W + 3u) / 4u;
  let c0 = (t % chanBlocks) * 4u;
  let rest = t / chanBlocks;
  let iw0 = (rest % posBlocks) * 4u;
  let row = rest / posBlocks; // n * H + ih
  let ih = row % H;
  let n = row / H;

  let chans = min(vec4u(c0) + vec4u(0u, 1u, 2u, 3u), vec4u(CIN - 1u)) * COUT;
  // Padded input columns (iw + PAD_LEFT) of the 4 dx columns, clamped to the image.
  let iwp = min(vec4u(iw0) + vec4u(0u, 1u, 2u, 3u), vec4u(W - 1u)) + vec4u(PAD_LEFT);
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var kh = 0u; kh < KH; kh++) {
    let ihp = ih + PAD_TOP;
    if (ihp < kh || (ihp - kh) % SH != 0u || (ihp - kh) / SH >= HO) { continue; }
    let gRow = (n * HO + (ihp - kh) / SH) * WO;
    for (var kw = 0u; kw < KW; kw++) {
      let span = iwp - vec4u(kw); // ow * SW where it is >= 0
      let hits = (iwp >= vec4u(kw)) & (span % vec4u(SW) == vec4u(0u)) & (span / vec4u(SW) < vec4u(WO));
      let gBase = (vec4u(gRow) + min(span / vec4u(SW), vec4u(WO - 1u))) * COUT;
      let wBase = chans + vec4u(K_OFFSET + (kh * KW + kw) * CIN * COUT);
      if (OUT_VEC4) {
        let wRow4 = wBase / vec4u(4u); // kernel rows of c0..c3 as vec4 indices (COUT, K_OFFSET multiples of 4)
        let gRow4 = gBase / vec4u(4u);
        for (var o4 = 0u; o4 < COUT / 4u; o4++) {
          let w0 = layout.$.params4[wRow4.x + o4];
          let w1 = layout.$.params4[wRow4.y + o4];
          let w2 = layout.$.params4[wRow4.z + o4];
          let w3 = layout.$.params4[wRow4.w + o4];
          let g0 = select(vec4f(0.0), layout.$.g4[gRow4.x + o4], hits.x);
          let g1 = select(vec4f(0.0), layout.$.g4[gRow4.y + o4], hits.y);
          let g2 = select(vec4f(0.0), layout.$.g4[gRow4.z + o4], hits.z);
          let g3 = select(vec4f(0.0), layout.$.g4[gRow4.w + o4], hits.w);
          acc0 += vec4f(dot(g0, w0), dot(g0, w1), dot(g0, w2), dot(g0, w3));
          acc1 += vec4f(dot(g1, w0), dot(g1, w1), dot(g1, w2), dot(g1, w3));
          acc2 += vec4f(dot(g2, w0), dot(g2, w1), dot(g2, w2), dot(g2, w3));
          acc3 += vec4f(dot(g3, w0), dot(g3, w1), dot(g3, w2), dot(g3, w3));
        }
      } else {
        for (var o = 0u; o < COUT; o++) {
          let wv = vec4f(layout.$.params[wBase.x + o], layout.$.params[wBase.y + o],
                         layout.$.params[wBase.z + o], layout.$.params[wBase.w + o]);
          let gv = select(vec4f(0.0), vec4f(
            layout.$.g[gBase.x + o], layout.$.g[gBase.y + o], layout.$.g[gBase.z + o], layout.$.g[gBase.w + o]), hits);
          acc0 += gv.x * wv;
          acc1 += gv.y * wv;
          acc2 += gv.z * wv;
          acc3 += gv.w * wv;
        }
      }
    }
  }
  let accs = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var p = 0u; p < 4u; p++) {
    let iw = iw0 + p;
    if (iw >= W) { break; }
    let dxBase = (row * W + iw) * CIN;
    for (var j = 0u; j < 4u; j++) {
      let c = c0 + j;
      if (c < CIN) { layout.$.dx[dxBase + c] = accs[p][j]; }
    }
  }
}
