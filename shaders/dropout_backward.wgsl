// dropout_backward: gradient of inverted dropout, with the forward's mask regenerated from
// the same (seed, step, layerId, element) counter. One invocation computes ONE element:
// dx[e] = keep(e) ? dy[e] * SCALE : 0, SCALE = 1 / (1 - rate).
// keep(e): the counter-based mask hash dropoutKey / dropoutKeep of src/gpu/wgsl-lib.ts (twin of
// src/layers/dropout-rng.ts), e = b*count + i, the flat index in (BATCH, count); seed and step come
// from StepState, so the backward regenerates the forward's mask without storing it.
//
// Bindings:
//   state:      StepState {step, batch, seed, pad}, read (same step as the forward)
//   outputGrad: (BATCH, count) f32, read
//   inputGrad:  (BATCH, count) f32, written
// Overrides: COUNT = BATCH*count, LAYER_ID, THRESHOLD (u32), SCALE (f32), WORKGROUP_SIZE.

override SCALE: f32;

fn compute(e: u32) {
  let key = dropoutKey(layout.$.state.seed, layout.$.state.step, LAYER_ID);
  var g = 0.0;
  if (dropoutKeep(key, e, THRESHOLD)) { g = layout.$.outputGrad[e] * SCALE; }
  layout.$.inputGrad[e] = g;
}
