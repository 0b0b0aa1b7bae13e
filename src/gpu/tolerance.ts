// How far a float32 result may stray from a reference: the one home of the comparisons that
// the kernel tests, the bench's validation and variants and the autotuner make.
//
// checkTolerance: a tolerance that grows with the reduction length n behind each element:
//   |x - ref| <= RTOL * |ref| + ATOL * sqrt(n) * max|ref|
// A wrong tap, channel or position gives errors of order max|ref|, far above this. The kernel
// tests hold GPU results to a float64 reference with it; the autotuner holds a candidate
// kernel's output to the general kernel's (both float32, so it allows twice as much).
//
// compareToReference: elementwise |gpu - ref| <= atol + rtol * |ref| with the caller's atol and
// rtol. relError: one figure per tensor, max |x - ref| / max |ref| (the bench's rows).
// NaN is always out of tolerance (an infinite difference).
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
  const maxRef = maxMagnitude(ref);
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

/** max |ref_i| (0 for an empty array). */
export function maxMagnitude(ref: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i]));
  return m;
}

/** max |values_i - ref_i| over ref's indices (values at least as long); NaN counts as Infinity. */
export function maxAbsDiff(values: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (values.length < ref.length) throw new Error(`maxAbsDiff: ${values.length} values for ${ref.length} reference values`);
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const diff = Math.abs(values[i] - ref[i]);
    if (!(diff <= m)) m = Number.isNaN(diff) ? Infinity : diff;
  }
  return m;
}

/** max |values - ref| / max |ref| over ref's indices; NaN counts as infinitely wrong. */
export function relError(values: ArrayLike<number>, ref: ArrayLike<number>): number {
  return maxAbsDiff(values, ref) / (maxMagnitude(ref) + 1e-30);
}

export interface Diff {
  /** Elements outside the tolerance. */
  bad: number;
  maxAbs: number;
  /** max |gpu - ref| / |ref| over the nonzero reference elements. */
  maxRel: number;
}

/** Elementwise: an element is bad unless |gpu - ref| <= atol + rtol * |ref| (NaN is always bad). */
export function compareToReference(gpu: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol: number): Diff {
  if (gpu.length < ref.length) throw new Error(`compareToReference: ${gpu.length} GPU values for ${ref.length} reference values`);
  let bad = 0;
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(gpu[i] - ref[i]);
    if (!(e <= atol + rtol * Math.abs(ref[i]))) bad++;
    maxAbs = Math.max(maxAbs, Number.isNaN(e) ? Infinity : e);
    if (ref[i] !== 0) maxRel = Math.max(maxRel, e / Math.abs(ref[i]));
  }
  return { bad, maxAbs, maxRel };
}
