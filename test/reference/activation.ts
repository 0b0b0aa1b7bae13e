/**
 * float64 CPU reference: the elementwise activations (src/model/activations.ts) and their
 * derivatives expressed through the forward's output y, as the kernels compute them:
 * relu' = (y > 0), sigmoid' = y (1 - y), tanh' = 1 - y^2, linear' = 1.
 */
import type { ElementwiseActivation } from '../../src/model/activations.ts';

export function activationForward(x: Float64Array, act: ElementwiseActivation): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = activate(x[i], act);
  return y;
}

/** dx = dy * act'(x), with act' computed from the forward's output y (same shape as dy). */
export function activationBackward(dy: Float64Array, y: Float64Array, act: ElementwiseActivation): Float64Array {
  const dx = new Float64Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * activationGradFromOutput(y[i], act);
  return dx;
}

export function activate(x: number, act: ElementwiseActivation): number {
  switch (act) {
    case 'relu':
      return x > 0 ? x : 0;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    case 'linear':
      return x;
  }
}

export function activationGradFromOutput(y: number, act: ElementwiseActivation): number {
  switch (act) {
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'sigmoid':
      return y * (1 - y);
    case 'tanh':
      return 1 - y * y;
    case 'linear':
      return 1;
  }
}
