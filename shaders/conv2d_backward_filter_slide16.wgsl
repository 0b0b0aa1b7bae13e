// conv2d_backward_filter_slide16 (filter-gradient variant "slide16"): the 'slide' kernel
// (conv2d_backward_filter_slide.wgsl) with 16 output channels per invocation instead of 8, over
// the same chunks: split-K partial sums of the kernel and bias gradients over chunks of used
// output rows,
//   dk[ky, kx, ci, co] = sum over p = (b, oy, ox) of x[b, oy+ky, ox+kx, ci] * g[b, oy, ox, co]
//   db[co]             = sum over p of g[b, oy, ox, co]
// over the used positions (oy < USED_HO, ox < USED_WO; the gradient of the others is zero).
// The B*USED_HO used rows are cut into CHUNKS chunks of ROWS consecutive rows (the layer uses
// the 'slide' split, so every partial sum adds the same terms in the same order as 'slide').
// One invocation computes, for one chunk, two input channels (ci0, ci0+1) and 16 output
// channels (vec4 groups g0..g0+3): the 9 taps x 2 ci x 16 co partial sums (72 vec4
// accumulators), plus the bias partial sums when ci0 == 0. Along each row it keeps the 3x3
// input window of both channels in registers: per position it loads the window's new column
// (3 rows x 2 channels), the 4 g vec4s, and does 72 vec4 multiply-adds (7.2 per load against
// 4.5 for 'slide'). A second pass (conv2d_backward_filter_reduce) sums the chunks.
// Out-of-range channels are computed from clamped loads and not stored.
// Bindings:
//   x:        (B, H, W, CIN) f32, read
//   g:        (B, HO, WO, COUT) ReLU-masked output gradient, as vec4, read
//   partials: (CHUNKS, 9*CIN*COUT + COUT) as vec4; row c = [dk partial (3,3,CIN,COUT) | db partial (COUT)], written
// Requires COUT % 4 == 0. Invocation id = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
// ordered (chunk, ci pair, channel block) with the channel block fastest.

override WORKGROUP_SIZE: u32;
override B: u32;
override H: u32;
override W: u32;
override CIN: u32;
override COUT: u32;
override USED_HO: u32;
override USED_WO: u32;
override ROWS: u32;
override CHUNKS: u32;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let HO = H - 2u;
  let WO = W - 2u;
  let C4 = COUT / 4u;
  let cBlocks = (C4 + 3u) / 4u;
  let ciPairs = (CIN + 1u) / 2u;
  let id = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (id >= CHUNKS * ciPairs * cBlocks) { return; }
  let cb = id % cBlocks;
  let cp = (id / cBlocks) % ciPairs;
  let chunk = id / (cBlocks * ciPairs);
  let g0 = cb * 4u;
  let g1 = min(g0 + 1u, C4 - 1u);
  let g2 = min(g0 + 2u, C4 - 1u);
  let g3 = min(g0 + 3u, C4 - 1u);
  let ci0 = cp * 2u;
  let ci1 = min(ci0 + 1u, CIN - 1u);

  let z = vec4f(0.0);
  // a<tap><channel><group>: tap = ky*3 + kx, channel 0 = ci0, 1 = ci1, group 0..3 = g0..g3.
  var a000 = z; var a001 = z; var a002 = z; var a003 = z; var a010 = z; var a011 = z; var a012 = z; var a013 = z;
  var a100 = z; var a101 = z; var a102 = z; var a103 = z; var a110 = z; var a111 = z; var a112 = z; var a113 = z;
  var a200 = z; var a201 = z; var a202 = z; var a203 = z; var a210 = z; var a211 = z; var a212 = z; var a213 = z;
  var a300 = z; var a301 = z; var a302 = z; var a303 = z; var a310 = z; var a311 = z; var a312 = z; var a313 = z;
  var a400 = z; var a401 = z; var a402 = z; var a403 = z; var a410 = z; var a411 = z; var a412 = z; var a413 = z;
  var a500 = z; var a501 = z; var a502 = z; var a503 = z; var a510 = z; var a511 = z; var a512 = z; var a513 = z;
  var a600 = z; var a601 = z; var a602 = z; var a603 = z; var a610 = z; var a611 = z; var a612 = z; var a613 = z;
  var a700 = z; var a701 = z; var a702 = z; var a703 = z; var a710 = z; var a711 = z; var a712 = z; var a713 = z;
  var a800 = z; var a801 = z; var a802 = z; var a803 = z; var a810 = z; var a811 = z; var a812 = z; var a813 = z;
  var d0 = z; var d1 = z; var d2 = z; var d3 = z;

  let rowEnd = min((chunk + 1u) * ROWS, B * USED_HO);
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
      let e2 = layout.$.g[gi + g2];
      let e3 = layout.$.g[gi + g3];
      d0 += e0; d1 += e1; d2 += e2; d3 += e3;
      a000 += p00 * e0; a001 += p00 * e1; a002 += p00 * e2; a003 += p00 * e3; a010 += p01 * e0; a011 += p01 * e1; a012 += p01 * e2; a013 += p01 * e3;
      a100 += q00 * e0; a101 += q00 * e1; a102 += q00 * e2; a103 += q00 * e3; a110 += q01 * e0; a111 += q01 * e1; a112 += q01 * e2; a113 += q01 * e3;
      a200 += r00 * e0; a201 += r00 * e1; a202 += r00 * e2; a203 += r00 * e3; a210 += r01 * e0; a211 += r01 * e1; a212 += r01 * e2; a213 += r01 * e3;
      a300 += p10 * e0; a301 += p10 * e1; a302 += p10 * e2; a303 += p10 * e3; a310 += p11 * e0; a311 += p11 * e1; a312 += p11 * e2; a313 += p11 * e3;
      a400 += q10 * e0; a401 += q10 * e1; a402 += q10 * e2; a403 += q10 * e3; a410 += q11 * e0; a411 += q11 * e1; a412 += q11 * e2; a413 += q11 * e3;
      a500 += r10 * e0; a501 += r10 * e1; a502 += r10 * e2; a503 += r10 * e3; a510 += r11 * e0; a511 += r11 * e1; a512 += r11 * e2; a513 += r11 * e3;
      a600 += p20 * e0; a601 += p20 * e1; a602 += p20 * e2; a603 += p20 * e3; a610 += p21 * e0; a611 += p21 * e1; a612 += p21 * e2; a613 += p21 * e3;
      a700 += q20 * e0; a701 += q20 * e1; a702 += q20 * e2; a703 += q20 * e3; a710 += q21 * e0; a711 += q21 * e1; a712 += q21 * e2; a713 += q21 * e3;
      a800 += r20 * e0; a801 += r20 * e1; a802 += r20 * e2; a803 += r20 * e3; a810 += r21 * e0; a811 += r21 * e1; a812 += r21 * e2; a813 += r21 * e3;
      p00 = q00; p01 = q01; p10 = q10; p11 = q11; p20 = q20; p21 = q21;
      q00 = r00; q01 = r01; q10 = r10; q11 = r11; q20 = r20; q21 = r21;
      xc += CIN;
      gi += C4;
    }
  }

  let R4 = 9u * CIN * C4 + C4;
  let tap = CIN * C4;
  let hasC1 = ci0 + 1u < CIN;
  let base0 = chunk * R4 + ci0 * C4;
  let base1 = base0 + C4;
  let acc0 = array<vec4f, 36>(a000, a001, a002, a003, a100, a101, a102, a103, a200, a201, a202, a203, a300, a301, a302, a303, a400, a401, a402, a403, a500, a501, a502, a503, a600, a601, a602, a603, a700, a701, a702, a703, a800, a801, a802, a803);
  let acc1 = array<vec4f, 36>(a010, a011, a012, a013, a110, a111, a112, a113, a210, a211, a212, a213, a310, a311, a312, a313, a410, a411, a412, a413, a510, a511, a512, a513, a610, a611, a612, a613, a710, a711, a712, a713, a810, a811, a812, a813);
  for (var t = 0u; t < 9u; t++) {
    for (var q = 0u; q < 4u; q++) {
      let gq = g0 + q;
      if (gq >= C4) { continue; }
      layout.$.partials[base0 + t * tap + gq] = acc0[4u * t + q];
      if (hasC1) { layout.$.partials[base1 + t * tap + gq] = acc1[4u * t + q]; }
    }
  }
  if (cp == 0u) {
    let bb = chunk * R4 + 9u * tap;
    let ds = array<vec4f, 4>(d0, d1, d2, d3);
    for (var q = 0u; q < 4u; q++) {
      if (g0 + q < C4) { layout.$.partials[bb + g0 + q] = ds[q]; }
    }
  }
}
