// softmax_xent_backward: gradient of the batch-mean cross-entropy with respect to the logits.
// One invocation computes one sample n, all CLASSES outputs of its row:
//   dlogits[n,c] = (softmax(z[n,:])[c] - (c == label[n] ? 1 : 0)) / BATCH
// (softmax taken relative to the row max, so large logits are safe.)
// Bindings:
//   logits:  (BATCH, CLASSES) f32   read
//   labels:  (BATCH) u32            read
//   dlogits: (BATCH, CLASSES) f32   write
// BATCH is the batch's (run time).

override INVOCATIONS: u32 = BATCH;

fn compute(n: u32) {
  let row = n * CLASSES;
  var mx = layout.$.logits[row];
  for (var c = 1u; c < CLASSES; c++) {
    mx = max(mx, layout.$.logits[row + c]);
  }
  var sum = 0.0;
  for (var c = 0u; c < CLASSES; c++) {
    sum += exp(layout.$.logits[row + c] - mx);
  }
  // 1 / (sum * BATCH) as (1 / BATCH) / sum: what the compiler made of it while BATCH was a
  // constant, so the gradient keeps its bits.
  let invBatch = 1.0 / f32(BATCH);
  let scale = invBatch / sum;
  let label = layout.$.labels[n];
  for (var c = 0u; c < CLASSES; c++) {
    let p = exp(layout.$.logits[row + c] - mx) * scale;
    layout.$.dlogits[row + c] = p - select(0.0, invBatch, c == label);
  }
}
