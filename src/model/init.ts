/**
 * Keras-compatible initialisation: kernels glorot_uniform, biases zero.
 */
import { PARAMS, PARAM_BUFFER_LENGTH, type ParamSpec } from './params.ts';
import { Rng } from './rng.ts';

/** fan_in and fan_out as Keras computes them (conv: receptive field * channels). */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i];
  return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
}

/** glorot_uniform limit sqrt(6 / (fan_in + fan_out)). */
export function glorotLimit(shape: readonly number[]): number {
  const { fanIn, fanOut } = fans(shape);
  return Math.sqrt(6 / (fanIn + fanOut));
}

function isKernel(p: ParamSpec): boolean {
  return p.name.endsWith('/kernel');
}

/**
 * A fresh flat parameter buffer (length PARAM_BUFFER_LENGTH, padding zero): kernels drawn
 * uniformly from [-limit, limit) with the glorot limit, biases zero. Deterministic for
 * a seed (the same seed gives the same weights), tensors filled in table order.
 */
export function initParams(seed: number): Float32Array {
  const flat = new Float32Array(PARAM_BUFFER_LENGTH);
  const rng = new Rng(seed);
  for (const p of PARAMS) {
    if (!isKernel(p)) continue;
    const limit = glorotLimit(p.shape);
    for (let i = 0; i < p.size; i++) flat[p.offset + i] = (rng.nextFloat() * 2 - 1) * limit;
  }
  return flat;
}
