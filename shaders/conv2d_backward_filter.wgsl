// conv2d_backward_filter: split-K partial sums of the kernel and bias gradients.
//   dk[ky, kx, ci, co] = sum over p = (b, oy, ox) of x[b, oy+ky, ox+kx, ci] * g[b, oy, ox, co]
//   db[co]             = sum over p of g[b, oy, ox, co]
// The sum runs over the used positions (b, oy < USED_HO, ox < USED_WO): the gradient of the
// others is zero (USED_HO = HO, USED_WO = WO unless a floor max-pool drops the last row/column).
// These BATCH*USED_HO*USED_WO positions are cut into CHUNKS chunks of CHUNK consecutive positions.
// One invocation computes, for one chunk c, one input channel ci and 8 output channels
// (vec4 groups g0, g0+1), the 9 taps x 8 channels partial sums (18 vec4 accumulators), plus the
// bias partial sums for those 8 channels when ci == 0. Each x value is loaded once per position
// and tap; g rows are vec4 loads. A second pass (conv2d_backward_filter_reduce) sums the chunks.
// Bindings:
//   x:        (BATCH, H, W, CIN) f32, read
//   g:        (BATCH, HO, WO, COUT) ReLU-masked output gradient, as vec4, read
//   partials: (CHUNKS, 9*CIN*COUT + COUT) as vec4; row c = [dk partial (3,3,CIN,COUT) | db partial (COUT)], written
//   split:    (max batch + 1) vec4u, read: row BATCH = (chunk, chunks, rows per chunk) for this batch size
// CHUNK and CHUNKS come from the split table, per batch size (src/layers/conv2d-kernels.ts).
// Requires COUT % 4 == 0. Invocation index
// ordered (chunk, ci, channel block) with the channel block fastest.

override CHUNK: u32 = layout.$.split[BATCH].x;
override CHUNKS: u32 = layout.$.split[BATCH].y;
override INVOCATIONS: u32 = CHUNKS * CIN * (((COUT / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let C4 = COUT / 4u;
  let cBlocks = (C4 + 1u) / 2u;
  let cb = id % cBlocks;
  let ci = (id / cBlocks) % CIN;
  let chunk = id / (cBlocks * CIN);
  let g0 = cb * 2u;
  let g1 = min(g0 + 1u, C4 - 1u);

  let P = BATCH * USED_HO * USED_WO;
  let start = chunk * CHUNK;
  let end = min(start + CHUNK, P);

  // Tap offsets (floats) relative to x[b, oy, ox, ci].
  let s1 = CIN;
  let s2 = 2u * CIN;
  let r1 = W * CIN;
  let r2 = 2u * W * CIN;

  var ox = start % USED_WO;
  var oy = (start / USED_WO) % USED_HO;
  let b0 = start / (USED_WO * USED_HO);
  var xi = ((b0 * H + oy) * W + ox) * CIN + ci;
  var gi = ((b0 * HO + oy) * WO + ox) * C4;

  let z = vec4f(0.0);
  var a00 = z; var a01 = z; var a10 = z; var a11 = z; var a20 = z; var a21 = z;
  var a30 = z; var a31 = z; var a40 = z; var a41 = z; var a50 = z; var a51 = z;
  var a60 = z; var a61 = z; var a70 = z; var a71 = z; var a80 = z; var a81 = z;
  var d0 = z; var d1 = z;

  for (var p = start; p < end; p++) {
    let gv0 = layout.$.g[gi + g0];
    let gv1 = layout.$.g[gi + g1];
    d0 += gv0; d1 += gv1;
    var t = layout.$.x[xi];
    a00 += t * gv0; a01 += t * gv1;
    t = layout.$.x[xi + s1];
    a10 += t * gv0; a11 += t * gv1;
    t = layout.$.x[xi + s2];
    a20 += t * gv0; a21 += t * gv1;
    t = layout.$.x[xi + r1];
    a30 += t * gv0; a31 += t * gv1;
    t = layout.$.x[xi + r1 + s1];
    a40 += t * gv0; a41 += t * gv1;
    t = layout.$.x[xi + r1 + s2];
    a50 += t * gv0; a51 += t * gv1;
    t = layout.$.x[xi + r2];
    a60 += t * gv0; a61 += t * gv1;
    t = layout.$.x[xi + r2 + s1];
    a70 += t * gv0; a71 += t * gv1;
    t = layout.$.x[xi + r2 + s2];
    a80 += t * gv0; a81 += t * gv1;
    // Next position: step one column; at the end of the used row skip the unused output
    // columns (and x's 2 border columns), at the end of the used rows the unused output rows
    // (and x's 2 border rows).
    ox++;
    xi += CIN;
    gi += C4;
    if (ox == USED_WO) {
      ox = 0u;
      xi += (W - USED_WO) * CIN;
      gi += (WO - USED_WO) * C4;
      oy++;
      if (oy == USED_HO) {
        oy = 0u;
        xi += (H - USED_HO) * W * CIN;
        gi += (HO - USED_HO) * WO * C4;
      }
    }
  }

  let R4 = 9u * CIN * C4 + C4;
  let base = chunk * R4 + ci * C4;
  let tap = CIN * C4;
  let has1 = g0 + 1u < C4;
  layout.$.partials[base + g0] = a00;
  layout.$.partials[base + tap + g0] = a10;
  layout.$.partials[base + 2u * tap + g0] = a20;
  layout.$.partials[base + 3u * tap + g0] = a30;
  layout.$.partials[base + 4u * tap + g0] = a40;
  layout.$.partials[base + 5u * tap + g0] = a50;
  layout.$.partials[base + 6u * tap + g0] = a60;
  layout.$.partials[base + 7u * tap + g0] = a70;
  layout.$.partials[base + 8u * tap + g0] = a80;
  if (has1) {
    layout.$.partials[base + g1] = a01;
    layout.$.partials[base + tap + g1] = a11;
    layout.$.partials[base + 2u * tap + g1] = a21;
    layout.$.partials[base + 3u * tap + g1] = a31;
    layout.$.partials[base + 4u * tap + g1] = a41;
    layout.$.partials[base + 5u * tap + g1] = a51;
    layout.$.partials[base + 6u * tap + g1] = a61;
    layout.$.partials[base + 7u * tap + g1] = a71;
    layout.$.partials[base + 8u * tap + g1] = a81;
  }
  if (ci == 0u) {
    let bb = chunk * R4 + 9u * tap;
    layout.$.partials[bb + g0] = d0;
    if (has1) { layout.$.partials[bb + g1] = d1; }
  }
}
