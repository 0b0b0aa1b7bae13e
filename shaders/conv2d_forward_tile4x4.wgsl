// conv2d_forward_tile4x4 (forward variant "tile4x4"): y = relu(conv3x3_valid_stride1(x, kernel) + bias),
// NHWC, HWIO kernel; same contract as conv2d_forward with a larger register tile.
// One invocation computes a 4x4x8 output tile: output rows oy0..oy0+3, columns ox0..ox0+3 of
// image b, times 8 output channels (vec4 groups g0, g0+1). Per input channel it loads the 6x6
// input window once (36 scalars) and the 9 taps x 2 kernel vec4s, then does 9*16*8 multiply-adds:
// ~11 multiply-adds per loaded float (conv2d_forward: ~3). Out-of-range rows/columns/groups are
// computed from clamped loads and not stored.
// Bindings:
//   x:      (BATCH, H, W, CIN) f32, read
//   params: flat parameter buffer viewed as vec4; kernel [3, 3, CIN, COUT] at float offset
//           KERNEL_OFFSET, bias [COUT] at float offset BIAS_OFFSET (both multiples of 4), read
//   y:      (BATCH, H-2, W-2, COUT) viewed as vec4 (COUT/4 per pixel), written post-ReLU
// Requires COUT % 4 == 0. Invocation index,
// ordered (b, row tile, column tile, channel block) with the channel block fastest.

override INVOCATIONS: u32 = BATCH * (((H - 2u) + 3u) / 4u) * (((W - 2u) + 3u) / 4u) * (((COUT / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let C4 = COUT / 4u;
  let tilesX = (WO + 3u) / 4u;
  let tilesY = (HO + 3u) / 4u;
  let cBlocks = (C4 + 1u) / 2u;
  let cb = id % cBlocks;
  var r = id / cBlocks;
  let tx = r % tilesX;
  r = r / tilesX;
  let ty = r % tilesY;
  let b = r / tilesY;
  let ox0 = tx * 4u;
  let oy0 = ty * 4u;
  let g0 = cb * 2u;
  let g1 = min(g0 + 1u, C4 - 1u);

  // Float offsets of the 6 input rows and 6 input columns of the window, clamped into the image.
  let img = b * H;
  let r0 = (img + min(oy0, H - 1u)) * W * CIN;
  let r1 = (img + min(oy0 + 1u, H - 1u)) * W * CIN;
  let r2 = (img + min(oy0 + 2u, H - 1u)) * W * CIN;
  let r3 = (img + min(oy0 + 3u, H - 1u)) * W * CIN;
  let r4 = (img + min(oy0 + 4u, H - 1u)) * W * CIN;
  let r5 = (img + min(oy0 + 5u, H - 1u)) * W * CIN;
  let c0 = min(ox0, W - 1u) * CIN;
  let c1 = min(ox0 + 1u, W - 1u) * CIN;
  let c2 = min(ox0 + 2u, W - 1u) * CIN;
  let c3 = min(ox0 + 3u, W - 1u) * CIN;
  let c4 = min(ox0 + 4u, W - 1u) * CIN;
  let c5 = min(ox0 + 5u, W - 1u) * CIN;

  let bias4 = BIAS_OFFSET / 4u;
  let bias0 = layout.$.params[bias4 + g0];
  let bias1 = layout.$.params[bias4 + g1];
  var a000 = bias0; var a001 = bias1; var a010 = bias0; var a011 = bias1; var a020 = bias0; var a021 = bias1; var a030 = bias0; var a031 = bias1;
  var a100 = bias0; var a101 = bias1; var a110 = bias0; var a111 = bias1; var a120 = bias0; var a121 = bias1; var a130 = bias0; var a131 = bias1;
  var a200 = bias0; var a201 = bias1; var a210 = bias0; var a211 = bias1; var a220 = bias0; var a221 = bias1; var a230 = bias0; var a231 = bias1;
  var a300 = bias0; var a301 = bias1; var a310 = bias0; var a311 = bias1; var a320 = bias0; var a321 = bias1; var a330 = bias0; var a331 = bias1;

  let kBase4 = KERNEL_OFFSET / 4u;
  let tap = CIN * C4; // vec4s between taps
  var k0: vec4f;
  var k1: vec4f;
  for (var ci = 0u; ci < CIN; ci++) {
    // The 6x6 input window of this tile for channel ci (rows and columns clamped into the image).
    let x00 = layout.$.x[r0 + c0 + ci]; let x01 = layout.$.x[r0 + c1 + ci]; let x02 = layout.$.x[r0 + c2 + ci]; let x03 = layout.$.x[r0 + c3 + ci]; let x04 = layout.$.x[r0 + c4 + ci]; let x05 = layout.$.x[r0 + c5 + ci];
    let x10 = layout.$.x[r1 + c0 + ci]; let x11 = layout.$.x[r1 + c1 + ci]; let x12 = layout.$.x[r1 + c2 + ci]; let x13 = layout.$.x[r1 + c3 + ci]; let x14 = layout.$.x[r1 + c4 + ci]; let x15 = layout.$.x[r1 + c5 + ci];
    let x20 = layout.$.x[r2 + c0 + ci]; let x21 = layout.$.x[r2 + c1 + ci]; let x22 = layout.$.x[r2 + c2 + ci]; let x23 = layout.$.x[r2 + c3 + ci]; let x24 = layout.$.x[r2 + c4 + ci]; let x25 = layout.$.x[r2 + c5 + ci];
    let x30 = layout.$.x[r3 + c0 + ci]; let x31 = layout.$.x[r3 + c1 + ci]; let x32 = layout.$.x[r3 + c2 + ci]; let x33 = layout.$.x[r3 + c3 + ci]; let x34 = layout.$.x[r3 + c4 + ci]; let x35 = layout.$.x[r3 + c5 + ci];
    let x40 = layout.$.x[r4 + c0 + ci]; let x41 = layout.$.x[r4 + c1 + ci]; let x42 = layout.$.x[r4 + c2 + ci]; let x43 = layout.$.x[r4 + c3 + ci]; let x44 = layout.$.x[r4 + c4 + ci]; let x45 = layout.$.x[r4 + c5 + ci];
    let x50 = layout.$.x[r5 + c0 + ci]; let x51 = layout.$.x[r5 + c1 + ci]; let x52 = layout.$.x[r5 + c2 + ci]; let x53 = layout.$.x[r5 + c3 + ci]; let x54 = layout.$.x[r5 + c4 + ci]; let x55 = layout.$.x[r5 + c5 + ci];
    let w = kBase4 + ci * C4;
    // tap (0, 0)
    k0 = layout.$.params[w + g0]; k1 = layout.$.params[w + g1];
    a000 += x00 * k0; a001 += x00 * k1; a010 += x01 * k0; a011 += x01 * k1; a020 += x02 * k0; a021 += x02 * k1; a030 += x03 * k0; a031 += x03 * k1;
    a100 += x10 * k0; a101 += x10 * k1; a110 += x11 * k0; a111 += x11 * k1; a120 += x12 * k0; a121 += x12 * k1; a130 += x13 * k0; a131 += x13 * k1;
    a200 += x20 * k0; a201 += x20 * k1; a210 += x21 * k0; a211 += x21 * k1; a220 += x22 * k0; a221 += x22 * k1; a230 += x23 * k0; a231 += x23 * k1;
    a300 += x30 * k0; a301 += x30 * k1; a310 += x31 * k0; a311 += x31 * k1; a320 += x32 * k0; a321 += x32 * k1; a330 += x33 * k0; a331 += x33 * k1;
    // tap (0, 1)
    k0 = layout.$.params[w + 1u * tap + g0]; k1 = layout.$.params[w + 1u * tap + g1];
    a000 += x01 * k0; a001 += x01 * k1; a010 += x02 * k0; a011 += x02 * k1; a020 += x03 * k0; a021 += x03 * k1; a030 += x04 * k0; a031 += x04 * k1;
    a100 += x11 * k0; a101 += x11 * k1; a110 += x12 * k0; a111 += x12 * k1; a120 += x13 * k0; a121 += x13 * k1; a130 += x14 * k0; a131 += x14 * k1;
    a200 += x21 * k0; a201 += x21 * k1; a210 += x22 * k0; a211 += x22 * k1; a220 += x23 * k0; a221 += x23 * k1; a230 += x24 * k0; a231 += x24 * k1;
    a300 += x31 * k0; a301 += x31 * k1; a310 += x32 * k0; a311 += x32 * k1; a320 += x33 * k0; a321 += x33 * k1; a330 += x34 * k0; a331 += x34 * k1;
    // tap (0, 2)
    k0 = layout.$.params[w + 2u * tap + g0]; k1 = layout.$.params[w + 2u * tap + g1];
    a000 += x02 * k0; a001 += x02 * k1; a010 += x03 * k0; a011 += x03 * k1; a020 += x04 * k0; a021 += x04 * k1; a030 += x05 * k0; a031 += x05 * k1;
    a100 += x12 * k0; a101 += x12 * k1; a110 += x13 * k0; a111 += x13 * k1; a120 += x14 * k0; a121 += x14 * k1; a130 += x15 * k0; a131 += x15 * k1;
    a200 += x22 * k0; a201 += x22 * k1; a210 += x23 * k0; a211 += x23 * k1; a220 += x24 * k0; a221 += x24 * k1; a230 += x25 * k0; a231 += x25 * k1;
    a300 += x32 * k0; a301 += x32 * k1; a310 += x33 * k0; a311 += x33 * k1; a320 += x34 * k0; a321 += x34 * k1; a330 += x35 * k0; a331 += x35 * k1;
    // tap (1, 0)
    k0 = layout.$.params[w + 3u * tap + g0]; k1 = layout.$.params[w + 3u * tap + g1];
    a000 += x10 * k0; a001 += x10 * k1; a010 += x11 * k0; a011 += x11 * k1; a020 += x12 * k0; a021 += x12 * k1; a030 += x13 * k0; a031 += x13 * k1;
    a100 += x20 * k0; a101 += x20 * k1; a110 += x21 * k0; a111 += x21 * k1; a120 += x22 * k0; a121 += x22 * k1; a130 += x23 * k0; a131 += x23 * k1;
    a200 += x30 * k0; a201 += x30 * k1; a210 += x31 * k0; a211 += x31 * k1; a220 += x32 * k0; a221 += x32 * k1; a230 += x33 * k0; a231 += x33 * k1;
    a300 += x40 * k0; a301 += x40 * k1; a310 += x41 * k0; a311 += x41 * k1; a320 += x42 * k0; a321 += x42 * k1; a330 += x43 * k0; a331 += x43 * k1;
    // tap (1, 1)
    k0 = layout.$.params[w + 4u * tap + g0]; k1 = layout.$.params[w + 4u * tap + g1];
    a000 += x11 * k0; a001 += x11 * k1; a010 += x12 * k0; a011 += x12 * k1; a020 += x13 * k0; a021 += x13 * k1; a030 += x14 * k0; a031 += x14 * k1;
    a100 += x21 * k0; a101 += x21 * k1; a110 += x22 * k0; a111 += x22 * k1; a120 += x23 * k0; a121 += x23 * k1; a130 += x24 * k0; a131 += x24 * k1;
    a200 += x31 * k0; a201 += x31 * k1; a210 += x32 * k0; a211 += x32 * k1; a220 += x33 * k0; a221 += x33 * k1; a230 += x34 * k0; a231 += x34 * k1;
    a300 += x41 * k0; a301 += x41 * k1; a310 += x42 * k0; a311 += x42 * k1; a320 += x43 * k0; a321 += x43 * k1; a330 += x44 * k0; a331 += x44 * k1;
    // tap (1, 2)
    k0 = layout.$.params[w + 5u * tap + g0]; k1 = layout.$.params[w + 5u * tap + g1];
    a000 += x12 * k0; a001 += x12 * k1; a010 += x13 * k0; a011 += x13 * k1; a020 += x14 * k0; a021 += x14 * k1; a030 += x15 * k0; a031 += x15 * k1;
    a100 += x22 * k0; a101 += x22 * k1; a110 += x23 * k0; a111 += x23 * k1; a120 += x24 * k0; a121 += x24 * k1; a130 += x25 * k0; a131 += x25 * k1;
    a200 += x32 * k0; a201 += x32 * k1; a210 += x33 * k0; a211 += x33 * k1; a220 += x34 * k0; a221 += x34 * k1; a230 += x35 * k0; a231 += x35 * k1;
    a300 += x42 * k0; a301 += x42 * k1; a310 += x43 * k0; a311 += x43 * k1; a320 += x44 * k0; a321 += x44 * k1; a330 += x45 * k0; a331 += x45 * k1;
    // tap (2, 0)
    k0 = layout.$.params[w + 6u * tap + g0]; k1 = layout.$.params[w + 6u * tap + g1];
    a000 += x20 * k0; a001 += x20 * k1; a010 += x21 * k0; a011 += x21 * k1; a020 += x22 * k0; a021 += x22 * k1; a030 += x23 * k0; a031 += x23 * k1;
    a100 += x30 * k0; a101 += x30 * k1; a110 += x31 * k0; a111 += x31 * k1; a120 += x32 * k0; a121 += x32 * k1; a130 += x33 * k0; a131 += x33 * k1;
    a200 += x40 * k0; a201 += x40 * k1; a210 += x41 * k0; a211 += x41 * k1; a220 += x42 * k0; a221 += x42 * k1; a230 += x43 * k0; a231 += x43 * k1;
    a300 += x50 * k0; a301 += x50 * k1; a310 += x51 * k0; a311 += x51 * k1; a320 += x52 * k0; a321 += x52 * k1; a330 += x53 * k0; a331 += x53 * k1;
    // tap (2, 1)
    k0 = layout.$.params[w + 7u * tap + g0]; k1 = layout.$.params[w + 7u * tap + g1];
    a000 += x21 * k0; a001 += x21 * k1; a010 += x22 * k0; a011 += x22 * k1; a020 += x23 * k0; a021 += x23 * k1; a030 += x24 * k0; a031 += x24 * k1;
    a100 += x31 * k0; a101 += x31 * k1; a110 += x32 * k0; a111 += x32 * k1; a120 += x33 * k0; a121 += x33 * k1; a130 += x34 * k0; a131 += x34 * k1;
    a200 += x41 * k0; a201 += x41 * k1; a210 += x42 * k0; a211 += x42 * k1; a220 += x43 * k0; a221 += x43 * k1; a230 += x44 * k0; a231 += x44 * k1;
    a300 += x51 * k0; a301 += x51 * k1; a310 += x52 * k0; a311 += x52 * k1; a320 += x53 * k0; a321 += x53 * k1; a330 += x54 * k0; a331 += x54 * k1;
    // tap (2, 2)
    k0 = layout.$.params[w + 8u * tap + g0]; k1 = layout.$.params[w + 8u * tap + g1];
    a000 += x22 * k0; a001 += x22 * k1; a010 += x23 * k0; a011 += x23 * k1; a020 += x24 * k0; a021 += x24 * k1; a030 += x25 * k0; a031 += x25 * k1;
    a100 += x32 * k0; a101 += x32 * k1; a110 += x33 * k0; a111 += x33 * k1; a120 += x34 * k0; a121 += x34 * k1; a130 += x35 * k0; a131 += x35 * k1;
    a200 += x42 * k0; a201 += x42 * k1; a210 += x43 * k0; a211 += x43 * k1; a220 += x44 * k0; a221 += x44 * k1; a230 += x45 * k0; a231 += x45 * k1;
    a300 += x52 * k0; a301 += x52 * k1; a310 += x53 * k0; a311 += x53 * k1; a320 += x54 * k0; a321 += x54 * k1; a330 += x55 * k0; a331 += x55 * k1;
  }

  let z = vec4f(0.0);
  let has1 = g0 + 1u < C4;
  if (oy0 + 0u < HO) {
    let o = ((b * HO + oy0 + 0u) * WO + ox0) * C4;
    { layout.$.y[o + 0u * C4 + g0] = max(a000, z); if (has1) { layout.$.y[o + 0u * C4 + g1] = max(a001, z); } }
    if (ox0 + 1u < WO) { layout.$.y[o + 1u * C4 + g0] = max(a010, z); if (has1) { layout.$.y[o + 1u * C4 + g1] = max(a011, z); } }
    if (ox0 + 2u < WO) { layout.$.y[o + 2u * C4 + g0] = max(a020, z); if (has1) { layout.$.y[o + 2u * C4 + g1] = max(a021, z); } }
    if (ox0 + 3u < WO) { layout.$.y[o + 3u * C4 + g0] = max(a030, z); if (has1) { layout.$.y[o + 3u * C4 + g1] = max(a031, z); } }
  }
  if (oy0 + 1u < HO) {
    let o = ((b * HO + oy0 + 1u) * WO + ox0) * C4;
    { layout.$.y[o + 0u * C4 + g0] = max(a100, z); if (has1) { layout.$.y[o + 0u * C4 + g1] = max(a101, z); } }
    if (ox0 + 1u < WO) { layout.$.y[o + 1u * C4 + g0] = max(a110, z); if (has1) { layout.$.y[o + 1u * C4 + g1] = max(a111, z); } }
    if (ox0 + 2u < WO) { layout.$.y[o + 2u * C4 + g0] = max(a120, z); if (has1) { layout.$.y[o + 2u * C4 + g1] = max(a121, z); } }
    if (ox0 + 3u < WO) { layout.$.y[o + 3u * C4 + g0] = max(a130, z); if (has1) { layout.$.y[o + 3u * C4 + g1] = max(a131, z); } }
  }
  if (oy0 + 2u < HO) {
    let o = ((b * HO + oy0 + 2u) * WO + ox0) * C4;
    { layout.$.y[o + 0u * C4 + g0] = max(a200, z); if (has1) { layout.$.y[o + 0u * C4 + g1] = max(a201, z); } }
    if (ox0 + 1u < WO) { layout.$.y[o + 1u * C4 + g0] = max(a210, z); if (has1) { layout.$.y[o + 1u * C4 + g1] = max(a211, z); } }
    if (ox0 + 2u < WO) { layout.$.y[o + 2u * C4 + g0] = max(a220, z); if (has1) { layout.$.y[o + 2u * C4 + g1] = max(a221, z); } }
    if (ox0 + 3u < WO) { layout.$.y[o + 3u * C4 + g0] = max(a230, z); if (has1) { layout.$.y[o + 3u * C4 + g1] = max(a231, z); } }
  }
  if (oy0 + 3u < HO) {
    let o = ((b * HO + oy0 + 3u) * WO + ox0) * C4;
    { layout.$.y[o + 0u * C4 + g0] = max(a300, z); if (has1) { layout.$.y[o + 0u * C4 + g1] = max(a301, z); } }
    if (ox0 + 1u < WO) { layout.$.y[o + 1u * C4 + g0] = max(a310, z); if (has1) { layout.$.y[o + 1u * C4 + g1] = max(a311, z); } }
    if (ox0 + 2u < WO) { layout.$.y[o + 2u * C4 + g0] = max(a320, z); if (has1) { layout.$.y[o + 2u * C4 + g1] = max(a321, z); } }
    if (ox0 + 3u < WO) { layout.$.y[o + 3u * C4 + g0] = max(a330, z); if (has1) { layout.$.y[o + 3u * C4 + g1] = max(a331, z); } }
  }
}
