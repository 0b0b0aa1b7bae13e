/**
 * float64 CPU reference: 2x2 max pooling, stride 2, "valid" (floor): with an odd H or W
 * the last row/column is dropped and gets zero gradient. NHWC.
 *
 *   x: (B, H, W, C)  ->  y: (B, floor(H/2), floor(W/2), C)
 *
 * Ties: the first maximum in row-major window order (dy,dx) = (0,0), (0,1), (1,0), (1,1)
 * wins (strict `>` while scanning in that order).
 */

export interface MaxPoolResult {
  /** (B, H/2, W/2, C) pooled values. */
  y: Float64Array;
  /** (B, H/2, W/2, C) flat index into x of the chosen (arg-max) element. */
  argmax: Int32Array;
  /** (B, H/2, W/2, C) window position of the arg-max: 2*dy + dx in 0..3. */
  window: Uint8Array;
}

export function maxpool2x2Forward(x: Float64Array, B: number, H: number, W: number, C: number): MaxPoolResult {
  const Ho = Math.floor(H / 2);
  const Wo = Math.floor(W / 2);
  const n = B * Ho * Wo * C;
  const y = new Float64Array(n);
  const argmax = new Int32Array(n);
  const window = new Uint8Array(n);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let bestIdx = -1;
          let bestPos = 0;
          for (let di = 0; di < 2; di++)
            for (let dj = 0; dj < 2; dj++) {
              const xi = ((b * H + 2 * i + di) * W + 2 * j + dj) * C + c;
              if (bestIdx < 0 || x[xi] > best) {
                best = x[xi];
                bestIdx = xi;
                bestPos = 2 * di + dj;
              }
            }
          const yi = ((b * Ho + i) * Wo + j) * C + c;
          y[yi] = best;
          argmax[yi] = bestIdx;
          window[yi] = bestPos;
        }
  return { y, argmax, window };
}

/**
 * dx (B, H, W, C): each dy element routed to its window's arg-max, zero elsewhere
 * (including a dropped odd last row/column). Windows do not overlap, so this is a plain
 * assignment.
 */
export function maxpool2x2Backward(
  dy: Float64Array,
  argmax: Int32Array,
  B: number,
  H: number,
  W: number,
  C: number,
): Float64Array {
  const dx = new Float64Array(B * H * W * C);
  for (let i = 0; i < dy.length; i++) dx[argmax[i]] += dy[i];
  return dx;
}
