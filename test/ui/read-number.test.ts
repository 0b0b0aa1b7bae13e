import { describe, expect, it } from 'vitest';
import { describeReading, readNumber, UNCERTAIN_BELOW } from '../../src/ui/numbers/read-number.ts';
import { fittedSize } from '../../src/ui/numbers/image-source.ts';

const box = (x: number) => ({ x, y: 0, width: 10, height: 20 });

/** A 10-class distribution with `p` on `digit` and the rest spread evenly (float64, then float32). */
function row(digit: number, p: number, second?: [number, number]): number[] {
  const out = new Array(10).fill(0);
  out[digit] = p;
  let rest = 1 - p;
  if (second) {
    out[second[0]] = second[1];
    rest -= second[1];
  }
  const others = out.map((v, i) => (i !== digit && (!second || i !== second[0]) ? i : -1)).filter((i) => i >= 0);
  for (const i of others) out[i] = rest / others.length;
  return out;
}

describe('readNumber', () => {
  it('reads confident digits as the number, each with its top class and probability', () => {
    const probs = Float32Array.from([...row(7, 0.99), ...row(4, 0.9), ...row(2, 0.71)]);
    const r = readNumber([box(0), box(20), box(40)], probs);
    expect(r.text).toBe('742');
    expect(r.uncertain).toBe(false);
    expect(r.digits.map((d) => d.digit)).toEqual([7, 4, 2]);
    expect(r.digits[2].confidence).toBeCloseTo(0.71, 6);
    expect(r.digits[1].box).toEqual(box(20));
    expect(describeReading(r)).toBe('Read 742 (3 digits, each at least 71% sure).');
  });

  it(`marks a digit below ${UNCERTAIN_BELOW} as uncertain, with its candidates most probable first`, () => {
    const probs = Float32Array.from([...row(1, 0.95), ...row(3, 0.45, [5, 0.3]), ...row(0, 0.98)]);
    const r = readNumber([box(0), box(20), box(40)], probs);
    expect(r.text).toBe('1?0');
    expect(r.uncertain).toBe(true);
    const d = r.digits[1];
    expect(d.uncertain).toBe(true);
    expect(d.candidates.map((c) => c.digit)).toEqual([3, 5, d.candidates[2].digit]);
    expect(d.candidates[1].probability).toBeCloseTo(0.3, 6);
    expect(describeReading(r)).toMatch(/^Uncertain: read 1\?0 \(3 digits\); below 70% confidence, digit 2 could be 3 \(45%\) or 5 \(30%\)\.$/);
  });

  it('is exact at the threshold: a top probability equal to it is certain, just below is not', () => {
    const at = readNumber([box(0)], Float32Array.from(row(8, 0.75)), 0.75);
    expect(at.digits[0].uncertain).toBe(false);
    const below = readNumber([box(0)], Float32Array.from(row(8, 0.7499)), 0.75);
    expect(below.digits[0].uncertain).toBe(true);
  });

  it('gives the confidence of a single digit without "each"', () => {
    expect(describeReading(readNumber([box(0)], Float32Array.from(row(6, 0.996))))).toBe('Read 6 (100% sure).');
  });

  it('says when there are no digits', () => {
    const r = readNumber([], new Float32Array(0));
    expect(r).toEqual({ digits: [], text: '', uncertain: false });
    expect(describeReading(r)).toBe('No digits found.');
  });

  it('rejects probabilities that do not fit the boxes or are not distributions', () => {
    expect(() => readNumber([box(0), box(1)], new Float32Array(15))).toThrow(/expected \(2, classes\) probabilities for 2 digits, got 15/);
    expect(() => readNumber([box(0)], Float32Array.from(row(1, 0.5).map((v) => v * 2)))).toThrow(/digit 0: .*sum to 1/);
    expect(() => readNumber([box(0)], Float32Array.from([Number.NaN, ...row(1, 0.9).slice(1)]))).toThrow(/digit 0/);
  });
});

describe('fittedSize', () => {
  it('scales a large picture down so its longer side is the maximum, keeping the aspect', () => {
    expect(fittedSize(4000, 3000, 1200)).toEqual({ width: 1200, height: 900 });
    expect(fittedSize(1000, 3000, 1200)).toEqual({ width: 400, height: 1200 });
  });
  it('never scales up', () => {
    expect(fittedSize(300, 100, 1200)).toEqual({ width: 300, height: 100 });
  });
});
