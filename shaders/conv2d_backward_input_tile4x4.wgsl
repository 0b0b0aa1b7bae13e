// conv2d_backward_input_tile4x4 (input variant "tile4x4"): dx[b, y, x, ci] = sum over ky, kx, co of
//   g[b, y-ky, x-kx, co] * kernel[ky, kx, ci, co]   (terms outside the output are zero),
// from the transposed kernel kT like conv2d_backward_input, with a larger register tile.
// One invocation computes a 4x4x8 tile of dx: input rows y0..y0+3, columns x0..x0+3 of image b,
// times 8 input channels (vec4 groups h0, h0+1 of kT). Per output channel co it loads the 6x6
// window of g once (36 scalars, zero outside the output) and the 9 taps x 2 kT vec4s, then does
// 9*16*8 multiply-adds. Out-of-range rows/columns/channels are computed and not stored.
// Bindings:
//   g:  (BATCH, H-2, W-2, COUT) ReLU-masked output gradient, f32, read
//   kT: (3, 3, COUT, CIN4) transposed kernel (conv2d_backward_kernel_transpose), as vec4, read
//   dx: (BATCH, H, W, CIN) f32, written
// Invocation index, ordered
// (b, row tile, column tile, channel block) with the channel block fastest.

override INVOCATIONS: u32 = BATCH * ((H + 3u) / 4u) * ((W + 3u) / 4u) * ((((CIN + 3u) / 4u) + 1u) / 2u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let CI4 = (CIN + 3u) / 4u;
  let tilesX = (W + 3u) / 4u;
  let tilesY = (H + 3u) / 4u;
  let cBlocks = (CI4 + 1u) / 2u;
  let cb = id % cBlocks;
  var r = id / cBlocks;
  let tx = r % tilesX;
  r = r / tilesX;
  let ty = r % tilesY;
  let b = r / tilesY;
  let x0 = tx * 4u;
  let y0 = ty * 4u;
  let h0 = cb * 2u;
  let h1 = min(h0 + 1u, CI4 - 1u);

  // The 6 output rows oy = y0 - 2 + j and columns ox = x0 - 2 + i the tile reads: validity and
  // clamped float offsets.
  let oy0 = i32(y0) - 2;
  let ox0 = i32(x0) - 2;
  let ho = i32(HO);
  let wo = i32(WO);
  let vr0 = oy0 + 0 >= 0 && oy0 + 0 < ho; let r0 = (b * HO + u32(clamp(oy0 + 0, 0, ho - 1))) * WO * COUT;
  let vr1 = oy0 + 1 >= 0 && oy0 + 1 < ho; let r1 = (b * HO + u32(clamp(oy0 + 1, 0, ho - 1))) * WO * COUT;
  let vr2 = oy0 + 2 >= 0 && oy0 + 2 < ho; let r2 = (b * HO + u32(clamp(oy0 + 2, 0, ho - 1))) * WO * COUT;
  let vr3 = oy0 + 3 >= 0 && oy0 + 3 < ho; let r3 = (b * HO + u32(clamp(oy0 + 3, 0, ho - 1))) * WO * COUT;
  let vr4 = oy0 + 4 >= 0 && oy0 + 4 < ho; let r4 = (b * HO + u32(clamp(oy0 + 4, 0, ho - 1))) * WO * COUT;
  let vr5 = oy0 + 5 >= 0 && oy0 + 5 < ho; let r5 = (b * HO + u32(clamp(oy0 + 5, 0, ho - 1))) * WO * COUT;
  let vc0 = ox0 + 0 >= 0 && ox0 + 0 < wo; let c0 = u32(clamp(ox0 + 0, 0, wo - 1)) * COUT;
  let vc1 = ox0 + 1 >= 0 && ox0 + 1 < wo; let c1 = u32(clamp(ox0 + 1, 0, wo - 1)) * COUT;
  let vc2 = ox0 + 2 >= 0 && ox0 + 2 < wo; let c2 = u32(clamp(ox0 + 2, 0, wo - 1)) * COUT;
  let vc3 = ox0 + 3 >= 0 && ox0 + 3 < wo; let c3 = u32(clamp(ox0 + 3, 0, wo - 1)) * COUT;
  let vc4 = ox0 + 4 >= 0 && ox0 + 4 < wo; let c4 = u32(clamp(ox0 + 4, 0, wo - 1)) * COUT;
  let vc5 = ox0 + 5 >= 0 && ox0 + 5 < wo; let c5 = u32(clamp(ox0 + 5, 0, wo - 1)) * COUT;
  let v00 = vr0 && vc0; let v01 = vr0 && vc1; let v02 = vr0 && vc2; let v03 = vr0 && vc3; let v04 = vr0 && vc4; let v05 = vr0 && vc5;
  let v10 = vr1 && vc0; let v11 = vr1 && vc1; let v12 = vr1 && vc2; let v13 = vr1 && vc3; let v14 = vr1 && vc4; let v15 = vr1 && vc5;
  let v20 = vr2 && vc0; let v21 = vr2 && vc1; let v22 = vr2 && vc2; let v23 = vr2 && vc3; let v24 = vr2 && vc4; let v25 = vr2 && vc5;
  let v30 = vr3 && vc0; let v31 = vr3 && vc1; let v32 = vr3 && vc2; let v33 = vr3 && vc3; let v34 = vr3 && vc4; let v35 = vr3 && vc5;
  let v40 = vr4 && vc0; let v41 = vr4 && vc1; let v42 = vr4 && vc2; let v43 = vr4 && vc3; let v44 = vr4 && vc4; let v45 = vr4 && vc5;
  let v50 = vr5 && vc0; let v51 = vr5 && vc1; let v52 = vr5 && vc2; let v53 = vr5 && vc3; let v54 = vr5 && vc4; let v55 = vr5 && vc5;

  let z = vec4f(0.0);
  var a000 = z; var a001 = z; var a010 = z; var a011 = z; var a020 = z; var a021 = z; var a030 = z; var a031 = z;
  var a100 = z; var a101 = z; var a110 = z; var a111 = z; var a120 = z; var a121 = z; var a130 = z; var a131 = z;
  var a200 = z; var a201 = z; var a210 = z; var a211 = z; var a220 = z; var a221 = z; var a230 = z; var a231 = z;
  var a300 = z; var a301 = z; var a310 = z; var a311 = z; var a320 = z; var a321 = z; var a330 = z; var a331 = z;
  let tap = COUT * CI4; // vec4s between taps in kT
  var k0: vec4f;
  var k1: vec4f;
  for (var co = 0u; co < COUT; co++) {
    // The 6x6 window of g for output channel co (zero outside the output).
    let q00 = select(0.0, layout.$.g[r0 + c0 + co], v00); let q01 = select(0.0, layout.$.g[r0 + c1 + co], v01); let q02 = select(0.0, layout.$.g[r0 + c2 + co], v02); let q03 = select(0.0, layout.$.g[r0 + c3 + co], v03); let q04 = select(0.0, layout.$.g[r0 + c4 + co], v04); let q05 = select(0.0, layout.$.g[r0 + c5 + co], v05);
    let q10 = select(0.0, layout.$.g[r1 + c0 + co], v10); let q11 = select(0.0, layout.$.g[r1 + c1 + co], v11); let q12 = select(0.0, layout.$.g[r1 + c2 + co], v12); let q13 = select(0.0, layout.$.g[r1 + c3 + co], v13); let q14 = select(0.0, layout.$.g[r1 + c4 + co], v14); let q15 = select(0.0, layout.$.g[r1 + c5 + co], v15);
    let q20 = select(0.0, layout.$.g[r2 + c0 + co], v20); let q21 = select(0.0, layout.$.g[r2 + c1 + co], v21); let q22 = select(0.0, layout.$.g[r2 + c2 + co], v22); let q23 = select(0.0, layout.$.g[r2 + c3 + co], v23); let q24 = select(0.0, layout.$.g[r2 + c4 + co], v24); let q25 = select(0.0, layout.$.g[r2 + c5 + co], v25);
    let q30 = select(0.0, layout.$.g[r3 + c0 + co], v30); let q31 = select(0.0, layout.$.g[r3 + c1 + co], v31); let q32 = select(0.0, layout.$.g[r3 + c2 + co], v32); let q33 = select(0.0, layout.$.g[r3 + c3 + co], v33); let q34 = select(0.0, layout.$.g[r3 + c4 + co], v34); let q35 = select(0.0, layout.$.g[r3 + c5 + co], v35);
    let q40 = select(0.0, layout.$.g[r4 + c0 + co], v40); let q41 = select(0.0, layout.$.g[r4 + c1 + co], v41); let q42 = select(0.0, layout.$.g[r4 + c2 + co], v42); let q43 = select(0.0, layout.$.g[r4 + c3 + co], v43); let q44 = select(0.0, layout.$.g[r4 + c4 + co], v44); let q45 = select(0.0, layout.$.g[r4 + c5 + co], v45);
    let q50 = select(0.0, layout.$.g[r5 + c0 + co], v50); let q51 = select(0.0, layout.$.g[r5 + c1 + co], v51); let q52 = select(0.0, layout.$.g[r5 + c2 + co], v52); let q53 = select(0.0, layout.$.g[r5 + c3 + co], v53); let q54 = select(0.0, layout.$.g[r5 + c4 + co], v54); let q55 = select(0.0, layout.$.g[r5 + c5 + co], v55);
    let w = co * CI4;
    // tap (0, 0): dx[y0 + r, x0 + c] += g[y0 + r - 0, x0 + c - 0] * kT[0, 0, co]
    k0 = layout.$.kT[w + h0]; k1 = layout.$.kT[w + h1];
    a000 += q22 * k0; a001 += q22 * k1; a010 += q23 * k0; a011 += q23 * k1; a020 += q24 * k0; a021 += q24 * k1; a030 += q25 * k0; a031 += q25 * k1;
    a100 += q32 * k0; a101 += q32 * k1; a110 += q33 * k0; a111 += q33 * k1; a120 += q34 * k0; a121 += q34 * k1; a130 += q35 * k0; a131 += q35 * k1;
    a200 += q42 * k0; a201 += q42 * k1; a210 += q43 * k0; a211 += q43 * k1; a220 += q44 * k0; a221 += q44 * k1; a230 += q45 * k0; a231 += q45 * k1;
    a300 += q52 * k0; a301 += q52 * k1; a310 += q53 * k0; a311 += q53 * k1; a320 += q54 * k0; a321 += q54 * k1; a330 += q55 * k0; a331 += q55 * k1;
    // tap (0, 1): dx[y0 + r, x0 + c] += g[y0 + r - 0, x0 + c - 1] * kT[0, 1, co]
    k0 = layout.$.kT[w + 1u * tap + h0]; k1 = layout.$.kT[w + 1u * tap + h1];
    a000 += q21 * k0; a001 += q21 * k1; a010 += q22 * k0; a011 += q22 * k1; a020 += q23 * k0; a021 += q23 * k1; a030 += q24 * k0; a031 += q24 * k1;
    a100 += q31 * k0; a101 += q31 * k1; a110 += q32 * k0; a111 += q32 * k1; a120 += q33 * k0; a121 += q33 * k1; a130 += q34 * k0; a131 += q34 * k1;
    a200 += q41 * k0; a201 += q41 * k1; a210 += q42 * k0; a211 += q42 * k1; a220 += q43 * k0; a221 += q43 * k1; a230 += q44 * k0; a231 += q44 * k1;
    a300 += q51 * k0; a301 += q51 * k1; a310 += q52 * k0; a311 += q52 * k1; a320 += q53 * k0; a321 += q53 * k1; a330 += q54 * k0; a331 += q54 * k1;
    // tap (0, 2): dx[y0 + r, x0 + c] += g[y0 + r - 0, x0 + c - 2] * kT[0, 2, co]
    k0 = layout.$.kT[w + 2u * tap + h0]; k1 = layout.$.kT[w + 2u * tap + h1];
    a000 += q20 * k0; a001 += q20 * k1; a010 += q21 * k0; a011 += q21 * k1; a020 += q22 * k0; a021 += q22 * k1; a030 += q23 * k0; a031 += q23 * k1;
    a100 += q30 * k0; a101 += q30 * k1; a110 += q31 * k0; a111 += q31 * k1; a120 += q32 * k0; a121 += q32 * k1; a130 += q33 * k0; a131 += q33 * k1;
    a200 += q40 * k0; a201 += q40 * k1; a210 += q41 * k0; a211 += q41 * k1; a220 += q42 * k0; a221 += q42 * k1; a230 += q43 * k0; a231 += q43 * k1;
    a300 += q50 * k0; a301 += q50 * k1; a310 += q51 * k0; a311 += q51 * k1; a320 += q52 * k0; a321 += q52 * k1; a330 += q53 * k0; a331 += q53 * k1;
    // tap (1, 0): dx[y0 + r, x0 + c] += g[y0 + r - 1, x0 + c - 0] * kT[1, 0, co]
    k0 = layout.$.kT[w + 3u * tap + h0]; k1 = layout.$.kT[w + 3u * tap + h1];
    a000 += q12 * k0; a001 += q12 * k1; a010 += q13 * k0; a011 += q13 * k1; a020 += q14 * k0; a021 += q14 * k1; a030 += q15 * k0; a031 += q15 * k1;
    a100 += q22 * k0; a101 += q22 * k1; a110 += q23 * k0; a111 += q23 * k1; a120 += q24 * k0; a121 += q24 * k1; a130 += q25 * k0; a131 += q25 * k1;
    a200 += q32 * k0; a201 += q32 * k1; a210 += q33 * k0; a211 += q33 * k1; a220 += q34 * k0; a221 += q34 * k1; a230 += q35 * k0; a231 += q35 * k1;
    a300 += q42 * k0; a301 += q42 * k1; a310 += q43 * k0; a311 += q43 * k1; a320 += q44 * k0; a321 += q44 * k1; a330 += q45 * k0; a331 += q45 * k1;
    // tap (1, 1): dx[y0 + r, x0 + c] += g[y0 + r - 1, x0 + c - 1] * kT[1, 1, co]
    k0 = layout.$.kT[w + 4u * tap + h0]; k1 = layout.$.kT[w + 4u * tap + h1];
    a000 += q11 * k0; a001 += q11 * k1; a010 += q12 * k0; a011 += q12 * k1; a020 += q13 * k0; a021 += q13 * k1; a030 += q14 * k0; a031 += q14 * k1;
    a100 += q21 * k0; a101 += q21 * k1; a110 += q22 * k0; a111 += q22 * k1; a120 += q23 * k0; a121 += q23 * k1; a130 += q24 * k0; a131 += q24 * k1;
    a200 += q31 * k0; a201 += q31 * k1; a210 += q32 * k0; a211 += q32 * k1; a220 += q33 * k0; a221 += q33 * k1; a230 += q34 * k0; a231 += q34 * k1;
    a300 += q41 * k0; a301 += q41 * k1; a310 += q42 * k0; a311 += q42 * k1; a320 += q43 * k0; a321 += q43 * k1; a330 += q44 * k0; a331 += q44 * k1;
    // tap (1, 2): dx[y0 + r, x0 + c] += g[y0 + r - 1, x0 + c - 2] * kT[1, 2, co]
    k0 = layout.$.kT[w + 5u * tap + h0]; k1 = layout.$.kT[w + 5u * tap + h1];
    a000 += q10 * k0; a001 += q10 * k1; a010 += q11 * k0; a011 += q11 * k1; a020 += q12 * k0; a021 += q12 * k1; a030 += q13 * k0; a031 += q13 * k1;
    a100 += q20 * k0; a101 += q20 * k1; a110 += q21 * k0; a111 += q21 * k1; a120 += q22 * k0; a121 += q22 * k1; a130 += q23 * k0; a131 += q23 * k1;
    a200 += q30 * k0; a201 += q30 * k1; a210 += q31 * k0; a211 += q31 * k1; a220 += q32 * k0; a221 += q32 * k1; a230 += q33 * k0; a231 += q33 * k1;
    a300 += q40 * k0; a301 += q40 * k1; a310 += q41 * k0; a311 += q41 * k1; a320 += q42 * k0; a321 += q42 * k1; a330 += q43 * k0; a331 += q43 * k1;
    // tap (2, 0): dx[y0 + r, x0 + c] += g[y0 + r - 2, x0 + c - 0] * kT[2, 0, co]
    k0 = layout.$.kT[w + 6u * tap + h0]; k1 = layout.$.kT[w + 6u * tap + h1];
    a000 += q02 * k0; a001 += q02 * k1; a010 += q03 * k0; a011 += q03 * k1; a020 += q04 * k0; a021 += q04 * k1; a030 += q05 * k0; a031 += q05 * k1;
    a100 += q12 * k0; a101 += q12 * k1; a110 += q13 * k0; a111 += q13 * k1; a120 += q14 * k0; a121 += q14 * k1; a130 += q15 * k0; a131 += q15 * k1;
    a200 += q22 * k0; a201 += q22 * k1; a210 += q23 * k0; a211 += q23 * k1; a220 += q24 * k0; a221 += q24 * k1; a230 += q25 * k0; a231 += q25 * k1;
    a300 += q32 * k0; a301 += q32 * k1; a310 += q33 * k0; a311 += q33 * k1; a320 += q34 * k0; a321 += q34 * k1; a330 += q35 * k0; a331 += q35 * k1;
    // tap (2, 1): dx[y0 + r, x0 + c] += g[y0 + r - 2, x0 + c - 1] * kT[2, 1, co]
    k0 = layout.$.kT[w + 7u * tap + h0]; k1 = layout.$.kT[w + 7u * tap + h1];
    a000 += q01 * k0; a001 += q01 * k1; a010 += q02 * k0; a011 += q02 * k1; a020 += q03 * k0; a021 += q03 * k1; a030 += q04 * k0; a031 += q04 * k1;
    a100 += q11 * k0; a101 += q11 * k1; a110 += q12 * k0; a111 += q12 * k1; a120 += q13 * k0; a121 += q13 * k1; a130 += q14 * k0; a131 += q14 * k1;
    a200 += q21 * k0; a201 += q21 * k1; a210 += q22 * k0; a211 += q22 * k1; a220 += q23 * k0; a221 += q23 * k1; a230 += q24 * k0; a231 += q24 * k1;
    a300 += q31 * k0; a301 += q31 * k1; a310 += q32 * k0; a311 += q32 * k1; a320 += q33 * k0; a321 += q33 * k1; a330 += q34 * k0; a331 += q34 * k1;
    // tap (2, 2): dx[y0 + r, x0 + c] += g[y0 + r - 2, x0 + c - 2] * kT[2, 2, co]
    k0 = layout.$.kT[w + 8u * tap + h0]; k1 = layout.$.kT[w + 8u * tap + h1];
    a000 += q00 * k0; a001 += q00 * k1; a010 += q01 * k0; a011 += q01 * k1; a020 += q02 * k0; a021 += q02 * k1; a030 += q03 * k0; a031 += q03 * k1;
    a100 += q10 * k0; a101 += q10 * k1; a110 += q11 * k0; a111 += q11 * k1; a120 += q12 * k0; a121 += q12 * k1; a130 += q13 * k0; a131 += q13 * k1;
    a200 += q20 * k0; a201 += q20 * k1; a210 += q21 * k0; a211 += q21 * k1; a220 += q22 * k0; a221 += q22 * k1; a230 += q23 * k0; a231 += q23 * k1;
    a300 += q30 * k0; a301 += q30 * k1; a310 += q31 * k0; a311 += q31 * k1; a320 += q32 * k0; a321 += q32 * k1; a330 += q33 * k0; a331 += q33 * k1;
  }

  let n0 = min(CIN - 4u * h0, 4u);
  let n1 = select(0u, min(CIN - 4u * (h0 + 1u), 4u), h0 + 1u < CI4);
  if (y0 + 0u < H) {
    let o = ((b * H + y0 + 0u) * W + x0) * CIN;
    { store4(o + 0u * CIN + 4u * h0, a000, n0); store4(o + 0u * CIN + 4u * h1, a001, n1); }
    if (x0 + 1u < W) { store4(o + 1u * CIN + 4u * h0, a010, n0); store4(o + 1u * CIN + 4u * h1, a011, n1); }
    if (x0 + 2u < W) { store4(o + 2u * CIN + 4u * h0, a020, n0); store4(o + 2u * CIN + 4u * h1, a021, n1); }
    if (x0 + 3u < W) { store4(o + 3u * CIN + 4u * h0, a030, n0); store4(o + 3u * CIN + 4u * h1, a031, n1); }
  }
  if (y0 + 1u < H) {
    let o = ((b * H + y0 + 1u) * W + x0) * CIN;
    { store4(o + 0u * CIN + 4u * h0, a100, n0); store4(o + 0u * CIN + 4u * h1, a101, n1); }
    if (x0 + 1u < W) { store4(o + 1u * CIN + 4u * h0, a110, n0); store4(o + 1u * CIN + 4u * h1, a111, n1); }
    if (x0 + 2u < W) { store4(o + 2u * CIN + 4u * h0, a120, n0); store4(o + 2u * CIN + 4u * h1, a121, n1); }
    if (x0 + 3u < W) { store4(o + 3u * CIN + 4u * h0, a130, n0); store4(o + 3u * CIN + 4u * h1, a131, n1); }
  }
  if (y0 + 2u < H) {
    let o = ((b * H + y0 + 2u) * W + x0) * CIN;
    { store4(o + 0u * CIN + 4u * h0, a200, n0); store4(o + 0u * CIN + 4u * h1, a201, n1); }
    if (x0 + 1u < W) { store4(o + 1u * CIN + 4u * h0, a210, n0); store4(o + 1u * CIN + 4u * h1, a211, n1); }
    if (x0 + 2u < W) { store4(o + 2u * CIN + 4u * h0, a220, n0); store4(o + 2u * CIN + 4u * h1, a221, n1); }
    if (x0 + 3u < W) { store4(o + 3u * CIN + 4u * h0, a230, n0); store4(o + 3u * CIN + 4u * h1, a231, n1); }
  }
  if (y0 + 3u < H) {
    let o = ((b * H + y0 + 3u) * W + x0) * CIN;
    { store4(o + 0u * CIN + 4u * h0, a300, n0); store4(o + 0u * CIN + 4u * h1, a301, n1); }
    if (x0 + 1u < W) { store4(o + 1u * CIN + 4u * h0, a310, n0); store4(o + 1u * CIN + 4u * h1, a311, n1); }
    if (x0 + 2u < W) { store4(o + 2u * CIN + 4u * h0, a320, n0); store4(o + 2u * CIN + 4u * h1, a321, n1); }
    if (x0 + 3u < W) { store4(o + 3u * CIN + 4u * h0, a330, n0); store4(o + 3u * CIN + 4u * h1, a331, n1); }
  }
}

/** Writes the first n (0..4) components of v to dx[i..i+n). */
fn store4(i: u32, v: vec4f, n: u32) {
  if (n > 0u) { layout.$.dx[i] = v.x; }
  if (n > 1u) { layout.$.dx[i + 1u] = v.y; }
  if (n > 2u) { layout.$.dx[i + 2u] = v.z; }
  if (n > 3u) { layout.$.dx[i + 3u] = v.w; }
}
