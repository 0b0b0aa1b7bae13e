// activation_forward: the Activation layer's elementwise forward y = act(x), act chosen by the
// ACT code (src/model/activations.ts: 0 linear, 1 relu, 2 sigmoid, 3 tanh).
// One invocation computes ONE lane: one element, or, in the vec4 build (used when count is a
// multiple of 4), one vec4 of 4 consecutive elements; applyActivation is the shared `activate`
// of src/gpu/wgsl-lib.ts or its lane-wise vec4 form (src/layers/activation.ts).
//
// Bindings (lane = f32, or vec4f in the vec4 build):
//   input:  (BATCH, count) lanes, read (any per-sample shape, flat)
//   output: (BATCH, count) lanes, written
// Overrides: SAMPLE_COUNT = lanes of one sample (count, or count/4), ACT (u32), WORKGROUP_SIZE.

override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(e: u32) {
  layout.$.output[e] = applyActivation(layout.$.input[e], ACT);
}
