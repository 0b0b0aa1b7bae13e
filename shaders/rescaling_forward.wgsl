// rescaling_forward: the Rescaling layer's forward y = x * SCALE + OFFSET, elementwise over a
// (BATCH, count) tensor of any per-sample shape. One invocation computes ONE element.
//
// Bindings:
//   input:  (BATCH, count) f32, read
//   output: (BATCH, count) f32, written
// Overrides: SAMPLE_COUNT = count, SCALE (f32), OFFSET (f32), WORKGROUP_SIZE.

override SCALE: f32;
override OFFSET: f32;
override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(e: u32) {
  layout.$.output[e] = layout.$.input[e] * SCALE + OFFSET;
}
