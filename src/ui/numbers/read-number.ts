// Turns the classifier's probabilities for every candidate digit of a segmented number into
// what the page says. Each unit (a component that may hold several touching digits) is read
// the way that best agrees with the classifier and with digit shapes (unit-readings.ts):
// the candidate pieces' top probabilities times their shape and cut priors, best path
// through the unit's cuts. How sure the reader is of a unit's cuts is the posterior of its
// reading among all of them (never 100% for a unit that might be several digits), and for
// a unit read as one digit, also among them with its cuts made cheaper (the classifier reads
// two touching digits as one as surely as it reads one digit); a digit's
// confidence is its class probability times that; the number's is the product of its
// digits'. A digit below the threshold, or from a unit whose cuts are in doubt, is shown as
// '?' with its alternatives. Pure, no DOM.
import type { DigitBox, Segmentation } from '../segment.ts';
import { DIGITS } from '../mnist-style.ts';
import { bestReadings, classShapeLogPrior, type LatticePiece, pieceLogLikelihood, PRIORS, type ReadingPriors, topClass, type UnitReading } from '../unit-readings.ts';

/**
 * A digit whose confidence is below this is shown as uncertain ('?'), not as a confident
 * answer. Fitted with PRIORS (unit-readings.ts): a digit's confidence already counts the
 * number reader's model's doubt that it is one digit, so it lies below the model's
 * probability for the class.
 */
export const UNCERTAIN_BELOW = 0.765;
/** A digit cut out of a wider component (or joined from several) is uncertain below this confidence: the model reads fragments of digits too confidently. */
export const PIECE_UNCERTAIN_BELOW = 0.85;
/** A component wide enough to be two digits but read as one is in doubt below this posterior (two touching digits read as one look like one digit to the model). */
export const WHOLE_UNCERTAIN_BELOW = 0.9;
/** A unit whose best reading has less posterior than this has its cuts in doubt: its digits are shown as '?'. */
export const CUTS_UNCERTAIN_BELOW = 0.8;
/** The most a unit wide enough to be several digits is ever sure of its cuts. */
const MOST_SURE_OF_CUTS = 0.99;
/** How many candidates an uncertain digit lists. */
const CANDIDATES = 3;
/** Readings of a unit compared when weighing its cuts. */
const READINGS_COMPARED = 8;
/** Another reading of a unit is offered when its posterior is at least this. */
const ALTERNATIVE_AT_LEAST = 0.03;

export interface Candidate {
  digit: number;
  probability: number;
}

export interface ReadDigit {
  box: DigitBox;
  /** The most probable class. */
  digit: number;
  /** Its probability (among the digits) times how sure the reader is that it is one digit (the reader model's, to the power PRIORS.notOneDigit) and of the unit's cuts. */
  confidence: number;
  /** The most probable classes, most probable first (their class probabilities among the digits). */
  candidates: Candidate[];
  uncertain: boolean;
  /** The line it is on (0 = the top line) and its unit's index in the reading (units are numbered across lines). */
  line: number;
  unit: number;
  /** How sure the reader is of the cuts of its unit (1: a unit too narrow to be two digits). */
  cutConfidence: number;
  /** Other readings of its unit, most likely first, when its cuts are in doubt ('4' or '41'); else empty. */
  alternatives: string[];
  /** Index of its field among the segmentation's candidates. */
  candidate: number;
}

export interface NumberReading {
  /** Line by line, left to right. */
  digits: ReadDigit[];
  /** The number read, line by line, with '?' for each uncertain digit. */
  lines: string[];
  /** The lines joined with a space ('' when there are no digits). */
  text: string;
  /** True when any digit is uncertain. */
  uncertain: boolean;
  /** The product of the digits' confidences: how sure the reader is of the whole number (1 when empty). */
  confidence: number;
}

export interface ReadOptions {
  /** A digit less sure than this is uncertain (default UNCERTAIN_BELOW). */
  threshold?: number;
  /** A unit less sure of its cuts than this is uncertain (default CUTS_UNCERTAIN_BELOW). */
  cutsThreshold?: number;
  /** A digit of a unit that may be more or less than one digit is uncertain below this (default PIECE_UNCERTAIN_BELOW). */
  pieceThreshold?: number;
  /** A unit wide enough to be several digits but read as one is uncertain unless its reading is at least this sure (default WHOLE_UNCERTAIN_BELOW). */
  wholeThreshold?: number;
  /** The shape and cut priors (default unit-readings.ts's PRIORS). */
  priors?: ReadingPriors;
}

/**
 * `probabilities` is (N, classes) row-major for the segmentation's N candidates, each row a
 * distribution; with DIGITS + 1 classes the last is "not one digit" (it lowers a piece's
 * likelihood and its digit's confidence, and is never read). Throws when the sizes disagree or a row is not a distribution.
 */
export function readNumber(s: Pick<Segmentation, 'lines' | 'candidates'>, probabilities: Float32Array, options: ReadOptions = {}): NumberReading {
  const {
    threshold = UNCERTAIN_BELOW,
    cutsThreshold = CUTS_UNCERTAIN_BELOW,
    pieceThreshold = PIECE_UNCERTAIN_BELOW,
    wholeThreshold = WHOLE_UNCERTAIN_BELOW,
    priors = PRIORS,
  } = options;
  const n = s.candidates.length;
  if (n === 0) return { digits: [], lines: [], text: '', uncertain: false, confidence: 1 };
  const classes = probabilities.length / n;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(`expected (${n}, classes) probabilities for ${n} candidate digits, got ${probabilities.length} values`);
  }
  const rows = Array.from({ length: n }, (_, i) => checkedRow(probabilities, i, classes));
  // a classifier with one class more than the digits (the number reader's model, reader-model.ts)
  // says in its last one that a piece is not one digit: never read, always counted against one
  const digitClasses = classes === DIGITS + 1 ? DIGITS : classes;
  const top = rows.map((row) => topClass(row.slice(0, digitClasses)));
  const digits: ReadDigit[] = [];
  let unitIndex = 0;
  s.lines.forEach((line, lineIndex) => {
    for (const unit of line.units) {
      const pieceScore = (p: LatticePiece) => pieceLogLikelihood(rows[p.candidate], priors, digitClasses) + classShapeLogPrior(p, top[p.candidate], priors);
      const { readings, logTotal } = bestReadings(unit.lattice, pieceScore, READINGS_COMPARED, priors);
      const texts = readingTexts(readings, logTotal, (p) => top[p.candidate]);
      const [chosen] = texts;
      const keptWhole = unit.wide && chosen.reading.pieces.length === 1;
      // a unit kept whole is weighed again with cheaper cuts (the classifier reads two touching digits as one all too surely)
      const cheap = keptWhole ? bestReadings(unit.lattice, pieceScore, READINGS_COMPARED, cheaperCuts(priors)) : null;
      const weighed = cheap ? readingTexts(cheap.readings, cheap.logTotal, (p) => top[p.candidate]) : texts;
      const wholePosterior = weighed.find((t) => t.text === chosen.text)?.posterior ?? 0;
      const cutConfidence = unit.wide ? Math.min(MOST_SURE_OF_CUTS, chosen.posterior, wholePosterior) : 1;
      const cutsInDoubt = cutConfidence < (keptWhole ? Math.max(cutsThreshold, wholeThreshold) : cutsThreshold);
      const alternatives = cutsInDoubt ? weighed.filter((t) => t.text !== chosen.text && t.posterior >= ALTERNATIVE_AT_LEAST).map((t) => t.text) : [];
      for (const p of chosen.reading.pieces) {
        // its classes as they are if it is one digit, and how sure the reader model is that it is one
        const digitRow = rows[p.candidate].slice(0, digitClasses);
        const oneDigit = digitClasses < classes ? digitRow.reduce((a, b) => a + b, 0) : 1;
        const candidates = digitRow
          .map((probability, digit) => ({ digit, probability: probability / oneDigit }))
          .sort((a, b) => b.probability - a.probability)
          .slice(0, CANDIDATES);
        const confidence = candidates[0].probability * oneDigit ** priors.notOneDigit * cutConfidence;
        digits.push({
          box: s.candidates[p.candidate].box,
          digit: candidates[0].digit,
          confidence,
          candidates,
          uncertain: cutsInDoubt || confidence < (unit.wide ? Math.max(threshold, pieceThreshold) : threshold),
          line: lineIndex,
          unit: unitIndex,
          cutConfidence,
          alternatives,
          candidate: p.candidate,
        });
      }
      unitIndex++;
    }
  });
  const lines = s.lines.map((_, l) => digits.filter((d) => d.line === l).map((d) => (d.uncertain ? '?' : String(d.digit))).join(''));
  return {
    digits,
    lines,
    text: lines.join(' '),
    uncertain: digits.some((d) => d.uncertain),
    confidence: digits.reduce((c, d) => c * d.confidence, 1),
  };
}

/**
 * The reader model's probabilities ((n, DIGITS + 1): the digits, then "not one digit") with
 * the digits read by another model instead ((n, DIGITS)): its digit probabilities times the
 * reader model's belief that the piece is one digit.
 */
export function withDigitsFrom(reader: Float32Array, digits: Float32Array, n: number): Float32Array {
  if (reader.length !== n * (DIGITS + 1) || digits.length !== n * DIGITS) {
    throw new RangeError(`expected (${n}, ${DIGITS + 1}) and (${n}, ${DIGITS}) probabilities, got ${reader.length} and ${digits.length} values`);
  }
  const out = new Float32Array(n * (DIGITS + 1));
  for (let i = 0; i < n; i++) {
    const notOne = reader[i * (DIGITS + 1) + DIGITS];
    for (let d = 0; d < DIGITS; d++) out[i * (DIGITS + 1) + d] = digits[i * DIGITS + d] * (1 - notOne);
    out[i * (DIGITS + 1) + DIGITS] = notOne;
  }
  return out;
}

/** The priors with the cut priors scaled by their `doubtCut` share. */
function cheaperCuts(p: ReadingPriors): ReadingPriors {
  return { ...p, cut: p.cut * p.doubtCut, crossing: p.crossing * p.doubtCut, length: p.length * p.doubtCut };
}

function checkedRow(probabilities: Float32Array, i: number, classes: number): number[] {
  const row = Array.from(probabilities.subarray(i * classes, (i + 1) * classes));
  const sum = row.reduce((a, b) => a + b, 0);
  if (!row.every((p) => p >= 0 && p <= 1) || Math.abs(sum - 1) > 1e-3) {
    throw new RangeError(`candidate ${i}: probabilities must lie in 0..1 and sum to 1 (sum ${sum})`);
  }
  return row;
}

interface TextReading {
  text: string;
  /** The best reading that gives this text. */
  reading: UnitReading;
  /** The posterior of the text: its readings' share of all readings. */
  posterior: number;
}

/** The distinct texts of the readings, most probable first, each with its best reading and its posterior. */
function readingTexts(readings: UnitReading[], logTotal: number, digitOf: (p: LatticePiece) => number): TextReading[] {
  const byText = new Map<string, TextReading>();
  for (const reading of readings) {
    const text = reading.pieces.map((p) => String(digitOf(p))).join('');
    const share = Math.exp(reading.score - logTotal);
    const t = byText.get(text);
    if (t) t.posterior += share;
    else byText.set(text, { text, reading, posterior: share });
  }
  return [...byText.values()].sort((a, b) => b.posterior - a.posterior);
}

/** A probability as the page shows it: whole percent, rounded down, never 100% (an estimate is not a certainty). */
export function percentText(p: number): string {
  return `${Math.min(99, Math.floor(p * 100 + 1e-4))}%`; // (float32's 0.71 is 0.7099999...)
}

/** The candidates of an uncertain digit as words: "3 (45%) or 5 (30%)". */
export function candidatesText(d: ReadDigit): string {
  return d.candidates
    .filter((c, i) => i === 0 || c.probability >= 0.05)
    .map((c) => `${c.digit} (${percentText(c.probability)})`)
    .join(' or ');
}

/** What an uncertain digit might be: its unit's readings when its cuts are in doubt, else its classes. */
export function doubtText(d: ReadDigit, all: ReadDigit[]): string {
  if (d.alternatives.length === 0) return candidatesText(d);
  const own = all.filter((o) => o.unit === d.unit).map((o) => String(o.digit)).join('');
  return [own, ...d.alternatives].join(' or ');
}

/** The sentence a screen reader hears and the page shows under the image. */
export function describeReading(r: NumberReading): string {
  if (r.digits.length === 0) return 'No digits found.';
  const count = r.digits.length;
  if (!r.uncertain) {
    const least = percentText(Math.min(...r.digits.map((d) => d.confidence)));
    if (count === 1) return `Read ${r.text} · ${least} sure.`;
    return `Read ${r.text} · all ${count} digits at least ${least} sure; the whole number ${percentText(r.confidence)}.`;
  }
  const doubts: string[] = [];
  const told = new Set<number>();
  for (const d of r.digits.filter((x) => x.uncertain)) {
    if (d.alternatives.length === 0) {
      doubts.push(`${placeOf(r, [d])} uncertain: ${candidatesText(d)}`);
    } else if (!told.has(d.unit)) {
      told.add(d.unit);
      doubts.push(`${placeOf(r, r.digits.filter((o) => o.unit === d.unit))} uncertain: ${doubtText(d, r.digits)} (touching or broken strokes)`);
    }
  }
  const sure = r.digits.filter((d) => !d.uncertain);
  const rest = sure.length === 0 ? '' : `; the others at least ${percentText(Math.min(...sure.map((d) => d.confidence)))} sure`;
  return `Read ${r.text} — ${doubts.join('; ')}${rest}.`;
}

/** "digit 3", "digits 3–4", with "line 2" first when the number has several lines. */
function placeOf(r: NumberReading, span: ReadDigit[]): string {
  const inLine = (d: ReadDigit) => r.digits.filter((o) => o.line === d.line).indexOf(d) + 1;
  const [first, last] = [span[0], span[span.length - 1]];
  const digits = span.length === 1 ? `digit ${inLine(first)}` : `digits ${inLine(first)}–${inLine(last)}`;
  return r.lines.length > 1 ? `line ${first.line + 1} ${digits}` : digits;
}
