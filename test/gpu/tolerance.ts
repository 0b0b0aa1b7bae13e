// float32 GPU results against a float64 reference (shared by the conv2d tests), with the
// tolerance of src/gpu/tolerance.ts:
//   |gpu - ref| <= RTOL * |ref| + ATOL * sqrt(n) * max|ref|
import { checkTolerance } from '../../src/gpu/tolerance.ts';

/** Throws with the worst element when the tolerance fails; returns a one-line summary for the log. */
export function compare(what: string, gpu: Float32Array, ref: Float64Array, n: number): string {
  if (gpu.length !== ref.length) throw new Error(`${what}: gpu has ${gpu.length} values, ref ${ref.length}`);
  const { maxRef, maxAbs, maxRel, worst, worstRatio } = checkTolerance(gpu, ref, n);
  const msg = `${what}: max|ref| ${maxRef.toExponential(2)}, max abs diff ${maxAbs.toExponential(2)}, max rel diff ${maxRel.toExponential(2)}, worst/tol ${worstRatio.toFixed(3)}`;
  if (worstRatio > 1) {
    throw new Error(`${msg}; at ${worst}: gpu ${gpu[worst]} ref ${ref[worst]}`);
  }
  return msg;
}
