// conv2d_forward: y = relu(conv3x3_valid_stride1(x, kernel) + bias), NHWC, HWIO kernel.
// One invocation computes a 4x8 output tile: 4 adjacent output columns ox0..ox0+3 of one row
// (b, oy) times 8 output channels (two vec4 groups g0, g0+1). Out-of-range columns/groups are
// computed from clamped loads and not stored. Each input row segment (6 columns) is loaded once
// per (ky, ci) and reused by the 3 kx taps; kernel rows are vec4 loads.
// Bindings:
//   x:      (BATCH, H, W, CIN) f32, read
//   params: flat parameter buffer viewed as vec4; kernel [3, 3, CIN, COUT] at float offset
//           KERNEL_OFFSET, bias [COUT] at float offset BIAS_OFFSET (both multiples of 4), read
//   y:      (BATCH, H-2, W-2, COUT) viewed as vec4 (COUT/4 per pixel), written post-ReLU
// Requires COUT % 4 == 0. Invocation index
// (2-D grid when one dimension would exceed the workgroup limit).

override INVOCATIONS: u32 = BATCH * (H - 2u) * (((W - 2u) + 3u) / 4u) * (((COUT / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let C4 = COUT / 4u;
  let tilesX = (WO + 3u) / 4u;
  let cBlocks = (C4 + 1u) / 2u;
  let cb = id % cBlocks;
  var r = id / cBlocks;
  let tx = r % tilesX;
  r = r / tilesX;
  let oy = r % HO;
  let b = r / HO;
  let ox0 = tx * 4u;
  let g0 = cb * 2u;
  let g1 = min(g0 + 1u, C4 - 1u);

  // Input column offsets (in floats) of the 6 columns this tile touches, clamped into the row.
  let c0 = min(ox0, W - 1u) * CIN;
  let c1 = min(ox0 + 1u, W - 1u) * CIN;
  let c2 = min(ox0 + 2u, W - 1u) * CIN;
  let c3 = min(ox0 + 3u, W - 1u) * CIN;
  let c4 = min(ox0 + 4u, W - 1u) * CIN;
  let c5 = min(ox0 + 5u, W - 1u) * CIN;

  let bias4 = BIAS_OFFSET / 4u;
  var a00 = layout.$.params[bias4 + g0];
  var a01 = layout.$.params[bias4 + g1];
  var a10 = a00; var a11 = a01;
  var a20 = a00; var a21 = a01;
  var a30 = a00; var a31 = a01;

  let kBase4 = KERNEL_OFFSET / 4u;
  let tapStride = CIN * C4; // vec4s between kx taps
  for (var ky = 0u; ky < 3u; ky++) {
    let row = ((b * H + oy + ky) * W) * CIN;
    let wRow = kBase4 + ky * 3u * tapStride;
    for (var ci = 0u; ci < CIN; ci++) {
      let x0 = layout.$.x[row + c0 + ci];
      let x1 = layout.$.x[row + c1 + ci];
      let x2 = layout.$.x[row + c2 + ci];
      let x3 = layout.$.x[row + c3 + ci];
      let x4 = layout.$.x[row + c4 + ci];
      let x5 = layout.$.x[row + c5 + ci];
      let w = wRow + ci * C4;
      // kx = 0
      var k0 = layout.$.params[w + g0];
      var k1 = layout.$.params[w + g1];
      a00 += x0 * k0; a01 += x0 * k1;
      a10 += x1 * k0; a11 += x1 * k1;
      a20 += x2 * k0; a21 += x2 * k1;
      a30 += x3 * k0; a31 += x3 * k1;
      // kx = 1
      k0 = layout.$.params[w + tapStride + g0];
      k1 = layout.$.params[w + tapStride + g1];
      a00 += x1 * k0; a01 += x1 * k1;
      a10 += x2 * k0; a11 += x2 * k1;
      a20 += x3 * k0; a21 += x3 * k1;
      a30 += x4 * k0; a31 += x4 * k1;
      // kx = 2
      k0 = layout.$.params[w + 2u * tapStride + g0];
      k1 = layout.$.params[w + 2u * tapStride + g1];
      a00 += x2 * k0; a01 += x2 * k1;
      a10 += x3 * k0; a11 += x3 * k1;
      a20 += x4 * k0; a21 += x4 * k1;
      a30 += x5 * k0; a31 += x5 * k1;
    }
  }

  let zero = vec4f(0.0);
  let out = ((b * HO + oy) * WO + ox0) * C4;
  let has1 = g0 + 1u < C4;
  layout.$.y[out + g0] = max(a00, zero);
  if (has1) { layout.$.y[out + g1] = max(a01, zero); }
  if (ox0 + 1u < WO) {
    layout.$.y[out + C4 + g0] = max(a10, zero);
    if (has1) { layout.$.y[out + C4 + g1] = max(a11, zero); }
  }
  if (ox0 + 2u < WO) {
    layout.$.y[out + 2u * C4 + g0] = max(a20, zero);
    if (has1) { layout.$.y[out + 2u * C4 + g1] = max(a21, zero); }
  }
  if (ox0 + 3u < WO) {
    layout.$.y[out + 3u * C4 + g0] = max(a30, zero);
    if (has1) { layout.$.y[out + 3u * C4 + g1] = max(a31, zero); }
  }
}
