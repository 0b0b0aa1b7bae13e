/**
 * Keras-compatible initialisation: kernels glorot_uniform, biases zero, BatchNormalization's
 * gamma and moving variance one (each tensor's `init` in the parameter table).
 */
import type { ParamTable } from './param-table.ts';
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

/**
 * A fresh flat parameter buffer (the table's length, padding zero): glorot_uniform tensors
 * drawn uniformly from [-limit, limit), the others zero or one. Deterministic for a seed (the
 * same seed gives the same weights), the random tensors filled in table order.
 */
export function initParams(table: ParamTable, seed: number): Float32Array {
  const flat = new Float32Array(table.length);
  const rng = new Rng(seed);
  for (const p of table.entries) {
    if (p.init === 'ones') flat.fill(1, p.offset, p.offset + p.size);
    if (p.init !== 'glorot_uniform') continue;
    const limit = glorotLimit(p.shape);
    for (let i = 0; i < p.size; i++) flat[p.offset + i] = (rng.nextFloat() * 2 - 1) * limit;
  }
  return flat;
}
