// conv2d_backward_input_rows (input-gradient variant "rows"): dx[b, y, x, ci] = sum over ky, kx,
// co of g[b, y-ky, x-kx, co] * kernel[ky, kx, ci, co], over the output positions that exist and
// are used (oy < USED_HO, ox < USED_WO; the gradient of the others is zero, e.g. the row and
// column a floor 2x2 max-pool drops).
// One invocation computes 7 adjacent input columns x0..x0+6 of one row (b, y) times 8 input
// channels (vec4 groups h0, h0+1 of the transposed kernel kT). It visits only the kernel rows ky
// whose output row oy = y - ky exists and is used (no zero rows), and for each (ky, co) loads the
// 9 g values of output columns x0-2..x0+6 (zero outside) and the 6 kernel vec4s, then does 42
// vec4 multiply-adds. When W >= 7 the last column tile is shifted left to end at the image edge
// and stores only the columns the tile before it did not; below 7 columns the extra columns are
// computed from clamped loads and not stored. Out-of-range channel groups likewise.
// Bindings:
//   g:  (BATCH, H-2, W-2, COUT) ReLU-masked output gradient, f32, read
//   kT: (3, 3, COUT, CIN4) transposed kernel (conv2d_backward_kernel_transpose), as vec4, read
//   dx: (BATCH, H, W, CIN) f32, written (every element)
// Invocation index, ordered
// (b, y, column tile, channel block) with the channel block fastest.

const TILE_X: u32 = 7u;

override INVOCATIONS: u32 = BATCH * H * ((W + TILE_X - 1u) / TILE_X) * ((((CIN + 3u) / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let CI4 = (CIN + 3u) / 4u;
  let tilesX = (W + TILE_X - 1u) / TILE_X;
  let cBlocks = (CI4 + 1u) / 2u;
  let cb = id % cBlocks;
  var r = id / cBlocks;
  let tx = r % tilesX;
  r = r / tilesX;
  let y = r % H;
  let b = r / H;
  // First column this tile owns, and where its 7 columns start (shifted left at the edge).
  let own0 = tx * TILE_X;
  let x0 = select(own0, min(own0, W - TILE_X), W >= TILE_X);
  let h0 = cb * 2u;
  let h1 = min(h0 + 1u, CI4 - 1u);
  // Float offsets (within an output row) and 0/1 weights of the 9 output columns
  // ox = x0 - 2 + j the tile reads: clamped into the used columns, weight 0 outside them.
  let ox0 = i32(x0) - 2;
  let lastCol = i32(USED_WO) - 1;
  let o0 = u32(clamp(ox0, 0, lastCol)) * COUT; let m0 = select(0.0, 1.0, ox0 >= 0 && ox0 <= lastCol);
  let o1 = u32(clamp(ox0 + 1, 0, lastCol)) * COUT; let m1 = select(0.0, 1.0, ox0 + 1 >= 0 && ox0 + 1 <= lastCol);
  let o2 = u32(clamp(ox0 + 2, 0, lastCol)) * COUT; let m2 = select(0.0, 1.0, ox0 + 2 >= 0 && ox0 + 2 <= lastCol);
  let o3 = u32(clamp(ox0 + 3, 0, lastCol)) * COUT; let m3 = select(0.0, 1.0, ox0 + 3 >= 0 && ox0 + 3 <= lastCol);
  let o4 = u32(clamp(ox0 + 4, 0, lastCol)) * COUT; let m4 = select(0.0, 1.0, ox0 + 4 >= 0 && ox0 + 4 <= lastCol);
  let o5 = u32(clamp(ox0 + 5, 0, lastCol)) * COUT; let m5 = select(0.0, 1.0, ox0 + 5 >= 0 && ox0 + 5 <= lastCol);
  let o6 = u32(clamp(ox0 + 6, 0, lastCol)) * COUT; let m6 = select(0.0, 1.0, ox0 + 6 >= 0 && ox0 + 6 <= lastCol);
  let o7 = u32(clamp(ox0 + 7, 0, lastCol)) * COUT; let m7 = select(0.0, 1.0, ox0 + 7 >= 0 && ox0 + 7 <= lastCol);
  let o8 = u32(clamp(ox0 + 8, 0, lastCol)) * COUT; let m8 = select(0.0, 1.0, ox0 + 8 >= 0 && ox0 + 8 <= lastCol);

  var a00 = vec4f(0.0); var a01 = vec4f(0.0);
  var a10 = vec4f(0.0); var a11 = vec4f(0.0);
  var a20 = vec4f(0.0); var a21 = vec4f(0.0);
  var a30 = vec4f(0.0); var a31 = vec4f(0.0);
  var a40 = vec4f(0.0); var a41 = vec4f(0.0);
  var a50 = vec4f(0.0); var a51 = vec4f(0.0);
  var a60 = vec4f(0.0); var a61 = vec4f(0.0);

  // Kernel rows whose output row oy = y - ky exists and is used: ky in [kyLo, kyHi].
  let kyLo = u32(max(i32(y) - i32(USED_HO) + 1, 0));
  let kyHi = min(y, 2u);
  for (var ky = kyLo; ky <= kyHi; ky++) {
    let row = (b * HO + y - ky) * WO * COUT;
    let kRow = ky * 3u * COUT * CI4;
    for (var co = 0u; co < COUT; co++) {
      let g0 = layout.$.g[row + o0 + co] * m0;
      let g1 = layout.$.g[row + o1 + co] * m1;
      let g2 = layout.$.g[row + o2 + co] * m2;
      let g3 = layout.$.g[row + o3 + co] * m3;
      let g4 = layout.$.g[row + o4 + co] * m4;
      let g5 = layout.$.g[row + o5 + co] * m5;
      let g6 = layout.$.g[row + o6 + co] * m6;
      let g7 = layout.$.g[row + o7 + co] * m7;
      let g8 = layout.$.g[row + o8 + co] * m8;
      // Tap kx takes dx column c from output column c - kx, i.e. g(c + 2 - kx).
      let k = kRow + co * CI4;
      var k0 = layout.$.kT[k + h0];
      var k1 = layout.$.kT[k + h1];
      a00 += g2 * k0; a01 += g2 * k1;
      a10 += g3 * k0; a11 += g3 * k1;
      a20 += g4 * k0; a21 += g4 * k1;
      a30 += g5 * k0; a31 += g5 * k1;
      a40 += g6 * k0; a41 += g6 * k1;
      a50 += g7 * k0; a51 += g7 * k1;
      a60 += g8 * k0; a61 += g8 * k1;
      k0 = layout.$.kT[k + COUT * CI4 + h0];
      k1 = layout.$.kT[k + COUT * CI4 + h1];
      a00 += g1 * k0; a01 += g1 * k1;
      a10 += g2 * k0; a11 += g2 * k1;
      a20 += g3 * k0; a21 += g3 * k1;
      a30 += g4 * k0; a31 += g4 * k1;
      a40 += g5 * k0; a41 += g5 * k1;
      a50 += g6 * k0; a51 += g6 * k1;
      a60 += g7 * k0; a61 += g7 * k1;
      k0 = layout.$.kT[k + 2u * COUT * CI4 + h0];
      k1 = layout.$.kT[k + 2u * COUT * CI4 + h1];
      a00 += g0 * k0; a01 += g0 * k1;
      a10 += g1 * k0; a11 += g1 * k1;
      a20 += g2 * k0; a21 += g2 * k1;
      a30 += g3 * k0; a31 += g3 * k1;
      a40 += g4 * k0; a41 += g4 * k1;
      a50 += g5 * k0; a51 += g5 * k1;
      a60 += g6 * k0; a61 += g6 * k1;
    }
  }

  let accs = array<vec4f, 14>(a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61);
  let px = (b * H + y) * W;
  for (var c = 0u; c < TILE_X; c++) {
    let x = x0 + c;
    if (x < own0 || x >= W) { continue; }
    for (var q = 0u; q < 2u; q++) {
      let h = h0 + q;
      if (h >= CI4) { continue; }
      let v = accs[c * 2u + q];
      let base = (px + x) * CIN + h * 4u;
      for (var e = 0u; e < 4u; e++) {
        if (h * 4u + e < CIN) { layout.$.dx[base + e] = v[e]; }
      }
    }
  }
}
