// conv2d_backward_input: dx[b, y, x, ci] = sum over ky, kx, co of
//   g[b, y-ky, x-kx, co] * kernel[ky, kx, ci, co]   (terms outside the output are zero).
// Same register tiling as conv2d_forward, with the roles of the channels swapped: one invocation
// computes 4 adjacent input columns x0..x0+3 of one row (b, y) times 8 input channels (two vec4
// groups h0, h0+1 of the transposed kernel kT). For each (ky, co) it loads the 6 g values its
// columns need once (zero outside the output) and reuses them for the 3 kx taps; kernel rows are
// vec4 loads over ci. Out-of-range columns/channels are computed from clamped loads, not stored.
// Bindings:
//   g:  (B, H-2, W-2, COUT) ReLU-masked output gradient, f32, read
//   kT: (3, 3, COUT, CIN4) transposed kernel (conv2d_backward_kernel_transpose), as vec4, read
//   dx: (B, H, W, CIN) f32, written
// Invocation id = linearIndex(wid, nwg, lid, WORKGROUP_SIZE), ordered
// (b, y, column tile, channel block) with the channel block fastest.

override WORKGROUP_SIZE: u32;
override B: u32;
override H: u32;
override W: u32;
override CIN: u32;
override COUT: u32;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let HO = H - 2u;
  let WO = W - 2u;
  let CI4 = (CIN + 3u) / 4u;
  let tilesX = (W + 3u) / 4u;
  let cBlocks = (CI4 + 1u) / 2u;
  let id = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (id >= B * H * tilesX * cBlocks) { return; }
  let cb = id % cBlocks;
  var r = id / cBlocks;
  let tx = r % tilesX;
  r = r / tilesX;
  let y = r % H;
  let b = r / H;
  let x0 = tx * 4u;
  let h0 = cb * 2u;
  let h1 = min(h0 + 1u, CI4 - 1u);

  // The 6 output columns ox = x0 - 2 + j (j = 0..5) this tile reads: clamped offset and validity.
  let ox0 = i32(x0) - 2;
  let wo = i32(WO);
  let v0 = ox0 >= 0 && ox0 < wo;
  let v1 = ox0 + 1 >= 0 && ox0 + 1 < wo;
  let v2 = ox0 + 2 >= 0 && ox0 + 2 < wo;
  let v3 = ox0 + 3 >= 0 && ox0 + 3 < wo;
  let v4 = ox0 + 4 >= 0 && ox0 + 4 < wo;
  let v5 = ox0 + 5 >= 0 && ox0 + 5 < wo;
  let o0 = u32(clamp(ox0, 0, wo - 1)) * COUT;
  let o1 = u32(clamp(ox0 + 1, 0, wo - 1)) * COUT;
  let o2 = u32(clamp(ox0 + 2, 0, wo - 1)) * COUT;
  let o3 = u32(clamp(ox0 + 3, 0, wo - 1)) * COUT;
  let o4 = u32(clamp(ox0 + 4, 0, wo - 1)) * COUT;
  let o5 = u32(clamp(ox0 + 5, 0, wo - 1)) * COUT;

  let z = vec4f(0.0);
  var a00 = z; var a01 = z; var a10 = z; var a11 = z;
  var a20 = z; var a21 = z; var a30 = z; var a31 = z;
  let tap = COUT * CI4; // vec4s between kx taps in kT
  for (var ky = 0u; ky < 3u; ky++) {
    let oy = i32(y) - i32(ky);
    if (oy < 0 || oy >= i32(HO)) { continue; }
    let row = (b * HO + u32(oy)) * WO * COUT;
    let kRow = ky * 3u * tap;
    for (var co = 0u; co < COUT; co++) {
      let q0 = select(0.0, layout.$.g[row + o0 + co], v0);
      let q1 = select(0.0, layout.$.g[row + o1 + co], v1);
      let q2 = select(0.0, layout.$.g[row + o2 + co], v2);
      let q3 = select(0.0, layout.$.g[row + o3 + co], v3);
      let q4 = select(0.0, layout.$.g[row + o4 + co], v4);
      let q5 = select(0.0, layout.$.g[row + o5 + co], v5);
      let kw = kRow + co * CI4;
      // kx = 0: column x0+p reads ox = x0+p (q index p+2)
      var m0 = layout.$.kT[kw + h0];
      var m1 = layout.$.kT[kw + h1];
      a00 += q2 * m0; a01 += q2 * m1;
      a10 += q3 * m0; a11 += q3 * m1;
      a20 += q4 * m0; a21 += q4 * m1;
      a30 += q5 * m0; a31 += q5 * m1;
      // kx = 1: ox = x0+p-1 (q index p+1)
      m0 = layout.$.kT[kw + tap + h0];
      m1 = layout.$.kT[kw + tap + h1];
      a00 += q1 * m0; a01 += q1 * m1;
      a10 += q2 * m0; a11 += q2 * m1;
      a20 += q3 * m0; a21 += q3 * m1;
      a30 += q4 * m0; a31 += q4 * m1;
      // kx = 2: ox = x0+p-2 (q index p)
      m0 = layout.$.kT[kw + 2u * tap + h0];
      m1 = layout.$.kT[kw + 2u * tap + h1];
      a00 += q0 * m0; a01 += q0 * m1;
      a10 += q1 * m0; a11 += q1 * m1;
      a20 += q2 * m0; a21 += q2 * m1;
      a30 += q3 * m0; a31 += q3 * m1;
    }
  }

  let n0 = min(CIN - 4u * h0, 4u);
  let has1 = h0 + 1u < CI4;
  let n1 = select(0u, min(CIN - 4u * (h0 + 1u), 4u), has1);
  let out = ((b * H + y) * W + x0) * CIN;
  store4(out + 4u * h0, a00, n0);
  store4(out + 4u * h1, a01, n1);
  if (x0 + 1u < W) { store4(out + CIN + 4u * h0, a10, n0); store4(out + CIN + 4u * h1, a11, n1); }
  if (x0 + 2u < W) { store4(out + 2u * CIN + 4u * h0, a20, n0); store4(out + 2u * CIN + 4u * h1, a21, n1); }
  if (x0 + 3u < W) { store4(out + 3u * CIN + 4u * h0, a30, n0); store4(out + 3u * CIN + 4u * h1, a31, n1); }
}

/** Writes the first n (0..4) components of v to dx[i..i+n). */
fn store4(i: u32, v: vec4f, n: u32) {
  if (n > 0u) { layout.$.dx[i] = v.x; }
  if (n > 1u) { layout.$.dx[i + 1u] = v.y; }
  if (n > 2u) { layout.$.dx[i + 2u] = v.z; }
  if (n > 3u) { layout.$.dx[i + 3u] = v.w; }
}
