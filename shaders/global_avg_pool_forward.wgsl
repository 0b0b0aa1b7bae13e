// global_avg_pool_forward: GlobalAveragePooling2D, NHWC (BATCH, H, W, C) -> (BATCH, C).
// One invocation computes ONE output element y(b, c): the sum of x(b, h, w, c) over the H*W
// positions in row-major order, divided by H*W.
//
// Bindings:
//   input:  (BATCH, H, W, C) f32, read
//   output: (BATCH, C) f32, written
// Overrides: HW = H*W, C, SAMPLE_COUNT = C, WORKGROUP_SIZE.

override COUNT: u32 = BATCH * SAMPLE_COUNT;

fn compute(o: u32) {
  let c = o % C;
  let base = (o / C) * HW * C + c;
  var sum = 0.0;
  for (var p = 0u; p < HW; p++) {
    sum += layout.$.input[base + p * C];
  }
  layout.$.output[o] = sum / f32(HW);
}
