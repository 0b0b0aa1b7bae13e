// rescaling_forward: the Rescaling layer's forward y = x * SCALE + OFFSET, elementwise over a
// (B, count) tensor of any per-sample shape. One invocation computes ONE element.
//
// Bindings:
//   input:  (B, count) f32, read
//   output: (B, count) f32, written
// Overrides: COUNT = B*count, SCALE (f32), OFFSET (f32), WORKGROUP_SIZE.

override WORKGROUP_SIZE: u32;
override COUNT: u32;
override SCALE: f32;
override OFFSET: f32;

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
  layout.$.output[e] = layout.$.input[e] * SCALE + OFFSET;
}
