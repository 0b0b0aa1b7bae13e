// conv2d_backward_filter_slide (filter-gradient variant "slide"): split-K partial sums of the
// kernel and bias gradients over chunks of used output rows,
//   dk[ky, kx, ci, co] = sum over p = (b, oy, ox) of x[b, oy+ky, ox+kx, ci] * g[b, oy, ox, co]
//   db[co]             = sum over p of g[b, oy, ox, co]
// over the used positions (oy < USED_HO, ox < USED_WO; the gradient of the others is zero).
// The BATCH*USED_HO used rows are cut into CHUNKS chunks of ROWS consecutive rows.
// One invocation computes, for one chunk, two input channels (ci0, ci0+1) and 8 output channels
// (vec4 groups g0, g0+1): the 9 taps x 2 ci x 8 co partial sums (36 vec4 accumulators), plus the
// bias partial sums when ci0 == 0. Along each row it keeps the 3x3 input window of both channels
// in registers: per position it loads the window's new column (3 rows x 2 channels), the 2 g
// vec4s, and does 36 vec4 multiply-adds. A second pass (conv2d_backward_filter_reduce) sums the
// chunks. Out-of-range channels are computed from clamped loads and not stored.
// Bindings:
//   x:        (BATCH, H, W, CIN) f32, read
//   g:        (BATCH, HO, WO, COUT) ReLU-masked output gradient, as vec4, read
//   partials: (CHUNKS, 9*CIN*COUT + COUT) as vec4; row c = [dk partial (3,3,CIN,COUT) | db partial (COUT)], written
//   split:    (max batch + 1) vec4u, read: row BATCH = (chunk, chunks, rows per chunk) for this batch size
// ROWS and CHUNKS come from the split table, per batch size (src/layers/conv2d-kernels.ts).
// Requires COUT % 4 == 0. Invocation index
// ordered (chunk, ci pair, channel block) with the channel block fastest.

override ROWS: u32 = layout.$.split[BATCH].z;
override CHUNKS: u32 = layout.$.split[BATCH].y;
override INVOCATIONS: u32 = CHUNKS * ((CIN + 1u) / 2u) * (((COUT / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let C4 = COUT / 4u;
  let cBlocks = (C4 + 1u) / 2u;
  let ciPairs = (CIN + 1u) / 2u;
  let cb = id % cBlocks;
  let cp = (id / cBlocks) % ciPairs;
  let chunk = id / (cBlocks * ciPairs);
  let g0 = cb * 2u;
  let g1 = min(g0 + 1u, C4 - 1u);
  let ci0 = cp * 2u;
  let ci1 = min(ci0 + 1u, CIN - 1u);

  let z = vec4f(0.0);
  // a<tap><channel><group>: tap = ky*3 + kx, channel 0 = ci0, 1 = ci1.
  var a000 = z; var a001 = z; var a010 = z; var a011 = z;
  var a100 = z; var a101 = z; var a110 = z; var a111 = z;
  var a200 = z; var a201 = z; var a210 = z; var a211 = z;
  var a300 = z; var a301 = z; var a310 = z; var a311 = z;
  var a400 = z; var a401 = z; var a410 = z; var a411 = z;
  var a500 = z; var a501 = z; var a510 = z; var a511 = z;
  var a600 = z; var a601 = z; var a610 = z; var a611 = z;
  var a700 = z; var a701 = z; var a710 = z; var a711 = z;
  var a800 = z; var a801 = z; var a810 = z; var a811 = z;
  var d0 = z; var d1 = z;

  let rowEnd = min((chunk + 1u) * ROWS, BATCH * USED_HO);
  for (var row = chunk * ROWS; row < rowEnd; row++) {
    let b = row / USED_HO;
    let oy = row % USED_HO;
    // x rows oy..oy+2 (float offsets of column 0) and this row's g (vec4 offset of column 0).
    let x0 = (b * H + oy) * W * CIN;
    let x1 = x0 + W * CIN;
    let x2 = x1 + W * CIN;
    var gi = (b * HO + oy) * WO * C4;
    // Window columns ox (p*) and ox+1 (q*) for rows 0..2 and channels ci0 / ci1.
    var p00 = layout.$.x[x0 + ci0]; var p01 = layout.$.x[x0 + ci1];
    var p10 = layout.$.x[x1 + ci0]; var p11 = layout.$.x[x1 + ci1];
    var p20 = layout.$.x[x2 + ci0]; var p21 = layout.$.x[x2 + ci1];
    var q00 = layout.$.x[x0 + CIN + ci0]; var q01 = layout.$.x[x0 + CIN + ci1];
    var q10 = layout.$.x[x1 + CIN + ci0]; var q11 = layout.$.x[x1 + CIN + ci1];
    var q20 = layout.$.x[x2 + CIN + ci0]; var q21 = layout.$.x[x2 + CIN + ci1];
    var xc = 2u * CIN;
    for (var ox = 0u; ox < USED_WO; ox++) {
      let r00 = layout.$.x[x0 + xc + ci0]; let r01 = layout.$.x[x0 + xc + ci1];
      let r10 = layout.$.x[x1 + xc + ci0]; let r11 = layout.$.x[x1 + xc + ci1];
      let r20 = layout.$.x[x2 + xc + ci0]; let r21 = layout.$.x[x2 + xc + ci1];
      let e0 = layout.$.g[gi + g0];
      let e1 = layout.$.g[gi + g1];
      d0 += e0; d1 += e1;
      a000 += p00 * e0; a001 += p00 * e1; a010 += p01 * e0; a011 += p01 * e1;
      a100 += q00 * e0; a101 += q00 * e1; a110 += q01 * e0; a111 += q01 * e1;
      a200 += r00 * e0; a201 += r00 * e1; a210 += r01 * e0; a211 += r01 * e1;
      a300 += p10 * e0; a301 += p10 * e1; a310 += p11 * e0; a311 += p11 * e1;
      a400 += q10 * e0; a401 += q10 * e1; a410 += q11 * e0; a411 += q11 * e1;
      a500 += r10 * e0; a501 += r10 * e1; a510 += r11 * e0; a511 += r11 * e1;
      a600 += p20 * e0; a601 += p20 * e1; a610 += p21 * e0; a611 += p21 * e1;
      a700 += q20 * e0; a701 += q20 * e1; a710 += q21 * e0; a711 += q21 * e1;
      a800 += r20 * e0; a801 += r20 * e1; a810 += r21 * e0; a811 += r21 * e1;
      p00 = q00; p01 = q01; p10 = q10; p11 = q11; p20 = q20; p21 = q21;
      q00 = r00; q01 = r01; q10 = r10; q11 = r11; q20 = r20; q21 = r21;
      xc += CIN;
      gi += C4;
    }
  }

  let R4 = 9u * CIN * C4 + C4;
  let tap = CIN * C4;
  let has1 = g0 + 1u < C4;
  let hasC1 = ci0 + 1u < CIN;
  let base0 = chunk * R4 + ci0 * C4;
  let base1 = base0 + C4;
  let acc0 = array<vec4f, 18>(a000, a001, a100, a101, a200, a201, a300, a301, a400, a401, a500, a501, a600, a601, a700, a701, a800, a801);
  let acc1 = array<vec4f, 18>(a010, a011, a110, a111, a210, a211, a310, a311, a410, a411, a510, a511, a610, a611, a710, a711, a810, a811);
  for (var t = 0u; t < 9u; t++) {
    layout.$.partials[base0 + t * tap + g0] = acc0[2u * t];
    if (has1) { layout.$.partials[base0 + t * tap + g1] = acc0[2u * t + 1u]; }
    if (hasC1) {
      layout.$.partials[base1 + t * tap + g0] = acc1[2u * t];
      if (has1) { layout.$.partials[base1 + t * tap + g1] = acc1[2u * t + 1u]; }
    }
  }
  if (cp == 0u) {
    let bb = chunk * R4 + 9u * tap;
    layout.$.partials[bb + g0] = d0;
    if (has1) { layout.$.partials[bb + g1] = d1; }
  }
}
