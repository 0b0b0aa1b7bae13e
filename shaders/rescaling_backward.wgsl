// rescaling_backward: the Rescaling layer's input gradient dx = dy * SCALE, elementwise over a
// (BATCH, count) tensor. One invocation computes ONE element.
//
// Bindings:
//   outputGrad: (BATCH, count) f32, read
//   inputGrad:  (BATCH, count) f32, written
// Overrides: COUNT = BATCH*count, SCALE (f32), WORKGROUP_SIZE.

override SCALE: f32;

fn compute(e: u32) {
  layout.$.inputGrad[e] = layout.$.outputGrad[e] * SCALE;
}
