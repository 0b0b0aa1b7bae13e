// float32 GPU results against a float64 reference, with a tolerance that grows with the
// reduction length n behind each element (shared by the conv2d tests):
//   |gpu - ref| <= RTOL * |ref| + ATOL * sqrt(n) * max|ref|
// A wrong tap, channel or position gives errors of order max|ref|, far above this.
export const RTOL = 1e-4;
export const ATOL = 5e-7;

/** Throws with the worst element when the tolerance above fails; returns a one-line summary for the log. */
export function compare(what: string, gpu: Float32Array, ref: Float64Array, n: number): string {
  if (gpu.length !== ref.length) throw new Error(`${what}: gpu has ${gpu.length} values, ref ${ref.length}`);
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) maxRef = Math.max(maxRef, Math.abs(ref[i]));
  const atol = ATOL * Math.sqrt(n) * maxRef;
  let maxAbs = 0;
  let maxRel = 0;
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < ref.length; i++) {
    const diff = Math.abs(gpu[i] - ref[i]);
    const ratio = Number.isFinite(diff) ? diff / (RTOL * Math.abs(ref[i]) + atol) : Infinity;
    maxAbs = Math.max(maxAbs, Number.isFinite(diff) ? diff : Infinity);
    maxRel = Math.max(maxRel, diff / (Math.abs(ref[i]) + 1e-30 + maxRef * 1e-3));
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  const msg = `${what}: max|ref| ${maxRef.toExponential(2)}, max abs diff ${maxAbs.toExponential(2)}, max rel diff ${maxRel.toExponential(2)}, worst/tol ${worstRatio.toFixed(3)}`;
  if (worstRatio > 1) {
    throw new Error(`${msg}; at ${worst}: gpu ${gpu[worst]} ref ${ref[worst]}`);
  }
  return msg;
}
