// rescaling_backward: the Rescaling layer's input gradient dx = dy * SCALE, elementwise over a
// (BATCH, count) tensor. One invocation computes ONE element.
//
// Bindings:
//   outputGrad: (BATCH, count) f32, read
//   inputGrad:  (BATCH, count) f32, written
// Overrides: SAMPLE_COUNT = count, SCALE (f32), WORKGROUP_SIZE.

override SCALE: f32;
override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(e: u32) {
  layout.$.inputGrad[e] = layout.$.outputGrad[e] * SCALE;
}
