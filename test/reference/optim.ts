/**
 * float64 CPU reference optimizers, updating their arrays in place (Keras 3 semantics).
 */

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/**
 * One Adam step (Keras 3). `t` is the 1-based number of this step (1 on the first update).
 *   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 *   m += (g - m) * (1 - beta1)
 *   v += (g^2 - v) * (1 - beta2)
 *   w -= lr_t * m / (sqrt(v) + eps)
 * Defaults: lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7.
 */
export function adamStep(
  params: Float64Array,
  grads: Float64Array,
  m: Float64Array,
  v: Float64Array,
  t: number,
  opts: AdamOptions = {},
): void {
  const lr = opts.lr ?? 0.001;
  const beta1 = opts.beta1 ?? 0.9;
  const beta2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-7;
  if (!(t >= 1)) throw new RangeError(`adamStep: t must be >= 1, got ${t}`);
  const lrT = (lr * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    m[i] += (g - m[i]) * (1 - beta1);
    v[i] += (g * g - v[i]) * (1 - beta2);
    params[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + eps);
  }
}

export interface SgdOptions {
  lr?: number;
  momentum?: number;
}

/**
 * One SGD step with (non-Nesterov) momentum, Keras semantics:
 *   velocity = momentum * velocity - lr * g;   w += velocity
 * With momentum 0 this is w -= lr * g. Defaults: lr 0.01, momentum 0.
 */
export function sgdMomentumStep(
  params: Float64Array,
  grads: Float64Array,
  velocity: Float64Array,
  opts: SgdOptions = {},
): void {
  const lr = opts.lr ?? 0.01;
  const momentum = opts.momentum ?? 0;
  for (let i = 0; i < params.length; i++) {
    velocity[i] = momentum * velocity[i] - lr * grads[i];
    params[i] += velocity[i];
  }
}
