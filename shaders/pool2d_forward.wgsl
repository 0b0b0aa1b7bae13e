// pool2d_forward: MaxPooling2D / AveragePooling2D, any pool size, stride and padding, NHWC.
// One invocation computes ONE pooled output element (b, i, j, c) from the real (non-padded)
// cells of its window, rows i*SH - PAD_TOP .. +PH-1, columns j*SW - PAD_LEFT .. +PW-1:
//   IS_MAX:  the largest cell; ties go to the first in row-major window order (strict `>`,
//            as TensorFlow); with SAVE_ARGMAX also its window position di * PW + dj
//            (di, dj counted in the padded window).
//   average: the sum of the real cells divided by their number (padding counts nowhere).
// Every window holds at least one real cell (pool2dGeometry's 'same' padding is < pool).
//
// Bindings:
//   input:  (BATCH, H, W, C) f32, read
//   output: (BATCH, HO, WO, C) f32, written
//   argmax: (BATCH, HO, WO, C) u32, written when IS_MAX && SAVE_ARGMAX (else a placeholder, untouched)
// Overrides: H, W, C, HO, WO, PH, PW, SH, SW, PAD_TOP, PAD_LEFT, SAMPLE_COUNT = HO*WO*C,
//   IS_MAX, SAVE_ARGMAX (bool), WORKGROUP_SIZE.

override IS_MAX: bool;
override SAVE_ARGMAX: bool;
override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(o: u32) {
  let at = nhwcPosition(o, HO, WO, C);
  let b = at.x; let i = at.y; let j = at.z; let c = at.w;
  let top = i32(i * SH) - i32(PAD_TOP);
  let left = i32(j * SW) - i32(PAD_LEFT);
  let hs = poolSpan(top, PH, H);
  let ws = poolSpan(left, PW, W);
  var best = layout.$.input[((b * H + hs.x) * W + ws.x) * C + c];
  var pos = u32(i32(hs.x) - top) * PW + u32(i32(ws.x) - left);
  var sum = 0.0;
  for (var h = hs.x; h < hs.y; h++) {
    let rowBase = (b * H + h) * W;
    for (var w = ws.x; w < ws.y; w++) {
      let v = layout.$.input[(rowBase + w) * C + c];
      sum += v;
      if (v > best) {
        best = v;
        pos = u32(i32(h) - top) * PW + u32(i32(w) - left);
      }
    }
  }
  if (IS_MAX) {
    layout.$.output[o] = best;
    if (SAVE_ARGMAX) { layout.$.argmax[o] = pos; }
  } else {
    layout.$.output[o] = sum / f32((hs.y - hs.x) * (ws.y - ws.x));
  }
}
