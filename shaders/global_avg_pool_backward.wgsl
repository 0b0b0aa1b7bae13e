// global_avg_pool_backward: gradient of GlobalAveragePooling2D, NHWC.
// One invocation computes ONE input-gradient element dx(b, h, w, c) = dy(b, c) / (H*W).
//
// Bindings:
//   outputGrad: (BATCH, C) f32, read (dL/d pooled output)
//   inputGrad:  (BATCH, H, W, C) f32, written
// Overrides: HW = H*W, C, SAMPLE_COUNT = H*W*C, WORKGROUP_SIZE.

override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(e: u32) {
  let c = e % C;
  let b = e / (HW * C);
  layout.$.inputGrad[e] = layout.$.outputGrad[b * C + c] / f32(HW);
}
