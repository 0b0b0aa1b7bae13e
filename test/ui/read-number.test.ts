import { describe, expect, it } from 'vitest';
import { describeReading, percentText, readNumber, UNCERTAIN_BELOW, withDigitsFrom } from '../../src/ui/numbers/read-number.ts';
import { fittedSize } from '../../src/ui/numbers/image-source.ts';
import type { Segmentation, SegmentedUnit } from '../../src/ui/segment.ts';
import { type LatticePiece, PRIORS } from '../../src/ui/unit-readings.ts';

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

/**
 * A segmentation built by hand: each unit is a list of candidate pieces (from, to, width,
 * probabilities row, how drawn-out its ink is); a unit of one piece is a narrow component. Cuts cost what a clean
 * joint does (one stroke crossed).
 */
function segmentation(lines: { from: number; to: number; width: number; row: number[]; elongation?: number }[][][]): { s: Pick<Segmentation, 'lines' | 'candidates'>; probs: Float32Array } {
  const rows: number[][] = [];
  const candidates: Segmentation['candidates'] = [];
  const s = {
    candidates,
    lines: lines.map((units) => ({
      digitHeight: 20,
      angle: 0,
      units: units.map((pieces): SegmentedUnit => {
        const boundaries = Math.max(...pieces.map((p) => p.to)) + 1;
        const lattice = {
          boundaries,
          cuts: Array.from({ length: boundaries }, (_, b) => (b === 0 || b === boundaries - 1 ? null : { crossings: 1, strokes: 1 })),
          pieces: pieces.map((p): LatticePiece => {
            candidates.push({ box: { x: candidates.length * 30, y: 0, width: 20 * p.width, height: 20 }, pixels: new Uint8Array(784) });
            rows.push(p.row);
            return { from: p.from, to: p.to, candidate: candidates.length - 1, width: p.width, height: 1, elongation: p.elongation ?? 2, joins: 0 };
          }),
        };
        return { lattice, wide: pieces.length > 1, cuts: [] };
      }),
    })),
  };
  return { s, probs: Float32Array.from(rows.flat()) };
}

/** The reader model's row: `row(digit, p)` for the digits, times the chance `notOne` leaves them, then "not one digit". */
function row11(digit: number, p: number, notOne: number): number[] {
  return [...row(digit, p).map((v) => v * (1 - notOne)), notOne];
}

/** A narrow unit: one piece read as `digit` with probability `p`. */
const one = (digit: number, p: number, second?: [number, number]) => [{ from: 0, to: 1, width: 0.6, row: row(digit, p, second) }];

describe('readNumber', () => {
  it('reads confident digits as the number; the number is as sure as the product of its digits', () => {
    const { s, probs } = segmentation([[one(7, 0.99), one(4, 0.95), one(2, 0.91)]]);
    const r = readNumber(s, probs);
    expect(r.text).toBe('742');
    expect(r.uncertain).toBe(false);
    expect(r.digits.map((d) => d.digit)).toEqual([7, 4, 2]);
    expect(r.digits[2].confidence).toBeCloseTo(0.91, 6);
    expect(r.digits[1].box).toEqual(s.candidates[1].box);
    expect(r.confidence).toBeCloseTo(0.99 * 0.95 * 0.91, 5);
    expect(describeReading(r)).toBe('Read 742 · all 3 digits at least 91% sure; the whole number 85%.');
  });

  it(`marks a digit below ${UNCERTAIN_BELOW} as uncertain, with its candidates most probable first`, () => {
    const { s, probs } = segmentation([[one(1, 0.95), one(3, 0.45, [5, 0.3]), one(0, 0.98)]]);
    const r = readNumber(s, probs);
    expect(r.text).toBe('1?0');
    expect(r.uncertain).toBe(true);
    const d = r.digits[1];
    expect(d.candidates.map((c) => c.digit)).toEqual([3, 5, d.candidates[2].digit]);
    expect(d.candidates[1].probability).toBeCloseTo(0.3, 6);
    expect(describeReading(r)).toBe('Read 1?0 — digit 2 uncertain: 3 (45%) or 5 (30%); the others at least 95% sure.');
  });

  it('cuts a component too wide for one digit where both pieces read well, and is never 100% sure of the cut', () => {
    // the whole (1.3 digit heights wide) reads as a confident 0, as two touching digits squeezed into one field do
    const pair = [
      { from: 0, to: 2, width: 1.3, row: row(0, 0.9999) },
      { from: 0, to: 1, width: 0.7, row: row(0, 0.9999) },
      { from: 1, to: 2, width: 0.3, row: row(1, 0.9999), elongation: 7 }, // a straight stroke
    ];
    const { s, probs } = segmentation([[one(2, 0.99), pair, one(4, 0.99)]]);
    const r = readNumber(s, probs);
    expect(r.text).toBe('2014');
    expect(r.uncertain).toBe(false);
    const cut = r.digits.filter((d) => d.unit === 1);
    expect(cut).toHaveLength(2);
    for (const d of cut) {
      expect(d.cutConfidence).toBeLessThan(1);
      expect(d.confidence).toBeLessThan(0.9999);
    }
    expect(r.digits[0].cutConfidence).toBe(1); // a narrow component has nothing to cut
    expect(describeReading(r)).toMatch(/^Read 2014 · all 4 digits at least \d+% sure; the whole number \d+%\.$/);
    expect(describeReading(r)).not.toMatch(/100%/);
  });

  it('keeps a component whole when its pieces do not read as digits', () => {
    const unit = [
      { from: 0, to: 2, width: 0.8, row: row(8, 0.9999) },
      { from: 0, to: 1, width: 0.4, row: row(3, 0.6, [5, 0.3]) },
      { from: 1, to: 2, width: 0.4, row: row(7, 0.55, [1, 0.4]) },
    ];
    const { s, probs } = segmentation([[unit]]);
    const r = readNumber(s, probs);
    expect(r.text).toBe('8');
    expect(r.digits[0].cutConfidence).toBeGreaterThan(0.9);
    expect(r.digits[0].cutConfidence).toBeLessThan(1);
  });

  it('marks a component that reads as well as one digit or two with "?" and both readings', () => {
    // the whole as much too wide for one digit as a cut costs: one digit or two are as likely
    const unit = [
      { from: 0, to: 2, width: PRIORS.wide + PRIORS.wideScale * Math.sqrt(PRIORS.cut), row: row(4, 0.9999) },
      { from: 0, to: 1, width: 0.55, row: row(4, 0.9999) },
      { from: 1, to: 2, width: 0.3, row: row(1, 0.9999), elongation: 6 }, // a straight stroke
    ];
    const { s, probs } = segmentation([[one(9, 0.99), unit]]);
    const r = readNumber(s, probs);
    expect(r.uncertain).toBe(true);
    const doubtful = r.digits.filter((d) => d.unit === 1);
    expect(doubtful.every((d) => d.uncertain)).toBe(true);
    expect(r.text).toBe(`9${'?'.repeat(doubtful.length)}`);
    expect(doubtful[0].alternatives.length).toBeGreaterThan(0);
    const sentence = describeReading(r);
    expect(sentence).toMatch(/^Read 9\?+ — digits? 2(–3)? uncertain: (4 or 41|41 or 4) \(touching or broken strokes\); the others at least 99% sure\.$/);
  });

  it('reads several lines top to bottom, naming the line of an uncertain digit', () => {
    const { s, probs } = segmentation([[one(1, 0.99), one(2, 0.99)], [one(3, 0.99), one(8, 0.5, [3, 0.4])]]);
    const r = readNumber(s, probs);
    expect(r.lines).toEqual(['12', '3?']);
    expect(r.text).toBe('12 3?');
    expect(r.digits.map((d) => d.line)).toEqual([0, 0, 1, 1]);
    expect(describeReading(r)).toBe('Read 12 3? — line 2 digit 2 uncertain: 8 (50%) or 3 (40%); the others at least 99% sure.');
  });

  it('is exact at the threshold: a top probability equal to it is certain, just below is not', () => {
    const at = segmentation([[one(8, 0.75)]]);
    expect(readNumber(at.s, at.probs, { threshold: 0.75 }).digits[0].uncertain).toBe(false);
    const below = segmentation([[one(8, 0.7499)]]);
    expect(readNumber(below.s, below.probs, { threshold: 0.75 }).digits[0].uncertain).toBe(true);
  });

  it('never shows a probability as 100%, and gives a single digit without "all"', () => {
    expect(percentText(1)).toBe('99%');
    expect(percentText(0.996)).toBe('99%');
    expect(percentText(0.969)).toBe('96%');
    const { s, probs } = segmentation([[one(6, 1)]]);
    expect(describeReading(readNumber(s, probs))).toBe('Read 6 · 99% sure.');
  });

  it('says when there are no digits', () => {
    const r = readNumber({ lines: [], candidates: [] }, new Float32Array(0));
    expect(r).toEqual({ digits: [], lines: [], text: '', uncertain: false, confidence: 1 });
    expect(describeReading(r)).toBe('No digits found.');
  });

  it('rejects probabilities that do not fit the candidates or are not distributions', () => {
    const { s } = segmentation([[one(1, 0.9), one(2, 0.9)]]);
    expect(() => readNumber(s, new Float32Array(15))).toThrow(/expected \(2, classes\) probabilities for 2 candidate digits, got 15/);
    expect(() => readNumber(s, Float32Array.from([...row(1, 0.5).map((v) => v * 2), ...row(2, 0.9)]))).toThrow(/candidate 0: .*sum to 1/);
    expect(() => readNumber(s, Float32Array.from([Number.NaN, ...row(1, 0.9).slice(1), ...row(2, 0.9)]))).toThrow(/candidate 0/);
  });
});

describe('readNumber with the reader model\'s "not one digit" class', () => {
  it('cuts a wide unit whose whole is not one digit, and keeps one whose pieces are not', () => {
    // the same shapes and digit probabilities; only "not one digit" differs
    const unit = (whole: number, pieces: number) => [
      { from: 0, to: 2, width: 1.0, row: row11(8, 0.99, whole) },
      { from: 0, to: 1, width: 0.5, row: row11(3, 0.99, pieces) },
      { from: 1, to: 2, width: 0.5, row: row11(5, 0.99, pieces) },
    ];
    const merged = segmentation([[unit(0.97, 0.01)]]);
    expect(readNumber(merged.s, merged.probs).text).toBe('35');
    const whole = segmentation([[unit(0.01, 0.97)]]);
    expect(readNumber(whole.s, whole.probs).text).toBe('8');
  });

  it('reads only digits: a piece most likely not one digit reads as its best digit, less sure, its candidates among the digits', () => {
    const { s, probs } = segmentation([[[{ from: 0, to: 1, width: 0.6, row: row11(7, 0.99, 0) }], [{ from: 0, to: 1, width: 0.6, row: row11(4, 0.8, 0.9) }]]]);
    const r = readNumber(s, probs);
    const d = r.digits[1];
    expect(d.digit).toBe(4);
    expect(d.candidates.map((c) => c.digit)).not.toContain(10);
    expect(d.candidates[0].probability).toBeCloseTo(0.8, 5);
    expect(d.confidence).toBeCloseTo(0.8 * 0.1 ** PRIORS.notOneDigit, 5);
    expect(d.uncertain).toBe(d.confidence < UNCERTAIN_BELOW);
    const sure = readNumber(...(({ s, probs }) => [s, probs] as const)(segmentation([[[{ from: 0, to: 1, width: 0.6, row: row11(4, 0.8, 0) }]]])));
    expect(sure.digits[0].confidence).toBeCloseTo(0.8, 5);
  });
});

describe('withDigitsFrom', () => {
  it("keeps the reader model's \"not one digit\" and takes the digits from the other model, scaled to what is left", () => {
    const reader = Float32Array.from([...row11(3, 0.9, 0.25), ...row11(1, 0.5, 0)]);
    const digits = Float32Array.from([...row(8, 0.6), ...row(2, 0.7)]);
    const both = withDigitsFrom(reader, digits, 2);
    expect(both).toHaveLength(22);
    expect(both[10]).toBeCloseTo(0.25, 6);
    expect(both[8]).toBeCloseTo(0.6 * 0.75, 6);
    expect(both[11 + 2]).toBeCloseTo(0.7, 6);
    expect(both[21]).toBe(0);
    for (let i = 0; i < 2; i++) expect(both.subarray(i * 11, i * 11 + 11).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(() => withDigitsFrom(reader, digits.subarray(0, 10), 2)).toThrow(/expected \(2, 11\) and \(2, 10\)/);
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
