// The ways to read one unit of a written number (a component, or components joined as one
// digit's strokes, that may hold several touching digits) as a row of digits: a lattice of
// candidate pieces between its cuts (cut-paths.ts), the shape priors that say how much a
// piece looks like one digit of its line by its size, and the dynamic programme that
// finds the best ways through the lattice and the total over all of them. Pure.

/** One candidate digit of a unit: the ink between boundaries `from` and `to` (0: the unit's left side; the last: its right side). */
export interface LatticePiece {
  from: number;
  to: number;
  /** Index of its 28x28 field among the segmentation's candidates. */
  candidate: number;
  /** Its size in the line's digit heights. */
  width: number;
  height: number;
  /** Gaps between components it spans (a digit whose strokes came apart). */
  joins: number;
  /** How drawn-out its ink is: the square root of the ratio of its principal moments (a straight stroke: about its length over its width; an arc or a loop: much less). */
  elongation: number;
}

export interface Lattice {
  /** Boundaries, the two sides included (2 when the unit has no cuts). */
  boundaries: number;
  /** (boundaries) what each boundary cuts through: null for the unit's two sides and the gaps between its components. */
  cuts: ({ crossings: number; strokes: number } | null)[];
  pieces: LatticePiece[];
}

export interface UnitReading {
  /** Left to right, end to end from the left side to the right side. */
  pieces: LatticePiece[];
  /** Sum of the pieces' scores, shape priors and cut priors. */
  score: number;
}

/** The priors of a reading (log scale): how digit-like a piece's size is, and what a cut costs. */
export interface ReadingPriors {
  /** Widest single digit, in the line's digit heights, before its width counts against it... */
  wide: number;
  /** ...and how fast it then does (log prior -((width - wide) / wideScale)^2). */
  wideScale: number;
  /** Narrowest digit (a 1 is about 0.15), and how fast narrower counts against a piece. */
  narrow: number;
  narrowScale: number;
  /** Smallest digit: the longer of its width and height, in the line's digit heights (a sliver of a stroke is smaller), and how fast smaller counts against a piece. */
  small: number;
  smallScale: number;
  /** Shortest digit, in the line's digit heights (the widest MNIST digits are this short), and how fast shorter counts against a piece. */
  short: number;
  shortScale: number;
  /** Widest shape, its width over its own height (a stroke cut off lengthwise is wider), and how fast wider counts against a piece. */
  flat: number;
  flatScale: number;
  /** A piece read as a 1 is a straight stroke: elongation below this counts against it (an arc cut off a 0 or a 3 reads as a 1)... */
  straight: number;
  /** ...at this log prior per unit of elongation short of it; and a 1 is narrow: wider than `oneWide` digit heights counts against it as `wide` does for any digit. */
  straightCost: number;
  oneWide: number;
  /** Log odds of the classifier's top class that a clean digit reaches, and the log prior per unit of log odds below it (a fragment of a digit reaches less). */
  sure: number;
  unsure: number;
  /** Log prior of any cut: reading one unit as two digits needs this much more evidence. */
  cut: number;
  /** Log prior of reading two components as one digit (joining across the gap between them). */
  join: number;
  /** Log prior per stroke cut beyond the first (a joint of two digits is one stroke; a 0 cut in two, two). */
  crossing: number;
  /** Log prior per stroke width of ink cut through beyond 1.5 per stroke (a cut along a stroke). */
  length: number;
  /**
   * The share of the cut priors counted when asking whether a unit read as one digit may
   * be several: the classifier reads two touching digits as one confidently, so a unit
   * kept whole is in doubt when its pieces read as well with cuts this much cheaper.
   */
  doubtCut: number;
  /**
   * How much the reader model's "not one digit" counts against a digit's confidence: the
   * share of its digit classes raised to this power (0: not at all; 1: as the model says).
   */
  notOneDigit: number;
}

/**
 * Fitted with UNCERTAIN_BELOW by a coordinate search (test/ui/fit-reader-priors.ts: most
 * numbers read exactly, a misreading with no "?" counting as twelve) on 200 generated number
 * photos and 20 touching pairs made from the MNIST training digits the shipped model held
 * out for validation, never the test digits the reader is measured on
 * (test/ui/number-photos.test.ts), read as the page reads them: the shipped model's digits,
 * the number reader's model's "not one digit" (public/trained/number-reader/).
 */
export const PRIORS: ReadingPriors = {
  wide: 0.736,
  wideScale: 0.1,
  narrow: 0.182,
  narrowScale: 0.04,
  small: 0.416,
  smallScale: 0.0245,
  short: 0.833,
  shortScale: 0.056,
  flat: 1.23,
  flatScale: 0.122,
  straight: 4.65,
  straightCost: 3,
  oneWide: 0.714,
  sure: 7.63,
  unsure: 2.08,
  cut: 1.03,
  join: 3.92,
  crossing: 5.47,
  length: 0.375,
  doubtCut: 0.389,
  notOneDigit: 0.146,
};

/** Log prior that a piece of this size (in the line's digit heights) is one digit. */
export function shapeLogPrior(width: number, height: number, p: ReadingPriors = PRIORS): number {
  const wide = width > p.wide ? -(((width - p.wide) / p.wideScale) ** 2) : 0;
  const narrow = width < p.narrow ? -(((p.narrow - width) / p.narrowScale) ** 2) : 0;
  const size = Math.max(width, height);
  const small = size < p.small ? -(((p.small - size) / p.smallScale) ** 2) : 0;
  const short = height < p.short ? -(((p.short - height) / p.shortScale) ** 2) : 0;
  const aspect = width / height;
  const flat = aspect > p.flat ? -(((aspect - p.flat) / p.flatScale) ** 2) : 0;
  return wide + narrow + small + short + flat;
}

/**
 * Log likelihood that a piece is one whole digit, from the classifier's probabilities for
 * it: the log odds of its top class, counted against it below `sure` (softmax probabilities
 * saturate: 0.94 and 0.99999 are both "sure", but their log odds, 2.8 and 11.5, tell a
 * fragment of a digit from a digit). Only the first `digits` classes are read; any after
 * them (the reader model's "not one digit") count against the top one.
 */
export function pieceLogLikelihood(row: ArrayLike<number>, p: ReadingPriors = PRIORS, digits = row.length): number {
  let top = 0;
  for (let c = 1; c < digits; c++) if (row[c] > row[top]) top = c;
  let rest = 0;
  for (let c = 0; c < row.length; c++) if (c !== top) rest += row[c];
  const logOdds = Math.log(Math.max(row[top], 1e-30)) - Math.log(Math.max(rest, 1e-30));
  return p.unsure * Math.min(0, logOdds - p.sure);
}

/** Log prior of the piece's shape given the class it is read as: a 1 is a straight stroke. */
export function classShapeLogPrior(piece: LatticePiece, digit: number, p: ReadingPriors = PRIORS): number {
  if (digit !== 1) return 0;
  const wide = piece.width > p.oneWide ? -(((piece.width - p.oneWide) / p.wideScale) ** 2) : 0;
  return wide - p.straightCost * Math.max(0, p.straight - piece.elongation);
}

/** The most probable class of a row of probabilities. */
export function topClass(row: ArrayLike<number>): number {
  let top = 0;
  for (let c = 1; c < row.length; c++) if (row[c] > row[top]) top = c;
  return top;
}

/** Log prior of cutting a unit along a boundary that cuts `crossings` strokes, `strokes` stroke widths of ink in all. */
export function cutLogPrior(crossings: number, strokes: number, p: ReadingPriors = PRIORS): number {
  return -p.cut - p.crossing * Math.max(0, crossings - 1) - p.length * Math.max(0, strokes - 1.5 * Math.max(1, crossings));
}

/**
 * The `k` best readings of the lattice, best first, each scored by `pieceScore` (a log
 * likelihood of the piece as one digit) plus its shape and cut priors; and the log of the
 * sum of exp(score) over every reading (for posteriors). No reading: the lattice has no
 * path from side to side (a malformed lattice).
 */
export function bestReadings(
  lattice: Lattice,
  pieceScore: (p: LatticePiece) => number,
  k: number,
  priors: ReadingPriors = PRIORS,
): { readings: UnitReading[]; logTotal: number } {
  const n = lattice.boundaries;
  const cutPriors = lattice.cuts.map((c) => (c ? cutLogPrior(c.crossings, c.strokes, priors) : 0));
  const best: UnitReading[][] = Array.from({ length: n }, () => []); // per boundary, the k best readings up to it
  const total = new Float64Array(n).fill(-Infinity); // per boundary, log-sum-exp over every reading up to it
  best[0] = [{ pieces: [], score: 0 }];
  total[0] = 0;
  const byEnd = [...lattice.pieces].sort((a, b) => a.to - b.to || a.from - b.from);
  for (let to = 1; to < n; to++) {
    const ending = byEnd.filter((p) => p.to === to && Number.isFinite(total[p.from]));
    const cut = cutPriors[to];
    const options: UnitReading[] = [];
    const terms: number[] = [];
    for (const p of ending) {
      const s = pieceScore(p) + shapeLogPrior(p.width, p.height, priors) - priors.join * p.joins + cut;
      terms.push(total[p.from] + s);
      for (const r of best[p.from]) options.push({ pieces: [...r.pieces, p], score: r.score + s });
    }
    best[to] = options.sort((a, b) => b.score - a.score).slice(0, k);
    total[to] = logSumExp(terms);
  }
  return { readings: best[n - 1], logTotal: total[n - 1] };
}

function logSumExp(terms: number[]): number {
  const m = Math.max(...terms);
  if (!Number.isFinite(m)) return -Infinity;
  return m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
}
