/**
 * float64 CPU reference: BatchNormalization with Keras 3 semantics, axis = -1.
 *
 *   x: (N, C), N = B*H*W rows per channel (a (B, H, W, C) or (B, C) tensor read as-is)
 *   gamma, beta, movingMean, movingVariance: (C); gamma null when scale = false, beta null
 *   when center = false (Keras then has no such weight).
 *
 * Training: mean and the BIASED variance (divide by N) of each channel over the N rows (Keras's
 * ops.moments), y = gamma * (x - mean) / sqrt(var + eps) + beta, and the moving statistics
 * move as moving = moving * momentum + batch * (1 - momentum), with the same biased variance.
 * Inference: the same normalisation with the moving statistics. A frozen layer (trainable
 * false) trains in inference mode (Keras 3): its backward treats the moving statistics as
 * constants.
 */

export interface BatchNormWeights {
  /** (C) or null (scale = false) */
  gamma: Float64Array | null;
  /** (C) or null (center = false) */
  beta: Float64Array | null;
}

/** Per-channel mean and biased variance over the N rows of x (N, C). */
export function batchNormMoments(x: Float64Array, N: number, C: number): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) mean[c] += x[n * C + c];
  for (let c = 0; c < C; c++) mean[c] /= N;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const d = x[n * C + c] - mean[c];
      variance[c] += d * d;
    }
  for (let c = 0; c < C; c++) variance[c] /= N;
  return { mean, variance };
}

/** y (N, C) = gamma * (x - mean) / sqrt(variance + eps) + beta with the given per-channel statistics. */
export function batchNormNormalize(
  x: Float64Array,
  N: number,
  C: number,
  mean: Float64Array,
  variance: Float64Array,
  weights: BatchNormWeights,
  epsilon: number,
): Float64Array {
  const y = new Float64Array(N * C);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const xhat = (x[n * C + c] - mean[c]) / Math.sqrt(variance[c] + epsilon);
      y[n * C + c] = (weights.gamma ? weights.gamma[c] : 1) * xhat + (weights.beta ? weights.beta[c] : 0);
    }
  return y;
}

/** Training-mode forward: normalises with the batch statistics, which it also returns. */
export function batchNormTrainingForward(
  x: Float64Array,
  N: number,
  C: number,
  weights: BatchNormWeights,
  epsilon: number,
): { y: Float64Array; mean: Float64Array; variance: Float64Array } {
  const { mean, variance } = batchNormMoments(x, N, C);
  return { y: batchNormNormalize(x, N, C, mean, variance, weights, epsilon), mean, variance };
}

/** Inference-mode forward: normalises with the moving statistics. */
export function batchNormInferenceForward(
  x: Float64Array,
  N: number,
  C: number,
  weights: BatchNormWeights,
  movingMean: Float64Array,
  movingVariance: Float64Array,
  epsilon: number,
): Float64Array {
  return batchNormNormalize(x, N, C, movingMean, movingVariance, weights, epsilon);
}

/** moving * momentum + batch * (1 - momentum), per channel (the Keras 3 update). */
export function batchNormMovingUpdate(moving: Float64Array, batch: Float64Array, momentum: number): Float64Array {
  return moving.map((m, c) => m * momentum + batch[c] * (1 - momentum));
}

/**
 * Training-mode backward from dy (N, C), recomputing the batch statistics from x:
 *   xhat = (x - mean) * invstd, invstd = 1 / sqrt(var + eps)
 *   dgamma = sum_n dy * xhat, dbeta = sum_n dy
 *   dx = gamma * invstd / N * (N * dy - sum_n dy - xhat * sum_n (dy * xhat))
 * (gamma = 1 when scale = false). dgamma / dbeta are returned for every channel; a layer without
 * gamma or beta simply has no slot for them.
 */
export function batchNormBackward(
  dy: Float64Array,
  x: Float64Array,
  N: number,
  C: number,
  gamma: Float64Array | null,
  epsilon: number,
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const { mean, variance } = batchNormMoments(x, N, C);
  const invStd = variance.map((v) => 1 / Math.sqrt(v + epsilon));
  const dgamma = new Float64Array(C);
  const dbeta = new Float64Array(C);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const i = n * C + c;
      dbeta[c] += dy[i];
      dgamma[c] += dy[i] * (x[i] - mean[c]) * invStd[c];
    }
  const dx = new Float64Array(N * C);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const i = n * C + c;
      const xhat = (x[i] - mean[c]) * invStd[c];
      const g = gamma ? gamma[c] : 1;
      dx[i] = ((g * invStd[c]) / N) * (N * dy[i] - dbeta[c] - xhat * dgamma[c]);
    }
  return { dx, dgamma, dbeta };
}

/**
 * Inference-mode backward (a frozen layer in training): the moving statistics are constants,
 * so dx = gamma * dy / sqrt(movingVariance + eps) (gamma = 1 when scale = false).
 */
export function batchNormInferenceBackward(
  dy: Float64Array,
  N: number,
  C: number,
  gamma: Float64Array | null,
  movingVariance: Float64Array,
  epsilon: number,
): Float64Array {
  const dx = new Float64Array(N * C);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) dx[n * C + c] = ((gamma ? gamma[c] : 1) * dy[n * C + c]) / Math.sqrt(movingVariance[c] + epsilon);
  return dx;
}
