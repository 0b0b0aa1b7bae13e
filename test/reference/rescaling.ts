/**
 * float64 CPU reference: Rescaling, elementwise over any shape.
 *   forward:  y = x * scale + offset
 *   backward: dx = dy * scale
 */

export function rescalingForward(x: Float64Array, scale: number, offset: number): Float64Array {
  return x.map((v) => v * scale + offset);
}

export function rescalingBackward(dy: Float64Array, scale: number): Float64Array {
  return dy.map((g) => g * scale);
}
