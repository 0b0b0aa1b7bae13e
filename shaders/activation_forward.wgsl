// activation_forward: the Activation layer's elementwise forward y = act(x), act chosen by the
// ACT code (src/model/activations.ts: 0 linear, 1 relu, 2 sigmoid, 3 tanh).
// One invocation computes ONE lane: one element, or, in the vec4 build (used when B*count is a
// multiple of 4), one vec4 of 4 consecutive elements; applyActivation is the shared `activate`
// of src/gpu/wgsl-lib.ts or its lane-wise vec4 form (src/layers/activation.ts).
//
// Bindings (lane = f32, or vec4f in the vec4 build):
//   input:  (B, count) lanes, read (any per-sample shape, flat)
//   output: (B, count) lanes, written
// Overrides: COUNT = number of lanes (B*count, or B*count/4), ACT (u32), WORKGROUP_SIZE.

override WORKGROUP_SIZE: u32;
override COUNT: u32;
override ACT: u32;

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
  layout.$.output[e] = applyActivation(layout.$.input[e], ACT);
}
