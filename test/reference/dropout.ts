/**
 * float64 CPU reference: inverted dropout (Keras). With a keep-mask m (truthy = kept):
 *   y = x * m / (1 - rate);   dx = dy * m / (1 - rate).
 * At evaluation dropout is the identity (callers simply skip it). Any shape.
 */

/** A keep mask: nonzero / true = kept. */
export type DropoutMask = Uint8Array | ArrayLike<boolean> | ArrayLike<number>;

function scaleFor(rate: number): number {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${rate}`);
  return 1 / (1 - rate);
}

export function dropoutForward(x: Float64Array, mask: DropoutMask, rate: number): Float64Array {
  if (mask.length !== x.length) throw new Error(`dropout mask length ${mask.length} != ${x.length}`);
  const s = scaleFor(rate);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = mask[i] ? x[i] * s : 0;
  return y;
}

export function dropoutBackward(dy: Float64Array, mask: DropoutMask, rate: number): Float64Array {
  if (mask.length !== dy.length) throw new Error(`dropout mask length ${mask.length} != ${dy.length}`);
  const s = scaleFor(rate);
  const dx = new Float64Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = mask[i] ? dy[i] * s : 0;
  return dx;
}
