// dropout_forward: inverted dropout (training only; evaluation skips the layer).
// One invocation computes ONE output element: y[e] = keep(e) ? x[e] * SCALE : 0,
// SCALE = 1 / (1 - rate).
// keep(e): the counter-based mask hash dropoutKey / dropoutKeep of src/gpu/wgsl-lib.ts (twin of
// src/layers/dropout-rng.ts), e = b*count + i, the flat index in (B, count); seed and step come
// from StepState, so the backward regenerates the forward's mask without storing it.
//
// Bindings:
//   state:  StepState {step, batch, seed, pad}, read
//   input:  (B, count) f32, read (any per-sample shape, flat)
//   output: (B, count) f32, written
// Overrides: COUNT = B*count, LAYER_ID, THRESHOLD (u32), SCALE (f32), WORKGROUP_SIZE.

override WORKGROUP_SIZE: u32;
override COUNT: u32;
override LAYER_ID: u32;
override THRESHOLD: u32;
override SCALE: f32;

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
  let key = dropoutKey(layout.$.state.seed, layout.$.state.step, LAYER_ID);
  var v = 0.0;
  if (dropoutKeep(key, e, THRESHOLD)) { v = layout.$.input[e] * SCALE; }
  layout.$.output[e] = v;
}
