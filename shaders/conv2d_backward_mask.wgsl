// conv2d_backward_mask: g = dy * (y > 0), the ReLU-masked output gradient, materialised once
// for the filter- and input-gradient kernels (both read g many times).
// One invocation computes one vec4 (4 channels of one output pixel).
// Bindings:
//   y:  (BATCH, HO, WO, COUT) post-ReLU forward output, as vec4, read
//   dy: (BATCH, HO, WO, COUT) dL/dy, as vec4, read
//   g:  (BATCH, HO, WO, COUT) as vec4, written
// COUNT4 = BATCH*HO*WO*COUT/4 (SAMPLE_COUNT4 = HO*WO*COUT/4). Invocation index.

override COUNT4: u32 = BATCH * SAMPLE_COUNT4;
override INVOCATIONS: u32 = COUNT4;

fn compute(i: u32) {
  layout.$.g[i] = select(vec4f(0.0), layout.$.dy[i], layout.$.y[i] > vec4f(0.0));
}
