// How far a float32 result may stray from a reference, with a tolerance that grows with the
// reduction length n behind each element:
//   |x - ref| <= RTOL * |ref| + ATOL * sqrt(n) * max|ref|
// A wrong tap, channel or position gives errors of order max|ref|, far above this. The kernel
// tests hold GPU results to a float64 reference with it; the autotuner holds a candidate
// kernel's output to the general kernel's (both float32, so it allows twice as much).
export const RTOL = 1e-4;
export const ATOL = 5e-7;

export interface ToleranceCheck {
  maxRef: number;
  maxAbs: number;
  maxRel: number;
  /** Index of the element furthest outside (or nearest the edge of) the tolerance; -1 when empty. */
  worst: number;
  /** That element's |x - ref| over its tolerance (> 1: outside; Infinity for NaN). */
  worstRatio: number;
}

/** Measures `values` against `ref` (same length) for reduction length `n`, tolerance times `scale`. */
export function checkTolerance(values: ArrayLike<number>, ref: ArrayLike<number>, n: number, scale = 1): ToleranceCheck {
  if (values.length !== ref.length) throw new Error(`checkTolerance: ${values.length} values for ${ref.length} reference values`);
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) maxRef = Math.max(maxRef, Math.abs(ref[i]));
  const atol = ATOL * Math.sqrt(n) * maxRef;
  let maxAbs = 0;
  let maxRel = 0;
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < ref.length; i++) {
    const diff = Math.abs(values[i] - ref[i]);
    // An exact match is 0 even where the tolerance is 0 (an all-zero reference).
    const ratio = !Number.isFinite(diff) ? Infinity : diff === 0 ? 0 : diff / (scale * (RTOL * Math.abs(ref[i]) + atol));
    maxAbs = Math.max(maxAbs, Number.isFinite(diff) ? diff : Infinity);
    maxRel = Math.max(maxRel, diff / (Math.abs(ref[i]) + 1e-30 + maxRef * 1e-3));
    if (ratio > worstRatio || worst < 0) {
      worstRatio = ratio;
      worst = i;
    }
  }
  return { maxRef, maxAbs, maxRel, worst, worstRatio };
}
