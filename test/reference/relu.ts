/**
 * float64 CPU reference: ReLU. y = max(x, 0); dx = dy where y > 0, else 0
 * (the derivative at exactly 0 is taken as 0, as TensorFlow does).
 */

export function reluForward(x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
  return y;
}

/** dx = dy * (y > 0), using the forward's output y (any shape, same as dy). */
export function reluBackward(dy: Float64Array, y: Float64Array): Float64Array {
  const dx = new Float64Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
  return dx;
}
