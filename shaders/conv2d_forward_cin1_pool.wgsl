// conv2d_forward_cin1_pool (inference only, one input channel): p = maxpool2x2_floor(relu(
// conv3x3_valid_stride1(x, kernel) + bias)), NHWC, HWIO kernel, CIN = 1: the 'cin1row' forward
// and the 2x2/stride-2 floor max pool of evaluation in one pass, so the conv output is never
// stored. Each conv output is computed with the same expression, in the same order, as in
// conv2d_forward_cin1_row, and max(relu(a), relu(b)) = relu(max(a, b)), so the pooled values
// equal those of the two kernels run one after the other.
// One invocation computes one whole pooled row (b, i) for 8 output channels (vec4 groups g0,
// g0+1): conv rows 2i and 2i+1 from input rows 2i..2i+3. It loads its 9 taps x 2 kernel vec4s
// and the bias once, then walks the pooled row keeping the input window (4 rows x 2 columns) in
// registers: per pooled column it loads 2 new input columns (8 floats), computes the 2x2 conv
// outputs x 8 channels (4 * 9 * 8 multiply-adds) and stores 2 vec4 maxima. Out-of-range channel
// groups are computed from clamped loads and not stored.
// Bindings:
//   x:      (BATCH, H, W, 1) f32, read
//   params: flat parameter buffer viewed as vec4; kernel [3, 3, 1, COUT] at float offset
//           KERNEL_OFFSET, bias [COUT] at float offset BIAS_OFFSET (both multiples of 4), read
//   y:      (BATCH, PH, PW, COUT) viewed as vec4 (COUT/4 per pixel), PH = floor((H-2)/2),
//           PW = floor((W-2)/2), written
// Requires CIN == 1, COUT % 4 == 0, H, W >= 4. Invocation index ordered (b, i, channel block)
// with the channel block fastest.

override INVOCATIONS: u32 = BATCH * ((H - 2u) / 2u) * (((COUT / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let PH = (H - 2u) / 2u;
  let PW = (W - 2u) / 2u;
  let C4 = COUT / 4u;
  let cBlocks = (C4 + 1u) / 2u;
  let cb = id % cBlocks;
  let r = id / cBlocks;
  let i = r % PH;
  let b = r / PH;
  let g0 = cb * 2u;
  let g1 = min(g0 + 1u, C4 - 1u);
  let has1 = g0 + 1u < C4;

  // The kernel of these 8 channels: tap t = ky*3 + kx at vec4 offset kBase4 + t*C4 + group.
  let kBase4 = KERNEL_OFFSET / 4u;
  let k00 = layout.$.params[kBase4 + g0]; let k01 = layout.$.params[kBase4 + g1];
  let k10 = layout.$.params[kBase4 + C4 + g0]; let k11 = layout.$.params[kBase4 + C4 + g1];
  let k20 = layout.$.params[kBase4 + 2u * C4 + g0]; let k21 = layout.$.params[kBase4 + 2u * C4 + g1];
  let k30 = layout.$.params[kBase4 + 3u * C4 + g0]; let k31 = layout.$.params[kBase4 + 3u * C4 + g1];
  let k40 = layout.$.params[kBase4 + 4u * C4 + g0]; let k41 = layout.$.params[kBase4 + 4u * C4 + g1];
  let k50 = layout.$.params[kBase4 + 5u * C4 + g0]; let k51 = layout.$.params[kBase4 + 5u * C4 + g1];
  let k60 = layout.$.params[kBase4 + 6u * C4 + g0]; let k61 = layout.$.params[kBase4 + 6u * C4 + g1];
  let k70 = layout.$.params[kBase4 + 7u * C4 + g0]; let k71 = layout.$.params[kBase4 + 7u * C4 + g1];
  let k80 = layout.$.params[kBase4 + 8u * C4 + g0]; let k81 = layout.$.params[kBase4 + 8u * C4 + g1];
  let bias0 = layout.$.params[BIAS_OFFSET / 4u + g0];
  let bias1 = layout.$.params[BIAS_OFFSET / 4u + g1];

  // Input rows 2i .. 2i+3 of image b (digit = row); a*, b* are input columns 2j, 2j+1, and
  // c*, d* (loaded per pooled column) 2j+2, 2j+3.
  let x0 = (b * H + 2u * i) * W;
  let x1 = x0 + W;
  let x2 = x1 + W;
  let x3 = x2 + W;
  var a0 = layout.$.x[x0]; var a1 = layout.$.x[x1]; var a2 = layout.$.x[x2]; var a3 = layout.$.x[x3];
  var b0 = layout.$.x[x0 + 1u]; var b1 = layout.$.x[x1 + 1u]; var b2 = layout.$.x[x2 + 1u]; var b3 = layout.$.x[x3 + 1u];
  let z = vec4f(0.0);
  var o = ((b * PH + i) * PW) * C4;
  for (var j = 0u; j < PW; j++) {
    let col = 2u * j + 2u;
    let c0 = layout.$.x[x0 + col]; let c1 = layout.$.x[x1 + col]; let c2 = layout.$.x[x2 + col]; let c3 = layout.$.x[x3 + col];
    let d0 = layout.$.x[x0 + col + 1u]; let d1 = layout.$.x[x1 + col + 1u]; let d2 = layout.$.x[x2 + col + 1u]; let d3 = layout.$.x[x3 + col + 1u];
    // p: conv column 2j, q: conv column 2j+1; first digit: conv row 2i (0) or 2i+1 (1); second: group.
    let p00 = bias0 + a0 * k00 + b0 * k10 + c0 * k20 + a1 * k30 + b1 * k40 + c1 * k50 + a2 * k60 + b2 * k70 + c2 * k80;
    let p10 = bias0 + a1 * k00 + b1 * k10 + c1 * k20 + a2 * k30 + b2 * k40 + c2 * k50 + a3 * k60 + b3 * k70 + c3 * k80;
    let q00 = bias0 + b0 * k00 + c0 * k10 + d0 * k20 + b1 * k30 + c1 * k40 + d1 * k50 + b2 * k60 + c2 * k70 + d2 * k80;
    let q10 = bias0 + b1 * k00 + c1 * k10 + d1 * k20 + b2 * k30 + c2 * k40 + d2 * k50 + b3 * k60 + c3 * k70 + d3 * k80;
    let p01 = bias1 + a0 * k01 + b0 * k11 + c0 * k21 + a1 * k31 + b1 * k41 + c1 * k51 + a2 * k61 + b2 * k71 + c2 * k81;
    let p11 = bias1 + a1 * k01 + b1 * k11 + c1 * k21 + a2 * k31 + b2 * k41 + c2 * k51 + a3 * k61 + b3 * k71 + c3 * k81;
    let q01 = bias1 + b0 * k01 + c0 * k11 + d0 * k21 + b1 * k31 + c1 * k41 + d1 * k51 + b2 * k61 + c2 * k71 + d2 * k81;
    let q11 = bias1 + b1 * k01 + c1 * k11 + d1 * k21 + b2 * k31 + c2 * k41 + d2 * k51 + b3 * k61 + c3 * k71 + d3 * k81;
    layout.$.y[o + g0] = max(max(max(p00, p10), max(q00, q10)), z);
    if (has1) { layout.$.y[o + g1] = max(max(max(p01, p11), max(q01, q11)), z); }
    a0 = c0; a1 = c1; a2 = c2; a3 = c3;
    b0 = d0; b1 = d1; b2 = d2; b3 = d3;
    o += C4;
  }
}
