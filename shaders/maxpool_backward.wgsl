// maxpool_backward: gradient of 2x2/stride-2 floor max pooling. NHWC.
// One invocation computes ONE input-gradient element dx(b, h, w, c): the pooled gradient
// if (h, w) is its window's saved arg-max, else 0. Elements of a dropped odd last
// row/column get 0. Windows do not overlap, so every dx element has exactly one owner.
//
// Bindings:
//   outputGrad: (BATCH, HO, WO, C) f32, read (dL/d pooled output)
//   argmax:     (BATCH, HO, WO, C) u32, read (window position 2*di + dj from maxpool_forward)
//   inputGrad:  (BATCH, H, W, C) f32, written
// Overrides: H, W, C, HO, WO, SAMPLE_COUNT = H*W*C, WORKGROUP_SIZE.

override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(e: u32) {
  let at = nhwcPosition(e, H, W, C);
  let b = at.x; let h = at.y; let w = at.z; let c = at.w;
  var g = 0.0;
  if (h < 2u * HO && w < 2u * WO) {
    let o = ((b * HO + h / 2u) * WO + w / 2u) * C + c;
    if (layout.$.argmax[o] == 2u * (h & 1u) + (w & 1u)) {
      g = layout.$.outputGrad[o];
    }
  }
  layout.$.inputGrad[e] = g;
}
