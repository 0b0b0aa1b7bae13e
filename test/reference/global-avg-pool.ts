/**
 * float64 CPU reference: GlobalAveragePooling2D on NHWC.
 *   forward:  x (B, H, W, C) -> y (B, C), y[b, c] = mean over (h, w) of x[b, h, w, c]
 *   backward: dx[b, h, w, c] = dy[b, c] / (H * W)
 */

export function globalAvgPoolForward(x: Float64Array, B: number, H: number, W: number, C: number): Float64Array {
  const y = new Float64Array(B * C);
  for (let b = 0; b < B; b++)
    for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) y[b * C + c] += x[(b * H * W + p) * C + c];
  for (let i = 0; i < y.length; i++) y[i] /= H * W;
  return y;
}

export function globalAvgPoolBackward(dy: Float64Array, B: number, H: number, W: number, C: number): Float64Array {
  const dx = new Float64Array(B * H * W * C);
  for (let b = 0; b < B; b++)
    for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) dx[(b * H * W + p) * C + c] = dy[b * C + c] / (H * W);
  return dx;
}
