// global_avg_pool_forward: GlobalAveragePooling2D, NHWC (B, H, W, C) -> (B, C).
// One invocation computes ONE output element y(b, c): the sum of x(b, h, w, c) over the H*W
// positions in row-major order, divided by H*W.
//
// Bindings:
//   input:  (B, H, W, C) f32, read
//   output: (B, C) f32, written
// Overrides: HW = H*W, C, COUNT = B*C, WORKGROUP_SIZE.

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
  let o = linearIndex(wid, nwg, lid, WORKGROUP_SIZE);
  if (o >= COUNT) { return; }
  let c = o % C;
  let base = (o / C) * HW * C + c;
  var sum = 0.0;
  for (var p = 0u; p < HW; p++) {
    sum += layout.$.input[base + p * C];
  }
  layout.$.output[o] = sum / f32(HW);
}
