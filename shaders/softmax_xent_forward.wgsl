// softmax_xent_forward: softmax + categorical cross-entropy from logits, per sample.
// One invocation computes one sample n: with mx = max_c z[n,c] (first index of the max = the
// prediction; ties go to the lowest index),
//   loss[n]    = log(sum_c exp(z[n,c] - mx)) - (z[n,label] - mx)   (= logsumexp(z) - z[label])
//   correct[n] = 1 if argmax == label else 0
//   pred[n]    = argmax
// Both terms are taken relative to the max, so large logits neither overflow nor lose digits.
// Bindings:
//   logits:  (BATCH, CLASSES) f32   read
//   labels:  (BATCH) u32            read, each in [0, CLASSES)
//   losses:  (BATCH) f32            write
//   correct: (BATCH) u32            write
//   pred:    (BATCH) u32            write

override INVOCATIONS: u32 = BATCH;

fn compute(n: u32) {
  let row = n * CLASSES;
  var mx = layout.$.logits[row];
  var arg = 0u;
  for (var c = 1u; c < CLASSES; c++) {
    let z = layout.$.logits[row + c];
    if (z > mx) {
      mx = z;
      arg = c;
    }
  }
  var sum = 0.0;
  for (var c = 0u; c < CLASSES; c++) {
    sum += exp(layout.$.logits[row + c] - mx);
  }
  let label = layout.$.labels[n];
  layout.$.losses[n] = log(sum) - (layout.$.logits[row + label] - mx);
  layout.$.correct[n] = select(0u, 1u, arg == label);
  layout.$.pred[n] = arg;
}
