/**
 * float64 CPU reference: softmax + categorical cross-entropy, mean over the batch,
 * computed from logits with log-sum-exp.
 *
 *   logits: (B, C)   labels: (B) integers in [0, C)
 *   loss    = (1/B) sum_n [ logsumexp(logits[n,:]) - logits[n, labels[n]] ]
 *   probs   = softmax(logits) (B, C)
 *   correct = #{ n : argmax(logits[n,:]) == labels[n] }  (ties -> lowest index)
 *   dlogits = (probs - onehot(labels)) / B  (B, C)
 */

export interface SoftmaxCrossEntropyResult {
  loss: number;
  probs: Float64Array;
  correct: number;
  dlogits: Float64Array;
}

export function softmaxCrossEntropy(
  logits: Float64Array,
  labels: ArrayLike<number>,
  B: number,
  C: number,
): SoftmaxCrossEntropyResult {
  const probs = new Float64Array(B * C);
  const dlogits = new Float64Array(B * C);
  let total = 0;
  let correct = 0;
  for (let n = 0; n < B; n++) {
    const label = labels[n];
    if (!(Number.isInteger(label) && label >= 0 && label < C)) throw new RangeError(`label ${label} out of range`);
    let max = -Infinity;
    let arg = 0;
    for (let c = 0; c < C; c++) {
      const z = logits[n * C + c];
      if (z > max) {
        max = z;
        arg = c;
      }
    }
    if (arg === label) correct++;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[n * C + c] - max);
    const lse = max + Math.log(sum);
    total += lse - logits[n * C + label];
    for (let c = 0; c < C; c++) {
      const p = Math.exp(logits[n * C + c] - lse);
      probs[n * C + c] = p;
      dlogits[n * C + c] = (p - (c === label ? 1 : 0)) / B;
    }
  }
  return { loss: total / B, probs, correct, dlogits };
}
