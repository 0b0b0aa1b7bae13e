// activation_backward_softmax: gradient of activation_forward_softmax through its stored output.
// One invocation computes ONE row r of N elements:
//   dx[r, i] = y[r, i] * (dy[r, i] - s),  s = sum_j dy[r, j] * y[r, j].
//
// Bindings:
//   outputGrad: (BATCH, N) f32, read (dL/dy)
//   output:     (BATCH, N) f32, read (y from activation_forward_softmax)
//   inputGrad:  (BATCH, N) f32, written (dL/dx)
// Overrides: N (row length), WORKGROUP_SIZE; one row per sample (BATCH, run time).

override INVOCATIONS: u32 = BATCH;

fn compute(r: u32) {
  let base = r * N;
  var s = 0.0;
  for (var i = 0u; i < N; i++) { s += layout.$.outputGrad[base + i] * layout.$.output[base + i]; }
  for (var i = 0u; i < N; i++) {
    let y = layout.$.output[base + i];
    layout.$.inputGrad[base + i] = y * (layout.$.outputGrad[base + i] - s);
  }
}
