/**
 * float64 CPU reference: the softmax Activation layer over the last axis (rows of length n),
 * forward and backward through the stored output y (the elementwise activations are in
 * activation.ts):
 *   y[r, i]  = exp(x[r, i] - max_j x[r, j]) / sum_k exp(x[r, k] - max_j x[r, j])
 *   dx[r, i] = y[r, i] * (dy[r, i] - sum_j dy[r, j] * y[r, j])
 */

export function softmaxRowsForward(x: Float64Array, rows: number, n: number): Float64Array {
  const y = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let i = 0; i < n; i++) m = Math.max(m, x[r * n + i]);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (y[r * n + i] = Math.exp(x[r * n + i] - m));
    for (let i = 0; i < n; i++) y[r * n + i] /= sum;
  }
  return y;
}

export function softmaxRowsBackward(dy: Float64Array, y: Float64Array, rows: number, n: number): Float64Array {
  const dx = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += dy[r * n + i] * y[r * n + i];
    for (let i = 0; i < n; i++) dx[r * n + i] = y[r * n + i] * (dy[r * n + i] - dot);
  }
  return dx;
}
