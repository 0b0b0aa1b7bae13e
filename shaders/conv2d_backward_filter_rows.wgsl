// conv2d_backward_filter_rows (filter variant "rows"): split-K partial sums of the kernel and bias
// gradients, same contract and partials layout as conv2d_backward_filter:
//   dk[ky, kx, ci, co] = sum over p = (b, oy, ox) of x[b, oy+ky, ox+kx, ci] * g[b, oy, ox, co]
//   db[co]             = sum over p of g[b, oy, ox, co]
// The B*HO output rows (b, oy) are cut into CHUNKS chunks of ROWS consecutive rows. One invocation
// computes, for one chunk, one kernel row ky, 4 input channels ci0..ci0+3 and 8 output channels
// (vec4 groups g0, g0+1), the 3 kx taps' 4x8 partial sums (6 mat4x4 accumulators, column i =
// channel ci0+i). It sweeps each output row left to right keeping the 3-column input window
// (x[.., ox+kx, ci0..ci0+3], kx = 0..2) in registers: per position it loads 4 new x values and
// 2 g vec4s for 96 multiply-adds (conv2d_backward_filter: 17 loads for 72). Bias partial sums
// come from the (ky = 0, ci0 = 0) invocations. Channels past CIN are computed from clamped loads
// and not stored. A second pass (conv2d_backward_filter_reduce) sums the chunks.
// Bindings:
//   x:        (B, H, W, CIN) f32, read
//   g:        (B, HO, WO, COUT) ReLU-masked output gradient, as vec4, read
//   partials: (CHUNKS, 9*CIN*COUT + COUT) as vec4; row c = [dk partial (3,3,CIN,COUT) | db partial (COUT)], written
// Requires COUT % 4 == 0. Invocation id = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
// ordered (chunk, ky, ci block, channel block) with the channel block fastest.

override WORKGROUP_SIZE: u32;
override B: u32;
override H: u32;
override W: u32;
override CIN: u32;
override COUT: u32;
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
  let CI4 = (CIN + 3u) / 4u;
  let cBlocks = (C4 + 1u) / 2u;
  let id = (wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid;
  if (id >= CHUNKS * 3u * CI4 * cBlocks) { return; }
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
  let rowEnd = min(rowStart + ROWS, B * HO);

  let zm = mat4x4f();
  var m00 = zm; var m01 = zm; // kx = 0, groups g0 / g1
  var m10 = zm; var m11 = zm; // kx = 1
  var m20 = zm; var m21 = zm; // kx = 2
  var d0 = vec4f(0.0);
  var d1 = vec4f(0.0);

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
      m00 += mat4x4f(q0 * xa.x, q0 * xa.y, q0 * xa.z, q0 * xa.w);
      m01 += mat4x4f(q1 * xa.x, q1 * xa.y, q1 * xa.z, q1 * xa.w);
      m10 += mat4x4f(q0 * xb.x, q0 * xb.y, q0 * xb.z, q0 * xb.w);
      m11 += mat4x4f(q1 * xb.x, q1 * xb.y, q1 * xb.z, q1 * xb.w);
      m20 += mat4x4f(q0 * xc.x, q0 * xc.y, q0 * xc.z, q0 * xc.w);
      m21 += mat4x4f(q1 * xc.x, q1 * xc.y, q1 * xc.z, q1 * xc.w);
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
  for (var i = 0u; i < nc; i++) {
    let o = t0 + i * C4;
    layout.$.partials[o + g0] = m00[i];
    layout.$.partials[o + tap + g0] = m10[i];
    layout.$.partials[o + 2u * tap + g0] = m20[i];
    if (has1) {
      layout.$.partials[o + g1] = m01[i];
      layout.$.partials[o + tap + g1] = m11[i];
      layout.$.partials[o + 2u * tap + g1] = m21[i];
    }
  }
  if (ky == 0u && cq == 0u) {
    let bb = chunk * R4 + 9u * tap;
    layout.$.partials[bb + g0] = d0;
    if (has1) { layout.$.partials[bb + g1] = d1; }
  }
}
