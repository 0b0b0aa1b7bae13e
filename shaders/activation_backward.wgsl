// activation_backward: the Activation layer's elementwise backward dx = dy * act'(y), with the
// derivative taken from the forward's stored output y (src/gpu/wgsl-lib.ts activationGrad:
// relu (y > 0), sigmoid y (1 - y), tanh 1 - y^2, linear 1), ACT as in activation_forward.
// One invocation computes ONE lane: one element, or one vec4 of 4 consecutive elements in the
// vec4 build (count a multiple of 4); activationDerivative is activationGrad or its vec4 form.
//
// Bindings (lane = f32, or vec4f in the vec4 build):
//   outputGrad: (BATCH, count) lanes, read (dL/dy)
//   output:     (BATCH, count) lanes, read (y from activation_forward)
//   inputGrad:  (BATCH, count) lanes, written (dL/dx)
// Overrides: SAMPLE_COUNT = lanes of one sample (count, or count/4), ACT (u32), WORKGROUP_SIZE.

override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(e: u32) {
  layout.$.inputGrad[e] = layout.$.outputGrad[e] * activationDerivative(layout.$.output[e], ACT);
}
