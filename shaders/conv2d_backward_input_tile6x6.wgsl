// conv2d_backward_input_tile6x6 (input-gradient variant "tile6x6"): dx[b, y, x, ci] = sum over
// ky, kx, co of g[b, y-ky, x-kx, co] * kernel[ky, kx, ci, co], over the output positions that
// exist and are used (oy < USED_HO, ox < USED_WO; the gradient of the others is zero).
// One invocation computes a 6x6 tile of dx (rows y0..y0+5, columns x0..x0+5 of image b) times 8
// input channels (vec4 groups h0, h0+1 of the transposed kernel kT). Per output channel co it
// loads the 8x8 window of g (output rows y0-2..y0+5, columns x0-2..x0+5) and per tap 2 kernel
// vec4s, then does up to 9*36*2 vec4 multiply-adds.
// The tiles cover the region that can receive gradient, DH x DW = min(H, USED_HO+2) x
// min(W, USED_WO+2); when it is not a multiple of 6 the last tile of a row/column is shifted back
// to end at its edge and stores only what the tile before it did not. Rows DH..H-1 and columns
// DW..W-1 get no gradient: the last tile row / column writes their zeros.
// The layer dispatches this shader once per tile class: a range of tile rows (TY0 .. TY0+TY_N-1)
// and columns (TX0 ..) whose windows have the same number of leading and trailing rows/columns
// outside the used region (SKIP_*). ROWi / COLj are then pipeline constants, so the loads and
// multiply-adds of window rows/columns outside the region are compiled out instead of being
// multiplied by zero (the padded formulation of 'tile4x4' wastes 44% of its work on conv2d_1).
// Bindings:
//   g:  (BATCH, H-2, W-2, COUT) ReLU-masked output gradient, f32, read
//   kT: (3, 3, COUT, CIN4) transposed kernel (conv2d_backward_kernel_transpose), as vec4, read
//   dx: (BATCH, H, W, CIN) f32, written (every element, over all the class dispatches)
// Invocation index, ordered
// (b, tile row in class, tile column in class, channel block) with the channel block fastest.

// The tile class of this dispatch, and the whole tile grid.

const TILE: u32 = 6u;
// Whether window row i / column j lies in the used output region for every tile of the class.
override ROW0: bool = 0u >= SKIP_TOP && 0u + SKIP_BOTTOM < 8u;
override ROW1: bool = 1u >= SKIP_TOP && 1u + SKIP_BOTTOM < 8u;
override ROW2: bool = 2u >= SKIP_TOP && 2u + SKIP_BOTTOM < 8u;
override ROW3: bool = 3u >= SKIP_TOP && 3u + SKIP_BOTTOM < 8u;
override ROW4: bool = 4u >= SKIP_TOP && 4u + SKIP_BOTTOM < 8u;
override ROW5: bool = 5u >= SKIP_TOP && 5u + SKIP_BOTTOM < 8u;
override ROW6: bool = 6u >= SKIP_TOP && 6u + SKIP_BOTTOM < 8u;
override ROW7: bool = 7u >= SKIP_TOP && 7u + SKIP_BOTTOM < 8u;
override COL0: bool = 0u >= SKIP_LEFT && 0u + SKIP_RIGHT < 8u;
override COL1: bool = 1u >= SKIP_LEFT && 1u + SKIP_RIGHT < 8u;
override COL2: bool = 2u >= SKIP_LEFT && 2u + SKIP_RIGHT < 8u;
override COL3: bool = 3u >= SKIP_LEFT && 3u + SKIP_RIGHT < 8u;
override COL4: bool = 4u >= SKIP_LEFT && 4u + SKIP_RIGHT < 8u;
override COL5: bool = 5u >= SKIP_LEFT && 5u + SKIP_RIGHT < 8u;
override COL6: bool = 6u >= SKIP_LEFT && 6u + SKIP_RIGHT < 8u;
override COL7: bool = 7u >= SKIP_LEFT && 7u + SKIP_RIGHT < 8u;

override INVOCATIONS: u32 = BATCH * TY_N * TX_N * ((((CIN + 3u) / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let DH = min(H, USED_HO + 2u);
  let DW = min(W, USED_WO + 2u);
  let CI4 = (CIN + 3u) / 4u;
  let cBlocks = (CI4 + 1u) / 2u;
  let cb = id % cBlocks;
  var r = id / cBlocks;
  let tx = TX0 + r % TX_N;
  r = r / TX_N;
  let ty = TY0 + r % TY_N;
  let b = r / TY_N;
  // First row/column this tile owns, and where its 6 rows/columns start (shifted back at the edge).
  let ownY = ty * TILE;
  let ownX = tx * TILE;
  let y0 = select(0u, min(ownY, DH - TILE), DH >= TILE);
  let x0 = select(0u, min(ownX, DW - TILE), DW >= TILE);
  let h0 = cb * 2u;
  let h1 = min(h0 + 1u, CI4 - 1u);

  // Float offsets of window row i (output row y0-2+i) and column j (output column x0-2+j);
  // only those of rows/columns inside the used region are read.
  let gImg = b * HO;
  let ro0 = (gImg + u32(max(i32(y0) + -2, 0))) * WO * COUT;
  let ro1 = (gImg + u32(max(i32(y0) + -1, 0))) * WO * COUT;
  let ro2 = (gImg + u32(max(i32(y0) + 0, 0))) * WO * COUT;
  let ro3 = (gImg + u32(max(i32(y0) + 1, 0))) * WO * COUT;
  let ro4 = (gImg + u32(max(i32(y0) + 2, 0))) * WO * COUT;
  let ro5 = (gImg + u32(max(i32(y0) + 3, 0))) * WO * COUT;
  let ro6 = (gImg + u32(max(i32(y0) + 4, 0))) * WO * COUT;
  let ro7 = (gImg + u32(max(i32(y0) + 5, 0))) * WO * COUT;
  let cx0 = u32(max(i32(x0) + -2, 0)) * COUT;
  let cx1 = u32(max(i32(x0) + -1, 0)) * COUT;
  let cx2 = u32(max(i32(x0) + 0, 0)) * COUT;
  let cx3 = u32(max(i32(x0) + 1, 0)) * COUT;
  let cx4 = u32(max(i32(x0) + 2, 0)) * COUT;
  let cx5 = u32(max(i32(x0) + 3, 0)) * COUT;
  let cx6 = u32(max(i32(x0) + 4, 0)) * COUT;
  let cx7 = u32(max(i32(x0) + 5, 0)) * COUT;
  var a000 = vec4f(0.0); var a001 = vec4f(0.0); var a010 = vec4f(0.0); var a011 = vec4f(0.0); var a020 = vec4f(0.0); var a021 = vec4f(0.0); var a030 = vec4f(0.0); var a031 = vec4f(0.0); var a040 = vec4f(0.0); var a041 = vec4f(0.0); var a050 = vec4f(0.0); var a051 = vec4f(0.0);
  var a100 = vec4f(0.0); var a101 = vec4f(0.0); var a110 = vec4f(0.0); var a111 = vec4f(0.0); var a120 = vec4f(0.0); var a121 = vec4f(0.0); var a130 = vec4f(0.0); var a131 = vec4f(0.0); var a140 = vec4f(0.0); var a141 = vec4f(0.0); var a150 = vec4f(0.0); var a151 = vec4f(0.0);
  var a200 = vec4f(0.0); var a201 = vec4f(0.0); var a210 = vec4f(0.0); var a211 = vec4f(0.0); var a220 = vec4f(0.0); var a221 = vec4f(0.0); var a230 = vec4f(0.0); var a231 = vec4f(0.0); var a240 = vec4f(0.0); var a241 = vec4f(0.0); var a250 = vec4f(0.0); var a251 = vec4f(0.0);
  var a300 = vec4f(0.0); var a301 = vec4f(0.0); var a310 = vec4f(0.0); var a311 = vec4f(0.0); var a320 = vec4f(0.0); var a321 = vec4f(0.0); var a330 = vec4f(0.0); var a331 = vec4f(0.0); var a340 = vec4f(0.0); var a341 = vec4f(0.0); var a350 = vec4f(0.0); var a351 = vec4f(0.0);
  var a400 = vec4f(0.0); var a401 = vec4f(0.0); var a410 = vec4f(0.0); var a411 = vec4f(0.0); var a420 = vec4f(0.0); var a421 = vec4f(0.0); var a430 = vec4f(0.0); var a431 = vec4f(0.0); var a440 = vec4f(0.0); var a441 = vec4f(0.0); var a450 = vec4f(0.0); var a451 = vec4f(0.0);
  var a500 = vec4f(0.0); var a501 = vec4f(0.0); var a510 = vec4f(0.0); var a511 = vec4f(0.0); var a520 = vec4f(0.0); var a521 = vec4f(0.0); var a530 = vec4f(0.0); var a531 = vec4f(0.0); var a540 = vec4f(0.0); var a541 = vec4f(0.0); var a550 = vec4f(0.0); var a551 = vec4f(0.0);

  let tap = COUT * CI4; // vec4s between taps of kT
  for (var co = 0u; co < COUT; co++) {
    // The 8x8 g window for channel co (zero outside the used region, never loaded there).
    var g00 = 0.0; if (ROW0 && COL0) { g00 = layout.$.g[ro0 + cx0 + co]; } var g01 = 0.0; if (ROW0 && COL1) { g01 = layout.$.g[ro0 + cx1 + co]; } var g02 = 0.0; if (ROW0 && COL2) { g02 = layout.$.g[ro0 + cx2 + co]; } var g03 = 0.0; if (ROW0 && COL3) { g03 = layout.$.g[ro0 + cx3 + co]; } var g04 = 0.0; if (ROW0 && COL4) { g04 = layout.$.g[ro0 + cx4 + co]; } var g05 = 0.0; if (ROW0 && COL5) { g05 = layout.$.g[ro0 + cx5 + co]; } var g06 = 0.0; if (ROW0 && COL6) { g06 = layout.$.g[ro0 + cx6 + co]; } var g07 = 0.0; if (ROW0 && COL7) { g07 = layout.$.g[ro0 + cx7 + co]; }
    var g10 = 0.0; if (ROW1 && COL0) { g10 = layout.$.g[ro1 + cx0 + co]; } var g11 = 0.0; if (ROW1 && COL1) { g11 = layout.$.g[ro1 + cx1 + co]; } var g12 = 0.0; if (ROW1 && COL2) { g12 = layout.$.g[ro1 + cx2 + co]; } var g13 = 0.0; if (ROW1 && COL3) { g13 = layout.$.g[ro1 + cx3 + co]; } var g14 = 0.0; if (ROW1 && COL4) { g14 = layout.$.g[ro1 + cx4 + co]; } var g15 = 0.0; if (ROW1 && COL5) { g15 = layout.$.g[ro1 + cx5 + co]; } var g16 = 0.0; if (ROW1 && COL6) { g16 = layout.$.g[ro1 + cx6 + co]; } var g17 = 0.0; if (ROW1 && COL7) { g17 = layout.$.g[ro1 + cx7 + co]; }
    var g20 = 0.0; if (ROW2 && COL0) { g20 = layout.$.g[ro2 + cx0 + co]; } var g21 = 0.0; if (ROW2 && COL1) { g21 = layout.$.g[ro2 + cx1 + co]; } var g22 = 0.0; if (ROW2 && COL2) { g22 = layout.$.g[ro2 + cx2 + co]; } var g23 = 0.0; if (ROW2 && COL3) { g23 = layout.$.g[ro2 + cx3 + co]; } var g24 = 0.0; if (ROW2 && COL4) { g24 = layout.$.g[ro2 + cx4 + co]; } var g25 = 0.0; if (ROW2 && COL5) { g25 = layout.$.g[ro2 + cx5 + co]; } var g26 = 0.0; if (ROW2 && COL6) { g26 = layout.$.g[ro2 + cx6 + co]; } var g27 = 0.0; if (ROW2 && COL7) { g27 = layout.$.g[ro2 + cx7 + co]; }
    var g30 = 0.0; if (ROW3 && COL0) { g30 = layout.$.g[ro3 + cx0 + co]; } var g31 = 0.0; if (ROW3 && COL1) { g31 = layout.$.g[ro3 + cx1 + co]; } var g32 = 0.0; if (ROW3 && COL2) { g32 = layout.$.g[ro3 + cx2 + co]; } var g33 = 0.0; if (ROW3 && COL3) { g33 = layout.$.g[ro3 + cx3 + co]; } var g34 = 0.0; if (ROW3 && COL4) { g34 = layout.$.g[ro3 + cx4 + co]; } var g35 = 0.0; if (ROW3 && COL5) { g35 = layout.$.g[ro3 + cx5 + co]; } var g36 = 0.0; if (ROW3 && COL6) { g36 = layout.$.g[ro3 + cx6 + co]; } var g37 = 0.0; if (ROW3 && COL7) { g37 = layout.$.g[ro3 + cx7 + co]; }
    var g40 = 0.0; if (ROW4 && COL0) { g40 = layout.$.g[ro4 + cx0 + co]; } var g41 = 0.0; if (ROW4 && COL1) { g41 = layout.$.g[ro4 + cx1 + co]; } var g42 = 0.0; if (ROW4 && COL2) { g42 = layout.$.g[ro4 + cx2 + co]; } var g43 = 0.0; if (ROW4 && COL3) { g43 = layout.$.g[ro4 + cx3 + co]; } var g44 = 0.0; if (ROW4 && COL4) { g44 = layout.$.g[ro4 + cx4 + co]; } var g45 = 0.0; if (ROW4 && COL5) { g45 = layout.$.g[ro4 + cx5 + co]; } var g46 = 0.0; if (ROW4 && COL6) { g46 = layout.$.g[ro4 + cx6 + co]; } var g47 = 0.0; if (ROW4 && COL7) { g47 = layout.$.g[ro4 + cx7 + co]; }
    var g50 = 0.0; if (ROW5 && COL0) { g50 = layout.$.g[ro5 + cx0 + co]; } var g51 = 0.0; if (ROW5 && COL1) { g51 = layout.$.g[ro5 + cx1 + co]; } var g52 = 0.0; if (ROW5 && COL2) { g52 = layout.$.g[ro5 + cx2 + co]; } var g53 = 0.0; if (ROW5 && COL3) { g53 = layout.$.g[ro5 + cx3 + co]; } var g54 = 0.0; if (ROW5 && COL4) { g54 = layout.$.g[ro5 + cx4 + co]; } var g55 = 0.0; if (ROW5 && COL5) { g55 = layout.$.g[ro5 + cx5 + co]; } var g56 = 0.0; if (ROW5 && COL6) { g56 = layout.$.g[ro5 + cx6 + co]; } var g57 = 0.0; if (ROW5 && COL7) { g57 = layout.$.g[ro5 + cx7 + co]; }
    var g60 = 0.0; if (ROW6 && COL0) { g60 = layout.$.g[ro6 + cx0 + co]; } var g61 = 0.0; if (ROW6 && COL1) { g61 = layout.$.g[ro6 + cx1 + co]; } var g62 = 0.0; if (ROW6 && COL2) { g62 = layout.$.g[ro6 + cx2 + co]; } var g63 = 0.0; if (ROW6 && COL3) { g63 = layout.$.g[ro6 + cx3 + co]; } var g64 = 0.0; if (ROW6 && COL4) { g64 = layout.$.g[ro6 + cx4 + co]; } var g65 = 0.0; if (ROW6 && COL5) { g65 = layout.$.g[ro6 + cx5 + co]; } var g66 = 0.0; if (ROW6 && COL6) { g66 = layout.$.g[ro6 + cx6 + co]; } var g67 = 0.0; if (ROW6 && COL7) { g67 = layout.$.g[ro6 + cx7 + co]; }
    var g70 = 0.0; if (ROW7 && COL0) { g70 = layout.$.g[ro7 + cx0 + co]; } var g71 = 0.0; if (ROW7 && COL1) { g71 = layout.$.g[ro7 + cx1 + co]; } var g72 = 0.0; if (ROW7 && COL2) { g72 = layout.$.g[ro7 + cx2 + co]; } var g73 = 0.0; if (ROW7 && COL3) { g73 = layout.$.g[ro7 + cx3 + co]; } var g74 = 0.0; if (ROW7 && COL4) { g74 = layout.$.g[ro7 + cx4 + co]; } var g75 = 0.0; if (ROW7 && COL5) { g75 = layout.$.g[ro7 + cx5 + co]; } var g76 = 0.0; if (ROW7 && COL6) { g76 = layout.$.g[ro7 + cx6 + co]; } var g77 = 0.0; if (ROW7 && COL7) { g77 = layout.$.g[ro7 + cx7 + co]; }
    // tap (0, 0): dx (y0+r, x0+c) takes g window (r+2, c+2)
    { let k = 0u * tap + co * CI4; let k0 = layout.$.kT[k + h0]; let k1 = layout.$.kT[k + h1];
      if (ROW2) { if (COL2) { a000 += g22 * k0; a001 += g22 * k1; } if (COL3) { a010 += g23 * k0; a011 += g23 * k1; } if (COL4) { a020 += g24 * k0; a021 += g24 * k1; } if (COL5) { a030 += g25 * k0; a031 += g25 * k1; } if (COL6) { a040 += g26 * k0; a041 += g26 * k1; } if (COL7) { a050 += g27 * k0; a051 += g27 * k1; } }
      if (ROW3) { if (COL2) { a100 += g32 * k0; a101 += g32 * k1; } if (COL3) { a110 += g33 * k0; a111 += g33 * k1; } if (COL4) { a120 += g34 * k0; a121 += g34 * k1; } if (COL5) { a130 += g35 * k0; a131 += g35 * k1; } if (COL6) { a140 += g36 * k0; a141 += g36 * k1; } if (COL7) { a150 += g37 * k0; a151 += g37 * k1; } }
      if (ROW4) { if (COL2) { a200 += g42 * k0; a201 += g42 * k1; } if (COL3) { a210 += g43 * k0; a211 += g43 * k1; } if (COL4) { a220 += g44 * k0; a221 += g44 * k1; } if (COL5) { a230 += g45 * k0; a231 += g45 * k1; } if (COL6) { a240 += g46 * k0; a241 += g46 * k1; } if (COL7) { a250 += g47 * k0; a251 += g47 * k1; } }
      if (ROW5) { if (COL2) { a300 += g52 * k0; a301 += g52 * k1; } if (COL3) { a310 += g53 * k0; a311 += g53 * k1; } if (COL4) { a320 += g54 * k0; a321 += g54 * k1; } if (COL5) { a330 += g55 * k0; a331 += g55 * k1; } if (COL6) { a340 += g56 * k0; a341 += g56 * k1; } if (COL7) { a350 += g57 * k0; a351 += g57 * k1; } }
      if (ROW6) { if (COL2) { a400 += g62 * k0; a401 += g62 * k1; } if (COL3) { a410 += g63 * k0; a411 += g63 * k1; } if (COL4) { a420 += g64 * k0; a421 += g64 * k1; } if (COL5) { a430 += g65 * k0; a431 += g65 * k1; } if (COL6) { a440 += g66 * k0; a441 += g66 * k1; } if (COL7) { a450 += g67 * k0; a451 += g67 * k1; } }
      if (ROW7) { if (COL2) { a500 += g72 * k0; a501 += g72 * k1; } if (COL3) { a510 += g73 * k0; a511 += g73 * k1; } if (COL4) { a520 += g74 * k0; a521 += g74 * k1; } if (COL5) { a530 += g75 * k0; a531 += g75 * k1; } if (COL6) { a540 += g76 * k0; a541 += g76 * k1; } if (COL7) { a550 += g77 * k0; a551 += g77 * k1; } }
    }
    // tap (0, 1): dx (y0+r, x0+c) takes g window (r+2, c+1)
    { let k = 1u * tap + co * CI4; let k0 = layout.$.kT[k + h0]; let k1 = layout.$.kT[k + h1];
      if (ROW2) { if (COL1) { a000 += g21 * k0; a001 += g21 * k1; } if (COL2) { a010 += g22 * k0; a011 += g22 * k1; } if (COL3) { a020 += g23 * k0; a021 += g23 * k1; } if (COL4) { a030 += g24 * k0; a031 += g24 * k1; } if (COL5) { a040 += g25 * k0; a041 += g25 * k1; } if (COL6) { a050 += g26 * k0; a051 += g26 * k1; } }
      if (ROW3) { if (COL1) { a100 += g31 * k0; a101 += g31 * k1; } if (COL2) { a110 += g32 * k0; a111 += g32 * k1; } if (COL3) { a120 += g33 * k0; a121 += g33 * k1; } if (COL4) { a130 += g34 * k0; a131 += g34 * k1; } if (COL5) { a140 += g35 * k0; a141 += g35 * k1; } if (COL6) { a150 += g36 * k0; a151 += g36 * k1; } }
      if (ROW4) { if (COL1) { a200 += g41 * k0; a201 += g41 * k1; } if (COL2) { a210 += g42 * k0; a211 += g42 * k1; } if (COL3) { a220 += g43 * k0; a221 += g43 * k1; } if (COL4) { a230 += g44 * k0; a231 += g44 * k1; } if (COL5) { a240 += g45 * k0; a241 += g45 * k1; } if (COL6) { a250 += g46 * k0; a251 += g46 * k1; } }
      if (ROW5) { if (COL1) { a300 += g51 * k0; a301 += g51 * k1; } if (COL2) { a310 += g52 * k0; a311 += g52 * k1; } if (COL3) { a320 += g53 * k0; a321 += g53 * k1; } if (COL4) { a330 += g54 * k0; a331 += g54 * k1; } if (COL5) { a340 += g55 * k0; a341 += g55 * k1; } if (COL6) { a350 += g56 * k0; a351 += g56 * k1; } }
      if (ROW6) { if (COL1) { a400 += g61 * k0; a401 += g61 * k1; } if (COL2) { a410 += g62 * k0; a411 += g62 * k1; } if (COL3) { a420 += g63 * k0; a421 += g63 * k1; } if (COL4) { a430 += g64 * k0; a431 += g64 * k1; } if (COL5) { a440 += g65 * k0; a441 += g65 * k1; } if (COL6) { a450 += g66 * k0; a451 += g66 * k1; } }
      if (ROW7) { if (COL1) { a500 += g71 * k0; a501 += g71 * k1; } if (COL2) { a510 += g72 * k0; a511 += g72 * k1; } if (COL3) { a520 += g73 * k0; a521 += g73 * k1; } if (COL4) { a530 += g74 * k0; a531 += g74 * k1; } if (COL5) { a540 += g75 * k0; a541 += g75 * k1; } if (COL6) { a550 += g76 * k0; a551 += g76 * k1; } }
    }
    // tap (0, 2): dx (y0+r, x0+c) takes g window (r+2, c+0)
    { let k = 2u * tap + co * CI4; let k0 = layout.$.kT[k + h0]; let k1 = layout.$.kT[k + h1];
      if (ROW2) { if (COL0) { a000 += g20 * k0; a001 += g20 * k1; } if (COL1) { a010 += g21 * k0; a011 += g21 * k1; } if (COL2) { a020 += g22 * k0; a021 += g22 * k1; } if (COL3) { a030 += g23 * k0; a031 += g23 * k1; } if (COL4) { a040 += g24 * k0; a041 += g24 * k1; } if (COL5) { a050 += g25 * k0; a051 += g25 * k1; } }
      if (ROW3) { if (COL0) { a100 += g30 * k0; a101 += g30 * k1; } if (COL1) { a110 += g31 * k0; a111 += g31 * k1; } if (COL2) { a120 += g32 * k0; a121 += g32 * k1; } if (COL3) { a130 += g33 * k0; a131 += g33 * k1; } if (COL4) { a140 += g34 * k0; a141 += g34 * k1; } if (COL5) { a150 += g35 * k0; a151 += g35 * k1; } }
      if (ROW4) { if (COL0) { a200 += g40 * k0; a201 += g40 * k1; } if (COL1) { a210 += g41 * k0; a211 += g41 * k1; } if (COL2) { a220 += g42 * k0; a221 += g42 * k1; } if (COL3) { a230 += g43 * k0; a231 += g43 * k1; } if (COL4) { a240 += g44 * k0; a241 += g44 * k1; } if (COL5) { a250 += g45 * k0; a251 += g45 * k1; } }
      if (ROW5) { if (COL0) { a300 += g50 * k0; a301 += g50 * k1; } if (COL1) { a310 += g51 * k0; a311 += g51 * k1; } if (COL2) { a320 += g52 * k0; a321 += g52 * k1; } if (COL3) { a330 += g53 * k0; a331 += g53 * k1; } if (COL4) { a340 += g54 * k0; a341 += g54 * k1; } if (COL5) { a350 += g55 * k0; a351 += g55 * k1; } }
      if (ROW6) { if (COL0) { a400 += g60 * k0; a401 += g60 * k1; } if (COL1) { a410 += g61 * k0; a411 += g61 * k1; } if (COL2) { a420 += g62 * k0; a421 += g62 * k1; } if (COL3) { a430 += g63 * k0; a431 += g63 * k1; } if (COL4) { a440 += g64 * k0; a441 += g64 * k1; } if (COL5) { a450 += g65 * k0; a451 += g65 * k1; } }
      if (ROW7) { if (COL0) { a500 += g70 * k0; a501 += g70 * k1; } if (COL1) { a510 += g71 * k0; a511 += g71 * k1; } if (COL2) { a520 += g72 * k0; a521 += g72 * k1; } if (COL3) { a530 += g73 * k0; a531 += g73 * k1; } if (COL4) { a540 += g74 * k0; a541 += g74 * k1; } if (COL5) { a550 += g75 * k0; a551 += g75 * k1; } }
    }
    // tap (1, 0): dx (y0+r, x0+c) takes g window (r+1, c+2)
    { let k = 3u * tap + co * CI4; let k0 = layout.$.kT[k + h0]; let k1 = layout.$.kT[k + h1];
      if (ROW1) { if (COL2) { a000 += g12 * k0; a001 += g12 * k1; } if (COL3) { a010 += g13 * k0; a011 += g13 * k1; } if (COL4) { a020 += g14 * k0; a021 += g14 * k1; } if (COL5) { a030 += g15 * k0; a031 += g15 * k1; } if (COL6) { a040 += g16 * k0; a041 += g16 * k1; } if (COL7) { a050 += g17 * k0; a051 += g17 * k1; } }
      if (ROW2) { if (COL2) { a100 += g22 * k0; a101 += g22 * k1; } if (COL3) { a110 += g23 * k0; a111 += g23 * k1; } if (COL4) { a120 += g24 * k0; a121 += g24 * k1; } if (COL5) { a130 += g25 * k0; a131 += g25 * k1; } if (COL6) { a140 += g26 * k0; a141 += g26 * k1; } if (COL7) { a150 += g27 * k0; a151 += g27 * k1; } }
      if (ROW3) { if (COL2) { a200 += g32 * k0; a201 += g32 * k1; } if (COL3) { a210 += g33 * k0; a211 += g33 * k1; } if (COL4) { a220 += g34 * k0; a221 += g34 * k1; } if (COL5) { a230 += g35 * k0; a231 += g35 * k1; } if (COL6) { a240 += g36 * k0; a241 += g36 * k1; } if (COL7) { a250 += g37 * k0; a251 += g37 * k1; } }
      if (ROW4) { if (COL2) { a300 += g42 * k0; a301 += g42 * k1; } if (COL3) { a310 += g43 * k0; a311 += g43 * k1; } if (COL4) { a320 += g44 * k0; a321 += g44 * k1; } if (COL5) { a330 += g45 * k0; a331 += g45 * k1; } if (COL6) { a340 += g46 * k0; a341 += g46 * k1; } if (COL7) { a350 += g47 * k0; a351 += g47 * k1; } }
      if (ROW5) { if (COL2) { a400 += g52 * k0; a401 += g52 * k1; } if (COL3) { a410 += g53 * k0; a411 += g53 * k1; } if (COL4) { a420 += g54 * k0; a421 += g54 * k1; } if (COL5) { a430 += g55 * k0; a431 += g55 * k1; } if (COL6) { a440 += g56 * k0; a441 += g56 * k1; } if (COL7) { a450 += g57 * k0; a451 += g57 * k1; } }
      if (ROW6) { if (COL2) { a500 += g62 * k0; a501 += g62 * k1; } if (COL3) { a510 += g63 * k0; a511 += g63 * k1; } if (COL4) { a520 += g64 * k0; a521 += g64 * k1; } if (COL5) { a530 += g65 * k0; a531 += g65 * k1; } if (COL6) { a540 += g66 * k0; a541 += g66 * k1; } if (COL7) { a550 += g67 * k0; a551 += g67 * k1; } }
    }
    // tap (1, 1): dx (y0+r, x0+c) takes g window (r+1, c+1)
    { let k = 4u * tap + co * CI4; let k0 = layout.$.kT[k + h0]; let k1 = layout.$.kT[k + h1];
      if (ROW1) { if (COL1) { a000 += g11 * k0; a001 += g11 * k1; } if (COL2) { a010 += g12 * k0; a011 += g12 * k1; } if (COL3) { a020 += g13 * k0; a021 += g13 * k1; } if (COL4) { a030 += g14 * k0; a031 += g14 * k1; } if (COL5) { a040 += g15 * k0; a041 += g15 * k1; } if (COL6) { a050 += g16 * k0; a051 += g16 * k1; } }
      if (ROW2) { if (COL1) { a100 += g21 * k0; a101 += g21 * k1; } if (COL2) { a110 += g22 * k0; a111 += g22 * k1; } if (COL3) { a120 += g23 * k0; a121 += g23 * k1; } if (COL4) { a130 += g24 * k0; a131 += g24 * k1; } if (COL5) { a140 += g25 * k0; a141 += g25 * k1; } if (COL6) { a150 += g26 * k0; a151 += g26 * k1; } }
      if (ROW3) { if (COL1) { a200 += g31 * k0; a201 += g31 * k1; } if (COL2) { a210 += g32 * k0; a211 += g32 * k1; } if (COL3) { a220 += g33 * k0; a221 += g33 * k1; } if (COL4) { a230 += g34 * k0; a231 += g34 * k1; } if (COL5) { a240 += g35 * k0; a241 += g35 * k1; } if (COL6) { a250 += g36 * k0; a251 += g36 * k1; } }
      if (ROW4) { if (COL1) { a300 += g41 * k0; a301 += g41 * k1; } if (COL2) { a310 += g42 * k0; a311 += g42 * k1; } if (COL3) { a320 += g43 * k0; a321 += g43 * k1; } if (COL4) { a330 += g44 * k0; a331 += g44 * k1; } if (COL5) { a340 += g45 * k0; a341 += g45 * k1; } if (COL6) { a350 += g46 * k0; a351 += g46 * k1; } }
      if (ROW5) { if (COL1) { a400 += g51 * k0; a401 += g51 * k1; } if (COL2) { a410 += g52 * k0; a411 += g52 * k1; } if (COL3) { a420 += g53 * k0; a421 += g53 * k1; } if (COL4) { a430 += g54 * k0; a431 += g54 * k1; } if (COL5) { a440 += g55 * k0; a441 += g55 * k1; } if (COL6) { a450 += g56 * k0; a451 += g56 * k1; } }
      if (ROW6) { if (COL1) { a500 += g61 * k0; a501 += g61 * k1; } if (COL2) { a510 += g62 * k0; a511 += g62 * k1; } if (COL3) { a520 += g63 * k0; a521 += g63 * k1; } if (COL4) { a530 += g64 * k0; a531 += g64 * k1; } if (COL5) { a540 += g65 * k0; a541 += g65 * k1; } if (COL6) { a550 += g66 * k0; a551 += g66 * k1; } }
    }
    // tap (1, 2): dx (y0+r, x0+c) takes g window (r+1, c+0)
    { let k = 5u * tap + co * CI4; let k0 = layout.$.kT[k + h0]; let k1 = layout.$.kT[k + h1];
      if (ROW1) { if (COL0) { a000 += g10 * k0; a001 += g10 * k1; } if (COL1) { a010 += g11 * k0; a011 += g11 * k1; } if (COL2) { a020 += g12 * k0; a021 += g12 * k1; } if (COL3) { a030 += g13 * k0; a031 += g13 * k1; } if (COL4) { a040 += g14 * k0; a041 += g14 * k1; } if (COL5) { a050 += g15 * k0; a051 += g15 * k1; } }
      if (ROW2) { if (COL0) { a100 += g20 * k0; a101 += g20 * k1; } if (COL1) { a110 += g21 * k0; a111 += g21 * k1; } if (COL2) { a120 += g22 * k0; a121 += g22 * k1; } if (COL3) { a130 += g23 * k0; a131 += g23 * k1; } if (COL4) { a140 += g24 * k0; a141 += g24 * k1; } if (COL5) { a150 += g25 * k0; a151 += g25 * k1; } }
      if (ROW3) { if (COL0) { a200 += g30 * k0; a201 += g30 * k1; } if (COL1) { a210 += g31 * k0; a211 += g31 * k1; } if (COL2) { a220 += g32 * k0; a221 += g32 * k1; } if (COL3) { a230 += g33 * k0; a231 += g33 * k1; } if (COL4) { a240 += g34 * k0; a241 += g34 * k1; } if (COL5) { a250 += g35 * k0; a251 += g35 * k1; } }
      if (ROW4) { if (COL0) { a300 += g40 * k0; a301 += g40 * k1; } if (COL1) { a310 += g41 * k0; a311 += g41 * k1; } if (COL2) { a320 += g42 * k0; a321 += g42 * k1; } if (COL3) { a330 += g43 * k0; a331 += g43 * k1; } if (COL4) { a340 += g44 * k0; a341 += g44 * k1; } if (COL5) { a350 += g45 * k0; a351 += g45 * k1; } }
      if (ROW5) { if (COL0) { a400 += g50 * k0; a401 += g50 * k1; } if (COL1) { a410 += g51 * k0; a411 += g51 * k1; } if (COL2) { a420 += g52 * k0; a421 += g52 * k1; } if (COL3) { a430 += g53 * k0; a431 += g53 * k1; } if (COL4) { a440 += g54 * k0; a441 += g54 * k1; } if (COL5) { a450 += g55 * k0; a451 += g55 * k1; } }
      if (ROW6) { if (COL0) { a500 += g60 * k0; a501 += g60 * k1; } if (COL1) { a510 += g61 * k0; a511 += g61 * k1; } if (COL2) { a520 += g62 * k0; a521 += g62 * k1; } if (COL3) { a530 += g63 * k0; a531 += g63 * k1; } if (COL4) { a540 += g64 * k0; a541 += g64 * k1; } if (COL5) { a550 += g65 * k0; a551 += g65 * k1; } }
    }
    // tap (2, 0): dx (y0+r, x0+c) takes g window (r+0, c+2)
    { let k = 6u * tap + co * CI4; let k0 = layout.$.kT[k + h0]; let k1 = layout.$.kT[k + h1];
      if (ROW0) { if (COL2) { a000 += g02 * k0; a001 += g02 * k1; } if (COL3) { a010 += g03 * k0; a011 += g03 * k1; } if (COL4) { a020 += g04 * k0; a021 += g04 * k1; } if (COL5) { a030 += g05 * k0; a031 += g05 * k1; } if (COL6) { a040 += g06 * k0; a041 += g06 * k1; } if (COL7) { a050 += g07 * k0; a051 += g07 * k1; } }
      if (ROW1) { if (COL2) { a100 += g12 * k0; a101 += g12 * k1; } if (COL3) { a110 += g13 * k0; a111 += g13 * k1; } if (COL4) { a120 += g14 * k0; a121 += g14 * k1; } if (COL5) { a130 += g15 * k0; a131 += g15 * k1; } if (COL6) { a140 += g16 * k0; a141 += g16 * k1; } if (COL7) { a150 += g17 * k0; a151 += g17 * k1; } }
      if (ROW2) { if (COL2) { a200 += g22 * k0; a201 += g22 * k1; } if (COL3) { a210 += g23 * k0; a211 += g23 * k1; } if (COL4) { a220 += g24 * k0; a221 += g24 * k1; } if (COL5) { a230 += g25 * k0; a231 += g25 * k1; } if (COL6) { a240 += g26 * k0; a241 += g26 * k1; } if (COL7) { a250 += g27 * k0; a251 += g27 * k1; } }
      if (ROW3) { if (COL2) { a300 += g32 * k0; a301 += g32 * k1; } if (COL3) { a310 += g33 * k0; a311 += g33 * k1; } if (COL4) { a320 += g34 * k0; a321 += g34 * k1; } if (COL5) { a330 += g35 * k0; a331 += g35 * k1; } if (COL6) { a340 += g36 * k0; a341 += g36 * k1; } if (COL7) { a350 += g37 * k0; a351 += g37 * k1; } }
      if (ROW4) { if (COL2) { a400 += g42 * k0; a401 += g42 * k1; } if (COL3) { a410 += g43 * k0; a411 += g43 * k1; } if (COL4) { a420 += g44 * k0; a421 += g44 * k1; } if (COL5) { a430 += g45 * k0; a431 += g45 * k1; } if (COL6) { a440 += g46 * k0; a441 += g46 * k1; } if (COL7) { a450 += g47 * k0; a451 += g47 * k1; } }
      if (ROW5) { if (COL2) { a500 += g52 * k0; a501 += g52 * k1; } if (COL3) { a510 += g53 * k0; a511 += g53 * k1; } if (COL4) { a520 += g54 * k0; a521 += g54 * k1; } if (COL5) { a530 += g55 * k0; a531 += g55 * k1; } if (COL6) { a540 += g56 * k0; a541 += g56 * k1; } if (COL7) { a550 += g57 * k0; a551 += g57 * k1; } }
    }
    // tap (2, 1): dx (y0+r, x0+c) takes g window (r+0, c+1)
    { let k = 7u * tap + co * CI4; let k0 = layout.$.kT[k + h0]; let k1 = layout.$.kT[k + h1];
      if (ROW0) { if (COL1) { a000 += g01 * k0; a001 += g01 * k1; } if (COL2) { a010 += g02 * k0; a011 += g02 * k1; } if (COL3) { a020 += g03 * k0; a021 += g03 * k1; } if (COL4) { a030 += g04 * k0; a031 += g04 * k1; } if (COL5) { a040 += g05 * k0; a041 += g05 * k1; } if (COL6) { a050 += g06 * k0; a051 += g06 * k1; } }
      if (ROW1) { if (COL1) { a100 += g11 * k0; a101 += g11 * k1; } if (COL2) { a110 += g12 * k0; a111 += g12 * k1; } if (COL3) { a120 += g13 * k0; a121 += g13 * k1; } if (COL4) { a130 += g14 * k0; a131 += g14 * k1; } if (COL5) { a140 += g15 * k0; a141 += g15 * k1; } if (COL6) { a150 += g16 * k0; a151 += g16 * k1; } }
      if (ROW2) { if (COL1) { a200 += g21 * k0; a201 += g21 * k1; } if (COL2) { a210 += g22 * k0; a211 += g22 * k1; } if (COL3) { a220 += g23 * k0; a221 += g23 * k1; } if (COL4) { a230 += g24 * k0; a231 += g24 * k1; } if (COL5) { a240 += g25 * k0; a241 += g25 * k1; } if (COL6) { a250 += g26 * k0; a251 += g26 * k1; } }
      if (ROW3) { if (COL1) { a300 += g31 * k0; a301 += g31 * k1; } if (COL2) { a310 += g32 * k0; a311 += g32 * k1; } if (COL3) { a320 += g33 * k0; a321 += g33 * k1; } if (COL4) { a330 += g34 * k0; a331 += g34 * k1; } if (COL5) { a340 += g35 * k0; a341 += g35 * k1; } if (COL6) { a350 += g36 * k0; a351 += g36 * k1; } }
      if (ROW4) { if (COL1) { a400 += g41 * k0; a401 += g41 * k1; } if (COL2) { a410 += g42 * k0; a411 += g42 * k1; } if (COL3) { a420 += g43 * k0; a421 += g43 * k1; } if (COL4) { a430 += g44 * k0; a431 += g44 * k1; } if (COL5) { a440 += g45 * k0; a441 += g45 * k1; } if (COL6) { a450 += g46 * k0; a451 += g46 * k1; } }
      if (ROW5) { if (COL1) { a500 += g51 * k0; a501 += g51 * k1; } if (COL2) { a510 += g52 * k0; a511 += g52 * k1; } if (COL3) { a520 += g53 * k0; a521 += g53 * k1; } if (COL4) { a530 += g54 * k0; a531 += g54 * k1; } if (COL5) { a540 += g55 * k0; a541 += g55 * k1; } if (COL6) { a550 += g56 * k0; a551 += g56 * k1; } }
    }
    // tap (2, 2): dx (y0+r, x0+c) takes g window (r+0, c+0)
    { let k = 8u * tap + co * CI4; let k0 = layout.$.kT[k + h0]; let k1 = layout.$.kT[k + h1];
      if (ROW0) { if (COL0) { a000 += g00 * k0; a001 += g00 * k1; } if (COL1) { a010 += g01 * k0; a011 += g01 * k1; } if (COL2) { a020 += g02 * k0; a021 += g02 * k1; } if (COL3) { a030 += g03 * k0; a031 += g03 * k1; } if (COL4) { a040 += g04 * k0; a041 += g04 * k1; } if (COL5) { a050 += g05 * k0; a051 += g05 * k1; } }
      if (ROW1) { if (COL0) { a100 += g10 * k0; a101 += g10 * k1; } if (COL1) { a110 += g11 * k0; a111 += g11 * k1; } if (COL2) { a120 += g12 * k0; a121 += g12 * k1; } if (COL3) { a130 += g13 * k0; a131 += g13 * k1; } if (COL4) { a140 += g14 * k0; a141 += g14 * k1; } if (COL5) { a150 += g15 * k0; a151 += g15 * k1; } }
      if (ROW2) { if (COL0) { a200 += g20 * k0; a201 += g20 * k1; } if (COL1) { a210 += g21 * k0; a211 += g21 * k1; } if (COL2) { a220 += g22 * k0; a221 += g22 * k1; } if (COL3) { a230 += g23 * k0; a231 += g23 * k1; } if (COL4) { a240 += g24 * k0; a241 += g24 * k1; } if (COL5) { a250 += g25 * k0; a251 += g25 * k1; } }
      if (ROW3) { if (COL0) { a300 += g30 * k0; a301 += g30 * k1; } if (COL1) { a310 += g31 * k0; a311 += g31 * k1; } if (COL2) { a320 += g32 * k0; a321 += g32 * k1; } if (COL3) { a330 += g33 * k0; a331 += g33 * k1; } if (COL4) { a340 += g34 * k0; a341 += g34 * k1; } if (COL5) { a350 += g35 * k0; a351 += g35 * k1; } }
      if (ROW4) { if (COL0) { a400 += g40 * k0; a401 += g40 * k1; } if (COL1) { a410 += g41 * k0; a411 += g41 * k1; } if (COL2) { a420 += g42 * k0; a421 += g42 * k1; } if (COL3) { a430 += g43 * k0; a431 += g43 * k1; } if (COL4) { a440 += g44 * k0; a441 += g44 * k1; } if (COL5) { a450 += g45 * k0; a451 += g45 * k1; } }
      if (ROW5) { if (COL0) { a500 += g50 * k0; a501 += g50 * k1; } if (COL1) { a510 += g51 * k0; a511 += g51 * k1; } if (COL2) { a520 += g52 * k0; a521 += g52 * k1; } if (COL3) { a530 += g53 * k0; a531 += g53 * k1; } if (COL4) { a540 += g54 * k0; a541 += g54 * k1; } if (COL5) { a550 += g55 * k0; a551 += g55 * k1; } }
    }
  }

  let accs = array<vec4f, 72>(
    a000, a001, a010, a011, a020, a021, a030, a031, a040, a041, a050, a051,
    a100, a101, a110, a111, a120, a121, a130, a131, a140, a141, a150, a151,
    a200, a201, a210, a211, a220, a221, a230, a231, a240, a241, a250, a251,
    a300, a301, a310, a311, a320, a321, a330, a331, a340, a341, a350, a351,
    a400, a401, a410, a411, a420, a421, a430, a431, a440, a441, a450, a451,
    a500, a501, a510, a511, a520, a521, a530, a531, a540, a541, a550, a551
  );
  for (var rr = 0u; rr < TILE; rr++) {
    let y = y0 + rr;
    if (y < ownY || y >= DH) { continue; }
    for (var cc = 0u; cc < TILE; cc++) {
      let x = x0 + cc;
      if (x < ownX || x >= DW) { continue; }
      for (var q = 0u; q < 2u; q++) {
        let h = h0 + q;
        if (h >= CI4) { continue; }
        let v = accs[(rr * TILE + cc) * 2u + q];
        let base = ((b * H + y) * W + x) * CIN + h * 4u;
        for (var e = 0u; e < 4u; e++) {
          if (h * 4u + e < CIN) { layout.$.dx[base + e] = v[e]; }
        }
      }
    }
  }

  // Zeros for the rows below DH (last tile row) and the columns right of DW (last tile column),
  // over this tile's own columns / rows; the last tile of both also writes the corner.
  let lastRow = ty + 1u == TILES_Y;
  let lastCol = tx + 1u == TILES_X;
  let rowEnd = select(min(ownY + TILE, DH), H, lastRow);
  let colEnd = select(min(ownX + TILE, DW), W, lastCol);
  for (var y = ownY; y < rowEnd; y++) {
    let xFrom = select(DW, ownX, y >= DH);
    let xTo = select(colEnd, select(DW, W, lastCol), y < DH);
    for (var x = xFrom; x < xTo; x++) {
      let base = ((b * H + y) * W + x) * CIN;
      for (var q = 0u; q < 2u; q++) {
        let h = h0 + q;
        if (h >= CI4) { continue; }
        for (var e = 0u; e < 4u; e++) {
          if (h * 4u + e < CIN) { layout.$.dx[base + h * 4u + e] = 0.0; }
        }
      }
    }
  }
}
