// conv2d_backward_input_direct (variant "direct"): dx[b, y, x, ci] = sum over ky, kx, co of
//   g[b, y-ky, x-kx, co] * kernel[ky, kx, ci, co]   (terms outside the output are zero).
// One invocation computes a 4x4 tile: 4 adjacent input columns x0..x0+3 of one row (b, y) times
// 4 input channels ci0..ci0+3. For each (ky, vec4 channel group) it loads the 6 g pixels its
// columns need once and reuses them for the 3 kx taps; per tap the 4 kernel rows form a mat4x4
// so that one `g * K` gives the 4 channel dot products. Out-of-range columns/channels are
// computed from clamped loads and not stored.
// Bindings:
//   g:      (BATCH, H-2, W-2, COUT) ReLU-masked output gradient, as vec4, read
//   params: flat parameter buffer as vec4; kernel [3, 3, CIN, COUT] at float offset
//           KERNEL_OFFSET (multiple of 4), read
//   dx:     (BATCH, H, W, CIN) f32, written
// Requires COUT % 4 == 0. Invocation index,
// ordered (b, y, column tile, channel block) with the channel block fastest.

override INVOCATIONS: u32 = BATCH * H * ((W + 3u) / 4u) * ((CIN + 3u) / 4u);

fn compute(id: u32) {
  let HO = H - 2u;
  let WO = W - 2u;
  let C4 = COUT / 4u;
  let tilesX = (W + 3u) / 4u;
  let ciBlocks = (CIN + 3u) / 4u;
  let cb = id % ciBlocks;
  var r = id / ciBlocks;
  let tx = r % tilesX;
  r = r / tilesX;
  let y = r % H;
  let b = r / H;
  let x0 = tx * 4u;
  let ci0 = cb * 4u;

  // Kernel row offsets (vec4) of the 4 channels, clamped into range.
  let k0 = min(ci0, CIN - 1u) * C4;
  let k1 = min(ci0 + 1u, CIN - 1u) * C4;
  let k2 = min(ci0 + 2u, CIN - 1u) * C4;
  let k3 = min(ci0 + 3u, CIN - 1u) * C4;

  // The 6 output columns ox = x0 - 2 + j (j = 0..5) this tile reads: clamped index and validity.
  let ox0 = i32(x0) - 2;
  let wo = i32(WO);
  let v0 = ox0 >= 0 && ox0 < wo;
  let v1 = ox0 + 1 >= 0 && ox0 + 1 < wo;
  let v2 = ox0 + 2 >= 0 && ox0 + 2 < wo;
  let v3 = ox0 + 3 >= 0 && ox0 + 3 < wo;
  let v4 = ox0 + 4 >= 0 && ox0 + 4 < wo;
  let v5 = ox0 + 5 >= 0 && ox0 + 5 < wo;
  let o0 = u32(clamp(ox0, 0, wo - 1)) * C4;
  let o1 = u32(clamp(ox0 + 1, 0, wo - 1)) * C4;
  let o2 = u32(clamp(ox0 + 2, 0, wo - 1)) * C4;
  let o3 = u32(clamp(ox0 + 3, 0, wo - 1)) * C4;
  let o4 = u32(clamp(ox0 + 4, 0, wo - 1)) * C4;
  let o5 = u32(clamp(ox0 + 5, 0, wo - 1)) * C4;

  let z = vec4f(0.0);
  var acc0 = z; var acc1 = z; var acc2 = z; var acc3 = z;
  let kBase4 = KERNEL_OFFSET / 4u;
  let tap = CIN * C4;
  for (var ky = 0u; ky < 3u; ky++) {
    let oy = i32(y) - i32(ky);
    if (oy < 0 || oy >= i32(HO)) { continue; }
    let row = (b * HO + u32(oy)) * WO * C4;
    let kRow = kBase4 + ky * 3u * tap;
    for (var c = 0u; c < C4; c++) {
      let q0 = select(z, layout.$.g[row + o0 + c], v0);
      let q1 = select(z, layout.$.g[row + o1 + c], v1);
      let q2 = select(z, layout.$.g[row + o2 + c], v2);
      let q3 = select(z, layout.$.g[row + o3 + c], v3);
      let q4 = select(z, layout.$.g[row + o4 + c], v4);
      let q5 = select(z, layout.$.g[row + o5 + c], v5);
      // kx = 0: column x0+p reads ox = x0+p   (j = p + 2)
      var kw = kRow + c;
      var m = mat4x4f(layout.$.params[kw + k0], layout.$.params[kw + k1],
                      layout.$.params[kw + k2], layout.$.params[kw + k3]);
      acc0 += q2 * m; acc1 += q3 * m; acc2 += q4 * m; acc3 += q5 * m;
      // kx = 1: ox = x0+p-1 (j = p + 1)
      kw += tap;
      m = mat4x4f(layout.$.params[kw + k0], layout.$.params[kw + k1],
                  layout.$.params[kw + k2], layout.$.params[kw + k3]);
      acc0 += q1 * m; acc1 += q2 * m; acc2 += q3 * m; acc3 += q4 * m;
      // kx = 2: ox = x0+p-2 (j = p)
      kw += tap;
      m = mat4x4f(layout.$.params[kw + k0], layout.$.params[kw + k1],
                  layout.$.params[kw + k2], layout.$.params[kw + k3]);
      acc0 += q0 * m; acc1 += q1 * m; acc2 += q2 * m; acc3 += q3 * m;
    }
  }

  let nc = min(CIN - ci0, 4u);
  let out = ((b * H + y) * W + x0) * CIN + ci0;
  store4(out, acc0, nc);
  if (x0 + 1u < W) { store4(out + CIN, acc1, nc); }
  if (x0 + 2u < W) { store4(out + 2u * CIN, acc2, nc); }
  if (x0 + 3u < W) { store4(out + 3u * CIN, acc3, nc); }
}

/** Writes the first n (1..4) components of v to dx[i..i+n). */
fn store4(i: u32, v: vec4f, n: u32) {
  layout.$.dx[i] = v.x;
  if (n > 1u) { layout.$.dx[i + 1u] = v.y; }
  if (n > 2u) { layout.$.dx[i + 2u] = v.z; }
  if (n > 3u) { layout.$.dx[i + 3u] = v.w; }
}
