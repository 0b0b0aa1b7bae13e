// Elementwise comparison of a GPU result with its float64 reference, shared by the kernel tests:
// an element is bad unless |gpu - ref| <= atol + rtol * |ref| (NaN is always bad).

export interface Diff {
  /** Elements outside the tolerance. */
  bad: number;
  maxAbs: number;
  /** max |gpu - ref| / |ref| over the nonzero reference elements. */
  maxRel: number;
}

export function compareToReference(gpu: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol: number): Diff {
  if (gpu.length < ref.length) throw new Error(`compareToReference: ${gpu.length} GPU values for ${ref.length} reference values`);
  let bad = 0;
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(gpu[i] - ref[i]);
    if (!(e <= atol + rtol * Math.abs(ref[i]))) bad++;
    maxAbs = Math.max(maxAbs, e);
    if (ref[i] !== 0) maxRel = Math.max(maxRel, e / Math.abs(ref[i]));
  }
  return { bad, maxAbs, maxRel };
}
