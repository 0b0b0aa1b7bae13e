// dropout_mask: inverted dropout (training only; evaluation skips the layer), forward and
// backward alike: the backward applies the forward's mask, regenerated from the same
// (seed, step, layerId, element) counter, to the gradient.
// One invocation computes ONE element: output[e] = keep(e) ? input[e] * SCALE : 0,
// SCALE = 1 / (1 - rate); forward: input x, output y; backward: input dL/dy, output dL/dx.
// keep(e): the counter-based mask hash dropoutKey / dropoutKeep of src/gpu/wgsl-lib.ts (twin of
// src/layers/dropout-rng.ts), e = b*count + i, the flat index in (BATCH, count); seed and step
// come from StepState, so the backward regenerates the forward's mask without storing it.
//
// Bindings:
//   state:  StepState {step, batch, seed, pad}, read (the backward's step is its forward's)
//   input:  (BATCH, count) f32, read (any per-sample shape, flat)
//   output: (BATCH, count) f32, written
// Overrides: SAMPLE_COUNT = count, LAYER_ID, THRESHOLD (u32), SCALE (f32), WORKGROUP_SIZE.

override SCALE: f32;
override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(e: u32) {
  let key = dropoutKey(layout.$.state.seed, layout.$.state.step, LAYER_ID);
  var v = 0.0;
  if (dropoutKeep(key, e, THRESHOLD)) { v = layout.$.input[e] * SCALE; }
  layout.$.output[e] = v;
}
