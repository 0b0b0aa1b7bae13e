// maxpool_backward: gradient of 2x2/stride-2 floor max pooling. NHWC.
// One invocation computes ONE input-gradient element dx(b, h, w, c): the pooled gradient
// if (h, w) is its window's saved arg-max, else 0. Elements of a dropped odd last
// row/column get 0. Windows do not overlap, so every dx element has exactly one owner.
//
// Bindings:
//   outputGrad: (B, HO, WO, C) f32, read (dL/d pooled output)
//   argmax:     (B, HO, WO, C) u32, read (window position 2*di + dj from maxpool_forward)
//   inputGrad:  (B, H, W, C) f32, written
// Overrides: H, W, C, HO, WO, COUNT = B*H*W*C, WORKGROUP_SIZE.

override WORKGROUP_SIZE: u32;
override H: u32;
override W: u32;
override C: u32;
override HO: u32;
override WO: u32;
override COUNT: u32;

// The dispatch is a 1-D or, past 65,535 workgroups, a 2-D grid (gridFor in src/gpu/kernel.ts):
// the invocation index is linearised over it, and the surplus invocations of the last row
// fail the bounds check below.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let e = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (e >= COUNT) { return; }
  let c = e % C;
  let pix = e / C;
  let w = pix % W;
  let rows = pix / W;
  let h = rows % H;
  let b = rows / H;
  var g = 0.0;
  if (h < 2u * HO && w < 2u * WO) {
    let o = ((b * HO + h / 2u) * WO + w / 2u) * C + c;
    if (layout.$.argmax[o] == 2u * (h & 1u) + (w & 1u)) {
      g = layout.$.outputGrad[o];
    }
  }
  layout.$.inputGrad[e] = g;
}
