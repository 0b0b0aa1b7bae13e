/**
 * Finite-difference helpers for the reference tests (float64).
 */
import { Rng } from '../../src/model/rng.ts';

/** Uniform random values in [lo, hi). */
export function randArray(rng: Rng, n: number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng.nextFloat();
  return a;
}

/** Random values with |x| in [0.1, 1) and random sign: safely away from ReLU's kink. */
export function randAwayFromZero(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (0.1 + 0.9 * rng.nextFloat()) * (rng.nextFloat() < 0.5 ? -1 : 1);
  return a;
}

/** sum_i a[i] * b[i] */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export interface GradCheckResult {
  /** max_i |analytic_i - numeric_i| */
  maxAbsDiff: number;
  /** maxAbsDiff / max(1e-8, max_i max(|analytic_i|, |numeric_i|)) — the pass criterion */
  relErr: number;
  /** max_i |a_i - n_i| / max(1e-8, |a_i| + |n_i|), informative only */
  maxElemRelErr: number;
  checked: number;
}

/**
 * Compares `analytic` (dL/dx) with central differences (L(x+h) - L(x-h)) / 2h, perturbing
 * `x` in place (restored afterwards) at `indices` (all by default).
 */
export function gradCheck(
  loss: () => number,
  x: Float64Array,
  analytic: Float64Array,
  indices?: readonly number[],
  h = 1e-5,
): GradCheckResult {
  const idx = indices ?? Array.from({ length: x.length }, (_, i) => i);
  let maxAbsDiff = 0;
  let maxMag = 0;
  let maxElemRelErr = 0;
  for (const i of idx) {
    const orig = x[i];
    x[i] = orig + h;
    const lp = loss();
    x[i] = orig - h;
    const lm = loss();
    x[i] = orig;
    const num = (lp - lm) / (2 * h);
    const a = analytic[i];
    const d = Math.abs(a - num);
    maxAbsDiff = Math.max(maxAbsDiff, d);
    maxMag = Math.max(maxMag, Math.abs(a), Math.abs(num));
    maxElemRelErr = Math.max(maxElemRelErr, d / Math.max(1e-8, Math.abs(a) + Math.abs(num)));
  }
  return { maxAbsDiff, relErr: maxAbsDiff / Math.max(1e-8, maxMag), maxElemRelErr, checked: idx.length };
}

/** Logs a result the way llm.c does: name, max difference, relative error. */
export function report(name: string, r: GradCheckResult): void {
  console.log(
    `${name.padEnd(28)} checked ${String(r.checked).padStart(5)}  max diff ${r.maxAbsDiff.toExponential(3)}  ` +
      `rel err ${r.relErr.toExponential(3)}  (max elem rel ${r.maxElemRelErr.toExponential(3)})`,
  );
}
