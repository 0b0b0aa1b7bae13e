import { describe, expect, it } from 'vitest';
import { borderLevel, flattenPaper, otsuThreshold } from '../../src/ui/threshold.ts';

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

describe('flattenPaper', () => {
  // paper lit from 90 (left) to 250 (right); ink 100 below the paper wherever it lies, in
  // 3 px strokes every 30 px: the ink on the lit side (150) is lighter than the paper in the shadow
  const w = 300;
  const h = 120;
  const lightAt = (x: number, y: number) => 90 + (150 * x) / w + (10 * y) / h;
  const isInk = (x: number) => x % 30 >= 14 && x % 30 < 17;
  const img = Float64Array.from({ length: w * h }, (_, i) => {
    const x = i % w;
    return lightAt(x, (i - x) / w) - (isInk(x) ? 100 : 0);
  });
  const range = (values: number[]) => [Math.min(...values), Math.max(...values)];
  const split = (data: ArrayLike<number>) => {
    const paper: number[] = [];
    const ink: number[] = [];
    for (let i = 0; i < data.length; i++) (isInk(i % w) ? ink : paper).push(data[i]);
    return { paper: range(paper), ink: range(ink) };
  };

  it('evens out smooth shading so that one threshold separates ink from all of the paper', () => {
    const before = split(img);
    expect(before.ink[1]).toBeGreaterThan(before.paper[0]); // no single threshold works on the raw picture
    const after = split(flattenPaper(img, w, h, true));
    expect(after.paper[0]).toBeGreaterThan(200);
    expect(after.paper[1]).toBeLessThanOrEqual(255);
    expect(after.paper[0] - after.ink[1]).toBeGreaterThan(40);
  });

  it('treats light ink on a dark ground as the mirror image', () => {
    const flat = flattenPaper(img, w, h, true);
    const mirrored = flattenPaper(img.map((v) => 255 - v), w, h, false);
    mirrored.forEach((v, i) => expect(Math.abs(v - (255 - flat[i]))).toBeLessThan(1e-9));
  });

  it('leaves evenly lit paper at 255 and ink in proportion', () => {
    const even = Float64Array.from({ length: 64 * 64 }, (_, i) => (i % 64 === 30 ? 51 : 204));
    const flat = flattenPaper(even, 64, 64, true);
    flat.forEach((v, i) => expect(v).toBeCloseTo(i % 64 === 30 ? 63.75 : 255, 9));
  });
});
