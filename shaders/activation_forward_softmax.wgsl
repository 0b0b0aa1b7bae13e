// activation_forward_softmax: Activation('softmax') over the last axis, for a softmax that is not
// the network's final layer (the final one is fused into the loss).
// One invocation computes ONE row r of N elements:
//   y[r, i] = exp(x[r, i] - m) / sum_k exp(x[r, k] - m),  m = max_k x[r, k]  (no overflow).
//
// Bindings:
//   input:  (BATCH, N) f32, read
//   output: (BATCH, N) f32, written (first the exponentials, then divided by their sum)
// Overrides: N (row length), WORKGROUP_SIZE; one row per sample (BATCH, run time).

override INVOCATIONS: u32 = BATCH;

fn compute(r: u32) {
  let base = r * N;
  var m = layout.$.input[base];
  for (var i = 1u; i < N; i++) { m = max(m, layout.$.input[base + i]); }
  var sum = 0.0;
  for (var i = 0u; i < N; i++) {
    let e = exp(layout.$.input[base + i] - m);
    layout.$.output[base + i] = e;
    sum += e;
  }
  for (var i = 0u; i < N; i++) { layout.$.output[base + i] = layout.$.output[base + i] / sum; }
}
