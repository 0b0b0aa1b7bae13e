// The comparisons of src/gpu/tolerance.ts without a GPU (a unit test beside the GPU tests that
// use them): NaN is never within tolerance, the relative error is over the reference's largest
// magnitude, and the elementwise check counts what it should.
import { describe, expect, it } from 'vitest';
import { compareToReference, maxAbsDiff, maxMagnitude, relError } from '../../src/gpu/tolerance.ts';

describe('tolerance comparisons', () => {
  it('maxAbsDiff: the largest difference over the reference, NaN as Infinity; a shorter input is refused', () => {
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2])).toBe(1);
    expect(maxAbsDiff([1, NaN, 3], [1, 2, 3])).toBe(Infinity);
    expect(maxAbsDiff([1, 2, 3, 99], [1, 2, 3])).toBe(0); // only the reference's indices
    expect(() => maxAbsDiff([1], [1, 2])).toThrow(/1 values for 2 reference values/);
  });

  it('relError: max |x - ref| over max |ref|', () => {
    expect(maxMagnitude([0.5, -4, 2])).toBe(4);
    expect(relError([0.5, -4.02, 2], [0.5, -4, 2])).toBeCloseTo(0.005, 12);
    expect(relError([0, 0], [0, 0])).toBe(0);
    expect(relError([NaN], [1])).toBe(Infinity);
  });

  it('compareToReference: elements outside atol + rtol |ref|, NaN always bad', () => {
    const d = compareToReference([1.001, 2, NaN, 10.5], [1, 2, 3, 10], 1e-3, 1e-2);
    expect(d.bad).toBe(2); // NaN, and 10.5 (0.5 > 1e-3 + 0.1); 1.001 is within 1e-3 + 1e-2
    expect(compareToReference([10.5], [10], 1e-3, 1e-2).bad).toBe(1);
    expect(compareToReference([10.05], [10], 1e-3, 1e-2).bad).toBe(0);
    expect(d.maxAbs).toBe(Infinity);
  });
});
