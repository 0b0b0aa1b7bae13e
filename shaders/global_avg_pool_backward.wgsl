// global_avg_pool_backward: gradient of GlobalAveragePooling2D, NHWC.
// One invocation computes ONE input-gradient element dx(b, h, w, c) = dy(b, c) / (H*W).
//
// Bindings:
//   outputGrad: (B, C) f32, read (dL/d pooled output)
//   inputGrad:  (B, H, W, C) f32, written
// Overrides: HW = H*W, C, COUNT = B*H*W*C, WORKGROUP_SIZE.

override WORKGROUP_SIZE: u32;
override HW: u32;
override C: u32;
override COUNT: u32;

// The dispatch is a 1-D or, past 65,535 workgroups, a 2-D grid (gridFor in src/gpu/kernel.ts):
// the invocation index is linearised over it, and the surplus invocations fail the bounds check.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let e = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (e >= COUNT) { return; }
  let c = e % C;
  let b = e / (HW * C);
  layout.$.inputGrad[e] = layout.$.outputGrad[b * C + c] / f32(HW);
}
