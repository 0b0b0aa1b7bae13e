// activation_backward: the Activation layer's elementwise backward dx = dy * act'(y), with the
// derivative taken from the forward's stored output y (src/gpu/wgsl-lib.ts activationGrad:
// relu (y > 0), sigmoid y (1 - y), tanh 1 - y^2, linear 1), ACT as in activation_forward.
// One invocation computes ONE lane: one element, or one vec4 of 4 consecutive elements in the
// vec4 build (B*count a multiple of 4); activationDerivative is activationGrad or its vec4 form.
//
// Bindings (lane = f32, or vec4f in the vec4 build):
//   outputGrad: (B, count) lanes, read (dL/dy)
//   output:     (B, count) lanes, read (y from activation_forward)
//   inputGrad:  (B, count) lanes, written (dL/dx)
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
  layout.$.inputGrad[e] = layout.$.outputGrad[e] * activationDerivative(layout.$.output[e], ACT);
}
