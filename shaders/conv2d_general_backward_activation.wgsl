// conv2d_general_backward_activation: g = dy * act'(y), the output gradient taken through the
// activation (its derivative from the forward's output y: wgsl-lib activationGrad), materialised
// once for the filter- and input-gradient kernels, which read it many times. Not built for a
// linear activation (g = dy).
// One invocation computes one element of g.
// Bindings:
//   y:  (BATCH, HO, WO, COUT) f32, the forward's post-activation output, read
//   dy: (BATCH, HO, WO, COUT) f32, dL/dy, read
//   g:  (BATCH, HO, WO, COUT) f32, written
// Overrides: SAMPLE_COUNT = HO*WO*COUT, ACT (activation code), WORKGROUP_SIZE.

override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(i: u32) {
  layout.$.g[i] = layout.$.dy[i] * activationGrad(layout.$.y[i], ACT);
}
