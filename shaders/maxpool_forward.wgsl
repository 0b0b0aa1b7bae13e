// maxpool_forward: 2x2 max pooling, stride 2, floor ("valid": an odd last row/column is
// dropped). NHWC. One invocation computes ONE pooled output element (b, i, j, c): the max
// of its 2x2 window and, in training (SAVE_ARGMAX), the window position of that max.
// Ties: the first maximum in window order (0,0), (0,1), (1,0), (1,1) wins (strict `>`).
//
// Bindings:
//   input:  (BATCH, H, W, C) f32, read
//   output: (BATCH, HO, WO, C) f32, written; HO = floor(H/2), WO = floor(W/2)
//   argmax: (BATCH, HO, WO, C) u32, written when SAVE_ARGMAX: window position 2*di + dj in 0..3
//           (else a placeholder, untouched)
// Overrides: H, W, C, HO, WO, SAMPLE_COUNT = HO*WO*C, SAVE_ARGMAX (bool), WORKGROUP_SIZE.

override SAVE_ARGMAX: bool;
override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(o: u32) {
  let at = nhwcPosition(o, HO, WO, C);
  let b = at.x; let i = at.y; let j = at.z; let c = at.w;
  let base = ((b * H + 2u * i) * W + 2u * j) * C + c;
  let rowStep = W * C;
  let v0 = layout.$.input[base];
  let v1 = layout.$.input[base + C];
  let v2 = layout.$.input[base + rowStep];
  let v3 = layout.$.input[base + rowStep + C];
  var best = v0;
  var pos = 0u;
  if (v1 > best) { best = v1; pos = 1u; }
  if (v2 > best) { best = v2; pos = 2u; }
  if (v3 > best) { best = v3; pos = 3u; }
  layout.$.output[o] = best;
  if (SAVE_ARGMAX) { layout.$.argmax[o] = pos; }
}
