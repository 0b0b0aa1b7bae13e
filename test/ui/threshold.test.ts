import { describe, expect, it } from 'vitest';
import { borderLevel, otsuThreshold } from '../../src/ui/threshold.ts';

/** Float64 Otsu straight from the definition: for each t, the between-class variance of {v <= t} and {v > t}. */
function referenceOtsu(values: number[]): number {
  const scores: number[] = [];
  for (let t = 0; t < 255; t++) {
    const low = values.filter((v) => v <= t);
    const high = values.filter((v) => v > t);
    if (!low.length || !high.length) { scores.push(-1); continue; }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const w0 = low.length / values.length;
    scores.push(w0 * (1 - w0) * (mean(low) - mean(high)) ** 2);
  }
  const best = Math.max(...scores);
  const ties = scores.flatMap((s, t) => (s >= best * (1 - 1e-9) ? [t] : []));
  return Math.floor((ties[0] + ties[ties.length - 1]) / 2);
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

describe('otsuThreshold', () => {
  it('splits a two-valued image halfway between its values', () => {
    expect(otsuThreshold([50, 50, 50, 200])).toBe(124);
    expect(otsuThreshold(Uint8Array.of(0, 255, 255))).toBe(127);
  });

  it('matches the float64 definition on random two- and three-mode images', () => {
    const rnd = random(11);
    const gauss = () => rnd() + rnd() + rnd() - 1.5;
    for (let trial = 0; trial < 12; trial++) {
      const modes = [rnd() * 255, rnd() * 255, rnd() * 255].slice(0, 2 + (trial % 2));
      const n = 100 + Math.floor(rnd() * 400);
      const values = Array.from({ length: n }, () => {
        const m = modes[Math.floor(rnd() * modes.length)];
        return Math.min(255, Math.max(0, Math.round(m + 40 * gauss())));
      });
      expect(otsuThreshold(values), `trial ${trial}`).toBe(referenceOtsu(values));
      expect(otsuThreshold(Float32Array.from(values))).toBe(referenceOtsu(values));
    }
  });
});

describe('borderLevel', () => {
  it('is the median of the outer frame, whatever lies inside', () => {
    // 4x3: frame = every pixel but (1,1) and (2,1)
    const img = [10, 20, 30, 40, 50, 255, 255, 60, 70, 80, 90, 100];
    expect(borderLevel(img, 4, 3)).toBe(55); // frame 10..100 without the inner pair: median of 10 values
    expect(borderLevel([7], 1, 1)).toBe(7);
    expect(borderLevel([1, 2, 3], 3, 1)).toBe(2);
  });
});
