/**
 * float64 CPU reference: fully connected layer (Keras Dense without its activation).
 *
 *   x: (B, In)   w: (In, Out)   b: (Out)   ->   y: (B, Out)
 *   y[n,o] = b[o] + sum_i x[n,i] * w[i,o]
 *
 * Flatten is the identity on NHWC memory: the (B, 5, 5, 64) tensor is read as (B, 1600)
 * with feature index (h*5 + w)*64 + c (Keras channels-last order), so no function is needed.
 * denseActivationForward / denseActivationBackward add the fused activation and use_bias.
 */
import type { ElementwiseActivation } from '../../src/model/activations.ts';
import { activationBackward, activationForward } from './activation.ts';

export function denseForward(
  x: Float64Array,
  w: Float64Array,
  b: Float64Array,
  B: number,
  In: number,
  Out: number,
): Float64Array {
  const y = new Float64Array(B * Out); // (B, Out)
  // the output index innermost (contiguous w); each y[n, o] still sums b[o] then i = 0, 1, ...
  for (let n = 0; n < B; n++) {
    const row = y.subarray(n * Out, (n + 1) * Out);
    row.set(b.subarray(0, Out));
    for (let i = 0; i < In; i++) {
      const xi = x[n * In + i];
      for (let o = 0; o < Out; o++) row[o] += xi * w[i * Out + o];
    }
  }
  return y;
}

/**
 * Given dy (B, Out):
 *   dx (B, In):   dx[n,i] = sum_o dy[n,o] * w[i,o]
 *   dw (In, Out): dw[i,o] = sum_n x[n,i] * dy[n,o]
 *   db (Out):     db[o]   = sum_n dy[n,o]
 */
export function denseBackward(
  dy: Float64Array,
  x: Float64Array,
  w: Float64Array,
  B: number,
  In: number,
  Out: number,
): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const dx = new Float64Array(B * In);
  const dw = new Float64Array(In * Out);
  const db = new Float64Array(Out);
  for (let n = 0; n < B; n++)
    for (let o = 0; o < Out; o++) {
      const g = dy[n * Out + o];
      db[o] += g;
      for (let i = 0; i < In; i++) {
        dx[n * In + i] += g * w[i * Out + o];
        dw[i * Out + o] += g * x[n * In + i];
      }
    }
  return { dx, dw, db };
}

/**
 * Keras Dense with its activation and use_bias: y = act(x w + b), b omitted (null) when
 * use_bias is false. Returns the post-activation output (B, Out).
 */
export function denseActivationForward(
  x: Float64Array,
  w: Float64Array,
  b: Float64Array | null,
  B: number,
  In: number,
  Out: number,
  act: ElementwiseActivation,
): Float64Array {
  return activationForward(denseForward(x, w, b ?? new Float64Array(Out), B, In, Out), act);
}

/**
 * Backward of denseActivationForward from dy = dL/dy (post-activation) and the forward's output
 * y: g = dy * act'(y), then denseBackward of g; db is null when use_bias is false.
 */
export function denseActivationBackward(
  dy: Float64Array,
  x: Float64Array,
  w: Float64Array,
  y: Float64Array,
  B: number,
  In: number,
  Out: number,
  act: ElementwiseActivation,
  useBias: boolean,
): { dx: Float64Array; dw: Float64Array; db: Float64Array | null } {
  const { dx, dw, db } = denseBackward(activationBackward(dy, y, act), x, w, B, In, Out);
  return { dx, dw, db: useBias ? db : null };
}
