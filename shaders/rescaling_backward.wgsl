// rescaling_backward: the Rescaling layer's backward dx = dy * SCALE (the offset has no
// gradient and the layer no weights), elementwise over (B, count). One invocation computes ONE
// element.
//
// Bindings:
//   outputGrad: (B, count) f32, read (dL/dy)
//   inputGrad:  (B, count) f32, written (dL/dx)
// Overrides: COUNT = B*count, SCALE (f32), WORKGROUP_SIZE.

override WORKGROUP_SIZE: u32;
override COUNT: u32;
override SCALE: f32;

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
  layout.$.inputGrad[e] = layout.$.outputGrad[e] * SCALE;
}
