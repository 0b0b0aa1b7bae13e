// conv2d_backward_filter_rows (filter variant "rows"): split-K partial sums of the kernel and bias
// gradients, same contract and partials arrangement as conv2d_backward_filter:
//   dk[ky, kx, ci, co] = sum over p = (b, oy, ox) of x[b, oy+ky, ox+kx, ci] * g[b, oy, ox, co]
//   db[co]             = sum over p of g[b, oy, ox, co]
// The BATCH*HO output rows (b, oy) are cut into CHUNKS chunks of ROWS consecutive rows. One invocation
// computes, for one chunk, one kernel row ky, 4 input channels ci0..ci0+3 and 8 output channels
// (vec4 groups g0, g0+1), the 3 kx taps' 4x8 partial sums (24 vec4 accumulators a{kx}{group}{i} over 4
// output channels, i = channel ci0+i). It sweeps each output row left to right keeping the 3-column input window
// (x[.., ox+kx, ci0..ci0+3], kx = 0..2) in registers: per position it loads 4 new x values and
// 2 g vec4s for 96 multiply-adds (conv2d_backward_filter: 17 loads for 72). Bias partial sums
// come from the (ky = 0, ci0 = 0) invocations. Channels past CIN are computed from clamped loads
// and not stored. A second pass (conv2d_backward_filter_reduce) sums the chunks.
// Bindings:
//   x:        (BATCH, H, W, CIN) f32, read
//   g:        (BATCH, HO, WO, COUT) ReLU-masked output gradient, as vec4, read
//   partials: (CHUNKS, 9*CIN*COUT + COUT) as vec4; row c = [dk partial (3,3,CIN,COUT) | db partial (COUT)], written
//   split:    (max batch + 1) vec4u, read: row BATCH = (chunk, chunks, rows per chunk) for this batch size
// ROWS and CHUNKS come from the split table, per batch size (src/layers/conv2d-kernels.ts).
// Requires COUT % 4 == 0. Invocation index
// ordered (chunk, ky, ci block, channel block) with the channel block fastest.

override ROWS: u32 = layout.$.split[BATCH].z;
override CHUNKS: u32 = layout.$.split[BATCH].y;
override INVOCATIONS: u32 = CHUNKS * 3u * ((CIN + 3u) / 4u) * (((COUT / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let C4 = COUT / 4u;
  let CI4 = (CIN + 3u) / 4u;
  let cBlocks = (C4 + 1u) / 2u;
  let cb = id % cBlocks;
  var r = id / cBlocks;
  let cq = r % CI4;
  r = r / CI4;
  let ky = r % 3u;
  let chunk = r / 3u;
  let g0 = cb * 2u;
  let g1 = min(g0 + 1u, C4 - 1u);
  let ci0 = cq * 4u;
  // Channel offsets of the 4 input channels, clamped into range.
  let o0 = min(ci0, CIN - 1u);
  let o1 = min(ci0 + 1u, CIN - 1u);
  let o2 = min(ci0 + 2u, CIN - 1u);
  let o3 = min(ci0 + 3u, CIN - 1u);

  let rowStart = chunk * ROWS;
  let rowEnd = min(rowStart + ROWS, BATCH * HO);

  let z = vec4f(0.0);
  var a000 = z; var a001 = z; var a002 = z; var a003 = z; // kx = 0, group g0, channels ci0..ci0+3
  var a010 = z; var a011 = z; var a012 = z; var a013 = z; // kx = 0, group g1, channels ci0..ci0+3
  var a100 = z; var a101 = z; var a102 = z; var a103 = z; // kx = 1, group g0, channels ci0..ci0+3
  var a110 = z; var a111 = z; var a112 = z; var a113 = z; // kx = 1, group g1, channels ci0..ci0+3
  var a200 = z; var a201 = z; var a202 = z; var a203 = z; // kx = 2, group g0, channels ci0..ci0+3
  var a210 = z; var a211 = z; var a212 = z; var a213 = z; // kx = 2, group g1, channels ci0..ci0+3
  var d0 = z;
  var d1 = z;

  for (var row = rowStart; row < rowEnd; row++) {
    let b = row / HO;
    let oy = row % HO;
    var xi = ((b * H + oy + ky) * W) * CIN;
    var gi = row * WO * C4;
    var xa = vec4f(layout.$.x[xi + o0], layout.$.x[xi + o1], layout.$.x[xi + o2], layout.$.x[xi + o3]);
    xi += CIN;
    var xb = vec4f(layout.$.x[xi + o0], layout.$.x[xi + o1], layout.$.x[xi + o2], layout.$.x[xi + o3]);
    for (var ox = 0u; ox < WO; ox++) {
      xi += CIN;
      let xc = vec4f(layout.$.x[xi + o0], layout.$.x[xi + o1], layout.$.x[xi + o2], layout.$.x[xi + o3]);
      let q0 = layout.$.g[gi + g0];
      let q1 = layout.$.g[gi + g1];
      gi += C4;
      d0 += q0; d1 += q1;
      a000 += q0 * xa.x; a001 += q0 * xa.y; a002 += q0 * xa.z; a003 += q0 * xa.w;
      a010 += q1 * xa.x; a011 += q1 * xa.y; a012 += q1 * xa.z; a013 += q1 * xa.w;
      a100 += q0 * xb.x; a101 += q0 * xb.y; a102 += q0 * xb.z; a103 += q0 * xb.w;
      a110 += q1 * xb.x; a111 += q1 * xb.y; a112 += q1 * xb.z; a113 += q1 * xb.w;
      a200 += q0 * xc.x; a201 += q0 * xc.y; a202 += q0 * xc.z; a203 += q0 * xc.w;
      a210 += q1 * xc.x; a211 += q1 * xc.y; a212 += q1 * xc.z; a213 += q1 * xc.w;
      xa = xb;
      xb = xc;
    }
  }

  let R4 = 9u * CIN * C4 + C4;
  let has1 = g0 + 1u < C4;
  let nc = min(CIN - ci0, 4u);
  // Tap (ky, kx) row of channel ci0 in the partial row, in vec4s.
  let t0 = chunk * R4 + ((ky * 3u) * CIN + ci0) * C4;
  let tap = CIN * C4;
  {
    let o = t0 + 0u * C4;
    layout.$.partials[o + g0] = a000; layout.$.partials[o + tap + g0] = a100; layout.$.partials[o + 2u * tap + g0] = a200;
    if (has1) { layout.$.partials[o + g1] = a010; layout.$.partials[o + tap + g1] = a110; layout.$.partials[o + 2u * tap + g1] = a210; }
  }
  if (nc > 1u) {
    let o = t0 + 1u * C4;
    layout.$.partials[o + g0] = a001; layout.$.partials[o + tap + g0] = a101; layout.$.partials[o + 2u * tap + g0] = a201;
    if (has1) { layout.$.partials[o + g1] = a011; layout.$.partials[o + tap + g1] = a111; layout.$.partials[o + 2u * tap + g1] = a211; }
  }
  if (nc > 2u) {
    let o = t0 + 2u * C4;
    layout.$.partials[o + g0] = a002; layout.$.partials[o + tap + g0] = a102; layout.$.partials[o + 2u * tap + g0] = a202;
    if (has1) { layout.$.partials[o + g1] = a012; layout.$.partials[o + tap + g1] = a112; layout.$.partials[o + 2u * tap + g1] = a212; }
  }
  if (nc > 3u) {
    let o = t0 + 3u * C4;
    layout.$.partials[o + g0] = a003; layout.$.partials[o + tap + g0] = a103; layout.$.partials[o + 2u * tap + g0] = a203;
    if (has1) { layout.$.partials[o + g1] = a013; layout.$.partials[o + tap + g1] = a113; layout.$.partials[o + 2u * tap + g1] = a213; }
  }
  if (ky == 0u && cq == 0u) {
    let bb = chunk * R4 + 9u * tap;
    layout.$.partials[bb + g0] = d0;
    if (has1) { layout.$.partials[bb + g1] = d1; }
  }
}
