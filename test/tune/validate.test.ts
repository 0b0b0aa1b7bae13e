// The autotuner's output check (src/tune/validate.ts mismatch): within the float32 tolerance a
// candidate matches; an error far below the whole output's scale is still caught in a part whose
// own scale is small; a part that is zero on both sides matches.
import { describe, expect, it } from 'vitest';
import { mismatch } from '../../src/tune/validate.ts';
import { RTOL } from '../../src/gpu/tolerance.ts';

const parts = [
  { name: 'large', start: 0, length: 4 },
  { name: 'small', start: 4, length: 4 },
  { name: 'zero', start: 8, length: 2 },
];
const reference = Float32Array.from([100, -50, 25, 10, 1e-3, -2e-3, 5e-4, 1e-3, 0, 0]);

describe('mismatch', () => {
  it('accepts rounding-sized differences in every part', () => {
    const out = reference.map((v) => v * (1 + RTOL / 2));
    expect(mismatch(out, reference, 100, parts)).toBeNull();
    expect(mismatch(out, reference, 100)).toBeNull();
  });

  it('catches a 10% error in the small part that the whole output\'s scale would hide', () => {
    const out = reference.slice();
    out[5] *= 1.1;
    expect(mismatch(out, reference, 100)).toBeNull();
    expect(mismatch(out, reference, 100, parts)).toMatch(/^output differs from the reference: at small, 5 -0\.00219\d* vs -0\.00200\d* \(\d+x the tolerance\)$/);
  });

  it('catches a non-zero value where the reference part is all zeros, and a length change', () => {
    const out = reference.slice();
    out[9] = 1e-12;
    expect(mismatch(out, reference, 100, parts)).toMatch(/at zero, 9 /);
    expect(mismatch(reference.subarray(0, 9), reference, 100, parts)).toMatch(/9 output values, the reference has 10/);
    expect(() => mismatch(reference, reference, 100, [{ name: 'past', start: 8, length: 3 }])).toThrow(/outside the 10 output values/);
  });
});
