// Turns the classifier's probabilities for the segmented digits of a written number into
// what the page says: each digit with its confidence and candidates, digits the model is
// unsure of marked as such, and the number as text. Pure, no DOM.
import type { DigitBox } from '../segment.ts';

/** A digit whose top probability is below this is shown as uncertain ('?'), not as a confident answer. */
export const UNCERTAIN_BELOW = 0.7;
/** How many candidates an uncertain digit lists. */
const CANDIDATES = 3;

export interface Candidate {
  digit: number;
  probability: number;
}

export interface ReadDigit {
  box: DigitBox;
  /** The most probable class. */
  digit: number;
  /** Its probability. */
  confidence: number;
  /** The most probable classes, most probable first. */
  candidates: Candidate[];
  uncertain: boolean;
}

export interface NumberReading {
  /** Left to right. */
  digits: ReadDigit[];
  /** The number read, with '?' for each uncertain digit ('' when there are no digits). */
  text: string;
  /** True when any digit is uncertain. */
  uncertain: boolean;
}

/**
 * `probabilities` is (N, classes) row-major for the N boxes, each row a distribution.
 * Throws when the sizes disagree or a row is not a distribution.
 */
export function readNumber(boxes: DigitBox[], probabilities: Float32Array, threshold = UNCERTAIN_BELOW): NumberReading {
  const n = boxes.length;
  if (n === 0) return { digits: [], text: '', uncertain: false };
  const classes = probabilities.length / n;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(`expected (${n}, classes) probabilities for ${n} digits, got ${probabilities.length} values`);
  }
  const digits = boxes.map((box, i): ReadDigit => {
    const row = Array.from(probabilities.subarray(i * classes, (i + 1) * classes));
    const sum = row.reduce((a, b) => a + b, 0);
    if (!row.every((p) => p >= 0 && p <= 1) || Math.abs(sum - 1) > 1e-3) {
      throw new RangeError(`digit ${i}: probabilities must lie in 0..1 and sum to 1 (sum ${sum})`);
    }
    const candidates = row
      .map((probability, digit) => ({ digit, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, CANDIDATES);
    const { digit, probability: confidence } = candidates[0];
    return { box, digit, confidence, candidates, uncertain: confidence < threshold };
  });
  return {
    digits,
    text: digits.map((d) => (d.uncertain ? '?' : String(d.digit))).join(''),
    uncertain: digits.some((d) => d.uncertain),
  };
}

export function percentText(p: number): string {
  return `${Math.round(p * 100)}%`;
}

/** The candidates of an uncertain digit as words: "3 (45%) or 5 (30%)". */
export function candidatesText(d: ReadDigit): string {
  return d.candidates
    .filter((c, i) => i === 0 || c.probability >= 0.05)
    .map((c) => `${c.digit} (${percentText(c.probability)})`)
    .join(' or ');
}

/** The sentence a screen reader hears and the page shows under the image. */
export function describeReading(r: NumberReading, threshold = UNCERTAIN_BELOW): string {
  if (r.digits.length === 0) return 'No digits found.';
  const count = `${r.digits.length} digit${r.digits.length === 1 ? '' : 's'}`;
  if (!r.uncertain) {
    const least = Math.min(...r.digits.map((d) => d.confidence));
    const sure = r.digits.length === 1 ? `${percentText(least)} sure` : `${count}, each at least ${percentText(least)} sure`;
    return `Read ${r.text} (${sure}).`;
  }
  const unsure = r.digits
    .map((d, i) => (d.uncertain ? `digit ${i + 1} could be ${candidatesText(d)}` : ''))
    .filter(Boolean)
    .join('; ');
  return `Uncertain: read ${r.text} (${count}); below ${percentText(threshold)} confidence, ${unsure}.`;
}
