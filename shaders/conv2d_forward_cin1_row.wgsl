// conv2d_forward_cin1_row (forward variant "cin1row", one input channel only):
// y = relu(conv3x3_valid_stride1(x, kernel) + bias), NHWC, HWIO kernel, CIN = 1.
// One invocation computes one whole output row (b, oy) for 8 output channels (vec4 groups g0,
// g0+1). It loads its 9 taps x 2 kernel vec4s and the bias once, then walks the row keeping the
// 3x3 input window in registers: per output pixel it loads the window's new column (3 floats),
// does 9*8 multiply-adds and stores 2 vec4s. Out-of-range channel groups are computed from
// clamped loads and not stored.
// Bindings:
//   x:      (BATCH, H, W, 1) f32, read
//   params: flat parameter buffer viewed as vec4; kernel [3, 3, 1, COUT] at float offset
//           KERNEL_OFFSET, bias [COUT] at float offset BIAS_OFFSET (both multiples of 4), read
//   y:      (BATCH, H-2, W-2, COUT) viewed as vec4 (COUT/4 per pixel), written post-ReLU
// Requires CIN == 1 and COUT % 4 == 0. Invocation index,
// ordered (b, oy, channel block) with the channel block fastest.

override INVOCATIONS: u32 = BATCH * (H - 2u) * (((COUT / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let C4 = COUT / 4u;
  let cBlocks = (C4 + 1u) / 2u;
  let cb = id % cBlocks;
  let r = id / cBlocks;
  let oy = r % HO;
  let b = r / HO;
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

  // Input rows oy, oy+1, oy+2 of image b; the window's columns ox, ox+1 (a*) and ox+2 (loaded).
  let x0 = (b * H + oy) * W;
  let x1 = x0 + W;
  let x2 = x1 + W;
  var a0 = layout.$.x[x0]; var a1 = layout.$.x[x1]; var a2 = layout.$.x[x2];
  var b0 = layout.$.x[x0 + 1u]; var b1 = layout.$.x[x1 + 1u]; var b2 = layout.$.x[x2 + 1u];
  let z = vec4f(0.0);
  var o = ((b * HO + oy) * WO) * C4;
  for (var ox = 0u; ox < WO; ox++) {
    let c0 = layout.$.x[x0 + ox + 2u];
    let c1 = layout.$.x[x1 + ox + 2u];
    let c2 = layout.$.x[x2 + ox + 2u];
    let s0 = bias0 + a0 * k00 + b0 * k10 + c0 * k20 + a1 * k30 + b1 * k40 + c1 * k50 + a2 * k60 + b2 * k70 + c2 * k80;
    let s1 = bias1 + a0 * k01 + b0 * k11 + c0 * k21 + a1 * k31 + b1 * k41 + c1 * k51 + a2 * k61 + b2 * k71 + c2 * k81;
    layout.$.y[o + g0] = max(s0, z);
    if (has1) { layout.$.y[o + g1] = max(s1, z); }
    a0 = b0; a1 = b1; a2 = b2;
    b0 = c0; b1 = c1; b2 = c2;
    o += C4;
  }
}
