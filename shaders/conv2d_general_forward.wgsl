// conv2d_general_forward: the general Keras Conv2D forward, y = act(conv(x, K) + b), any kernel
// KH x KW, strides SH, SW, zero padding PAD_TOP / PAD_LEFT (0 for 'valid'; Keras's 'same' puts
// the odd row/column at the bottom/right, which needs no constant: reads past the image are 0).
// One invocation computes a 4x4 register block of y: 4 consecutive output columns ow0..ow0+3 of
// one output row (n, oh) times 4 consecutive output channels o0..o0+3. Columns past WO and
// channels past COUT are computed on clamped indices and not written, so any shape works.
// Loads: kernel rows as one vec4 when COUT % 4 == 0 (OUT_VEC4), else 4 scalars; x as one vec4
// of 4 input channels per output column when CIN % 4 == 0 (X_VEC4: 8 loads per 64
// multiply-adds), else one scalar per column and channel (8 loads per 16).
//
// Bindings:
//   x:       (BATCH, H, W, CIN) f32, read; x4: the same buffer as vec4 (read only with X_VEC4)
//   params:  flat f32 parameter buffer, read; K (KH, KW, CIN, COUT) HWIO at K_OFFSET, b (COUT)
//            at B_OFFSET (read only when USE_BIAS); params4: the same buffer as vec4 (read
//            only with OUT_VEC4; K_OFFSET is a multiple of 4)
//   y:       (BATCH, HO, WO, COUT) f32, post-activation, written
// BATCH: the batch's samples (run time). Overrides: H, W, CIN, COUT, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, HO, WO, K_OFFSET,
//   B_OFFSET, USE_BIAS (bool), ACT (activation code, src/model/activations.ts), X_VEC4 (bool),
//   OUT_VEC4 (bool), WORKGROUP_SIZE.
// Invocations: BATCH * HO * ceil(WO/4) * ceil(COUT/4), channel block fastest; the index is
// linearised over a 1-D or 2-D grid (gridFor) and the surplus fails the bounds check.

override USE_BIAS: bool;
override X_VEC4: bool;
override OUT_VEC4: bool;

// K[row / CIN tap, row % CIN channel, cols] (cols = o0..o0+3 clamped to COUT - 1).
fn kernelRow(row: u32, o0: u32, cols: vec4u) -> vec4f {
  let start = K_OFFSET + row * COUT;
  if (OUT_VEC4) { return layout.$.params4[(start + o0) / 4u]; }
  let i = vec4u(start) + cols;
  return vec4f(layout.$.params[i.x], layout.$.params[i.y], layout.$.params[i.z], layout.$.params[i.w]);
}

override INVOCATIONS: u32 = BATCH * HO * ((WO + 3u) / 4u) * ((COUT + 3u) / 4u);

fn compute(t: u32) {
  let colBlocks = (COUT + 3u) / 4u;
  let posBlocks = (WO + 3u) / 4u;
  let o0 = (t % colBlocks) * 4u;
  let rest = t / colBlocks;
  let ow0 = (rest % posBlocks) * 4u;
  let row = rest / posBlocks; // n * HO + oh
  let oh = row % HO;
  let n = row / HO;

  let cols = min(vec4u(o0) + vec4u(0u, 1u, 2u, 3u), vec4u(COUT - 1u));
  let ows = min(vec4u(ow0) + vec4u(0u, 1u, 2u, 3u), vec4u(WO - 1u));
  var bias = vec4f(0.0);
  if (USE_BIAS) {
    let bc = cols + vec4u(B_OFFSET);
    bias = vec4f(layout.$.params[bc.x], layout.$.params[bc.y], layout.$.params[bc.z], layout.$.params[bc.w]);
  }
  var acc0 = bias;
  var acc1 = bias;
  var acc2 = bias;
  var acc3 = bias;
  // Input column of tap 0 for each of the 4 outputs, shifted by PAD_LEFT so it stays unsigned.
  let iw0 = ows * SW;
  for (var kh = 0u; kh < KH; kh++) {
    let ihp = oh * SH + kh; // input row + PAD_TOP
    if (ihp < PAD_TOP || ihp - PAD_TOP >= H) { continue; }
    let rowBase = (n * H + (ihp - PAD_TOP)) * W;
    for (var kw = 0u; kw < KW; kw++) {
      let iwp = iw0 + vec4u(kw); // input columns + PAD_LEFT
      let inside = (iwp >= vec4u(PAD_LEFT)) & (iwp - vec4u(PAD_LEFT) < vec4u(W));
      let xBase = (vec4u(rowBase) + min(iwp - vec4u(PAD_LEFT), vec4u(W - 1u))) * CIN;
      let row0 = (kh * KW + kw) * CIN; // kernel row of channel 0 at this tap
      if (X_VEC4) {
        for (var c = 0u; c < CIN; c += 4u) {
          let x0 = select(vec4f(0.0), layout.$.x4[(xBase.x + c) / 4u], inside.x);
          let x1 = select(vec4f(0.0), layout.$.x4[(xBase.y + c) / 4u], inside.y);
          let x2 = select(vec4f(0.0), layout.$.x4[(xBase.z + c) / 4u], inside.z);
          let x3 = select(vec4f(0.0), layout.$.x4[(xBase.w + c) / 4u], inside.w);
          let w0 = kernelRow(row0 + c, o0, cols);
          let w1 = kernelRow(row0 + c + 1u, o0, cols);
          let w2 = kernelRow(row0 + c + 2u, o0, cols);
          let w3 = kernelRow(row0 + c + 3u, o0, cols);
          acc0 += x0.x * w0 + x0.y * w1 + x0.z * w2 + x0.w * w3;
          acc1 += x1.x * w0 + x1.y * w1 + x1.z * w2 + x1.w * w3;
          acc2 += x2.x * w0 + x2.y * w1 + x2.z * w2 + x2.w * w3;
          acc3 += x3.x * w0 + x3.y * w1 + x3.z * w2 + x3.w * w3;
        }
      } else {
        for (var c = 0u; c < CIN; c++) {
          let wv = kernelRow(row0 + c, o0, cols);
          let xv = select(vec4f(0.0), vec4f(
            layout.$.x[xBase.x + c], layout.$.x[xBase.y + c], layout.$.x[xBase.z + c], layout.$.x[xBase.w + c]), inside);
          acc0 += xv.x * wv;
          acc1 += xv.y * wv;
          acc2 += xv.z * wv;
          acc3 += xv.w * wv;
        }
      }
    }
  }
  let accs = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var p = 0u; p < 4u; p++) {
    let ow = ow0 + p;
    if (ow >= WO) { break; }
    let yBase = (row * WO + ow) * COUT;
    for (var j = 0u; j < 4u; j++) {
      let o = o0 + j;
      if (o < COUT) { layout.$.y[yBase + o] = activate(accs[p][j], ACT); }
    }
  }
}
