/**
 * float64 CPU reference: 2-D convolution, "valid" padding, stride 1 (Keras Conv2D without
 * its activation; ReLU is in relu.ts). Plain loops over explicit indices, NHWC.
 *
 *   x: (B, H, W, Cin)      k: (K, K, Cin, Cout) HWIO      b: (Cout)
 *   y: (B, H-K+1, W-K+1, Cout)
 *   y[n,i,j,o] = b[o] + sum_{di,dj,c} x[n, i+di, j+dj, c] * k[di, dj, c, o]
 */

export function conv2dForward(
  x: Float64Array,
  k: Float64Array,
  b: Float64Array,
  B: number,
  H: number,
  W: number,
  Cin: number,
  Cout: number,
  K = 3,
): Float64Array {
  const Ho = H - K + 1;
  const Wo = W - K + 1;
  const y = new Float64Array(B * Ho * Wo * Cout); // (B, Ho, Wo, Cout)
  for (let n = 0; n < B; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let o = 0; o < Cout; o++) {
          let s = b[o];
          for (let di = 0; di < K; di++)
            for (let dj = 0; dj < K; dj++)
              for (let c = 0; c < Cin; c++)
                s += x[((n * H + i + di) * W + j + dj) * Cin + c] * k[((di * K + dj) * Cin + c) * Cout + o];
          y[((n * Ho + i) * Wo + j) * Cout + o] = s;
        }
  return y;
}

/**
 * Gradients of the convolution given dy = dL/dy (B, H-K+1, W-K+1, Cout):
 *   dx (B, H, W, Cin):    dx[n, i+di, j+dj, c] += dy[n,i,j,o] * k[di,dj,c,o]
 *   dk (K, K, Cin, Cout): dk[di,dj,c,o]        += dy[n,i,j,o] * x[n, i+di, j+dj, c]
 *   db (Cout):            db[o]                += dy[n,i,j,o]
 * (summed over the batch; the loss's 1/B is already inside dy.)
 */
export function conv2dBackward(
  dy: Float64Array,
  x: Float64Array,
  k: Float64Array,
  B: number,
  H: number,
  W: number,
  Cin: number,
  Cout: number,
  K = 3,
): { dx: Float64Array; dk: Float64Array; db: Float64Array } {
  const Ho = H - K + 1;
  const Wo = W - K + 1;
  const dx = new Float64Array(B * H * W * Cin);
  const dk = new Float64Array(K * K * Cin * Cout);
  const db = new Float64Array(Cout);
  for (let n = 0; n < B; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let o = 0; o < Cout; o++) {
          const g = dy[((n * Ho + i) * Wo + j) * Cout + o];
          db[o] += g;
          for (let di = 0; di < K; di++)
            for (let dj = 0; dj < K; dj++)
              for (let c = 0; c < Cin; c++) {
                const xi = ((n * H + i + di) * W + j + dj) * Cin + c;
                const ki = ((di * K + dj) * Cin + c) * Cout + o;
                dx[xi] += g * k[ki];
                dk[ki] += g * x[xi];
              }
        }
  return { dx, dk, db };
}
