// float32 GPU results against a float64 reference, for the kernel tests' logs, on the
// comparisons of src/gpu/tolerance.ts: `compare` (the conv2d tests) with
//   |gpu - ref| <= RTOL * |ref| + ATOL * sqrt(n) * max|ref|
// and `compareScaled` (dense, batch normalization) with a test's own scale factors.
import { checkTolerance, compareToReference, maxMagnitude } from '../../src/gpu/tolerance.ts';

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

/** |gpu - ref| <= atolScale * max|ref| + rtol * |ref| elementwise: the elements outside, and a line for the log. */
export function compareScaled(name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>, atolScale: number, rtol: number): { line: string; bad: number } {
  const scale = maxMagnitude(ref);
  const d = compareToReference(gpu, ref, atolScale * scale, rtol);
  return { line: `${name} max abs ${d.maxAbs.toExponential(2)} (scale ${scale.toExponential(2)}) max rel ${d.maxRel.toExponential(2)}`, bad: d.bad };
}
