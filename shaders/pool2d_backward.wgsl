// pool2d_backward: gradient of pool2d_forward (max or average, any pool, stride, padding), NHWC.
// One invocation computes ONE input-gradient element dx(b, h, w, c) by gathering from every
// output (i, j) whose window covers (h, w) (windows overlap when stride < pool; no atomics):
//   IS_MAX:  sum of dy(b, i, j, c) over the covering windows whose saved arg-max is (h, w);
//   average: sum of dy(b, i, j, c) / count(i, j), count = real cells of window (i, j).
// Covering outputs: i*SH <= h + PAD_TOP < i*SH + PH, i in 0..HO-1 (likewise j). Cells no window
// covers ('valid' leftovers) get 0; every dx element is written.
//
// Bindings:
//   outputGrad: (BATCH, HO, WO, C) f32, read (dL/d pooled output)
//   argmax:     (BATCH, HO, WO, C) u32, read when IS_MAX (window position di * PW + dj from
//               pool2d_forward; else a placeholder, unread)
//   inputGrad:  (BATCH, H, W, C) f32, written
// Overrides: H, W, C, HO, WO, PH, PW, SH, SW, PAD_TOP, PAD_LEFT, SAMPLE_COUNT = H*W*C, IS_MAX (bool),
//   WORKGROUP_SIZE.

override IS_MAX: bool;
override COUNT: u32 = BATCH * SAMPLE_COUNT;

// First and last output index (inclusive) whose window covers padded position p; first > last
// when none does.
fn coveringOutputs(p: u32, pool: u32, stride: u32, outSize: u32) -> vec2i {
  let first = select(0u, (p - pool) / stride + 1u, p >= pool);
  return vec2i(i32(first), min(i32(p / stride), i32(outSize) - 1));
}

fn compute(e: u32) {
  let at = nhwcPosition(e, H, W, C);
  let b = at.x; let h = at.y; let w = at.z; let c = at.w;
  let hp = h + PAD_TOP;
  let wp = w + PAD_LEFT;
  let ri = coveringOutputs(hp, PH, SH, HO);
  let rj = coveringOutputs(wp, PW, SW, WO);
  var g = 0.0;
  for (var i = ri.x; i <= ri.y; i++) {
    let ui = u32(i);
    for (var j = rj.x; j <= rj.y; j++) {
      let uj = u32(j);
      let o = ((b * HO + ui) * WO + uj) * C + c;
      if (IS_MAX) {
        if (layout.$.argmax[o] == (hp - ui * SH) * PW + (wp - uj * SW)) { g += layout.$.outputGrad[o]; }
      } else {
        let hs = poolSpan(i32(ui * SH) - i32(PAD_TOP), PH, H);
        let ws = poolSpan(i32(uj * SW) - i32(PAD_LEFT), PW, W);
        g += layout.$.outputGrad[o] / f32((hs.y - hs.x) * (ws.y - ws.x));
      }
    }
  }
  layout.$.inputGrad[e] = g;
}
