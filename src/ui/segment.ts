// Reads the digits of a written number out of one grayscale image (a wide drawing pad, a
// photo of handwriting): polarity from the paper's level, the paper's shading evened out, Otsu
// threshold, 8-connected components, noise specks dropped; the components grouped into
// lines, top to bottom, each line turned level when the picture is tilted (text-lines.ts);
// in each line broken strokes joined into units (digit-pieces.ts). A unit wider than one
// digit of its line may be several touching digits: cuts through it are proposed
// (cut-paths.ts) and every piece between two cuts becomes a candidate digit, as does the
// whole unit; each candidate is made into a 28x28 MNIST field (mnist-style.ts). Which
// cuts to take is decided by classifying every candidate in one batch
// (numbers/read-number.ts); `digits` is the choice by the pieces' shapes alone.
// Pure, no DOM, no GPU: runs in a worker and in Node.
import { labelComponents, type Component } from './components.ts';
import { type CutProposal, proposeCuts } from './cut-paths.ts';
import type { DigitBox } from './digit-field.ts';
import { type InkMap, medianHeight, mergeBrokenStrokes, mergeShortNeighbours, type Piece, pieceOf } from './digit-pieces.ts';
import { groupLines, levelLine, measureTilt, type TextLine } from './text-lines.ts';
import { borderLevel, flattenPaper, otsuThreshold } from './threshold.ts';
import { groupUnits, latticeOf } from './unit-lattice.ts';
import { bestReadings, type Lattice, PRIORS, type ReadingPriors } from './unit-readings.ts';

export type { DigitBox } from './digit-field.ts';

/**
 * The input: one grayscale value 0..255 per pixel, (height, width) row-major, either
 * polarity (dark ink on light paper, or light ink on a dark ground). For a canvas's RGBA
 * ImageData use `grayscaleFromRgba` first.
 */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array | Float32Array | Float64Array;
}

export interface SegmentedDigit {
  /** The digit's ink (thresholded pixels) in the input image. */
  box: DigitBox;
  /** (28, 28) row-major, 0..255, white ink on black, made as MNIST's digits were. */
  pixels: Uint8Array;
}

/**
 * One unit of a line: a component, or a few close together (a digit's broken strokes, or
 * digits written close), that holds one digit or several touching ones.
 */
export interface SegmentedUnit {
  /** The candidate digits between its boundaries; each piece's `candidate` indexes Segmentation.candidates. */
  lattice: Lattice;
  /** True when it may be more or less than one digit: several components, or one wider than a digit of its line (cuts were looked for). */
  wide: boolean;
  /** The cuts proposed through its components, left to right. */
  cuts: CutProposal[];
}

export interface SegmentedLine {
  /** Left to right. */
  units: SegmentedUnit[];
  /** The height of the line's digits, in pixels. */
  digitHeight: number;
  /** The tilt undone before reading the line, degrees (0: read as it is). */
  angle: number;
}

export interface Segmentation {
  /** Top to bottom. Empty when the image holds no ink. */
  lines: SegmentedLine[];
  /** Every candidate digit of every unit (the whole unit, and each piece between two of its cuts), to be classified in one batch. */
  candidates: SegmentedDigit[];
  /** The digits as the pieces' shapes alone cut them (no classifier): line by line, left to right. */
  digits: SegmentedDigit[];
  /** True when the input was dark ink on light paper (and so was inverted to MNIST's white ink on black). */
  inverted: boolean;
  /** Otsu's threshold of the picture with its paper evened out (flattenPaper; ink lies beyond it, on the side away from the paper). */
  threshold: number;
}

export interface SegmentOptions {
  /** No digits when the image's darkest and lightest values differ by less (default 40). */
  minContrast?: number;
  /** A component smaller than this fraction of the largest one's area is noise (default 0.04). */
  minAreaOfLargest?: number;
  /** A component smaller than this fraction of the image's area is noise (default 0.00005). */
  minAreaOfImage?: number;
  /** A digit shorter than this fraction of the tallest digit is noise (default 0.2). */
  minHeightOfTallest?: number;
  /** Pieces whose column ranges overlap by this fraction of the narrower one's width are one digit (default 0.5). */
  mergeOverlap?: number;
  /** A unit wider than this many times its line's digit height may be several digits: cuts are looked for (default 0.75). */
  cutWidth?: number;
  /** At most this many candidates in all (one classifier batch; default 500): fewer cuts per unit are kept when there would be more. */
  maxCandidates?: number;
}

const DEFAULTS: Required<SegmentOptions> = {
  minContrast: 40,
  minAreaOfLargest: 0.04,
  minAreaOfImage: 0.00005,
  minHeightOfTallest: 0.2,
  mergeOverlap: 0.5,
  cutWidth: 0.75,
  maxCandidates: 500,
};

/**
 * Log cost of each digit in the reading by shapes alone (`digits`): without a classifier a
 * unit is cut only where it is far too wide for one digit (about 1.4 digit heights).
 */
const SHAPE_ONLY_DIGIT_COST = 10;
/**
 * The shape and cut priors of the reading by shapes alone: PRIORS are fitted together with
 * the classifier (which tells a wide digit from two touching ones), these stand alone.
 */
const SHAPE_ONLY_PRIORS: ReadingPriors = {
  ...PRIORS,
  wide: 0.98,
  wideScale: 0.11,
  narrow: 0.13,
  narrowScale: 0.04,
  small: 0.63,
  smallScale: 0.1,
  short: 0.63,
  shortScale: 0.08,
  flat: 1.26,
  flatScale: 0.25,
  cut: 1.47,
  join: 0.5,
  crossing: 5.6,
  length: 0.75,
};
/** Cuts looked for per wide unit, tried in turn until the candidates fit maxCandidates. */
const CUTS_PER_UNIT = [6, 3, 0];

export function segmentDigits(image: GrayImage, options: SegmentOptions = {}): Segmentation {
  const { width, height, data: raw } = checkImage(image);
  const o = { ...DEFAULTS, ...options };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < raw.length; i++) {
    min = Math.min(min, raw[i]);
    max = Math.max(max, raw[i]);
  }
  const rawPaper = borderLevel(raw, width, height);
  const inverted = rawPaper > otsuThreshold(raw);
  if (max - min < o.minContrast) return { lines: [], candidates: [], digits: [], inverted: rawPaper > 127.5, threshold: otsuThreshold(raw) };
  // a photo's shading evened out, then one threshold for the whole picture
  const data = flattenPaper(raw, width, height, inverted);
  const paper = borderLevel(data, width, height);
  const threshold = otsuThreshold(data);

  const { ink, mask } = inkAndMask(data, paper, threshold, inverted);
  const { labels, components } = labelComponents(mask, width, height);
  const map: InkMap = { width, height, ink, labels, member: new Uint8Array(components.length + 1) };
  const lines = readLines(map, dropSpecks(components, width * height, o), o);
  for (const maxCuts of CUTS_PER_UNIT) {
    const s = candidatesOf(lines, maxCuts, o.cutWidth);
    if (s.candidates.length <= o.maxCandidates || maxCuts === 0) return { ...s, inverted, threshold };
  }
  throw new Error('unreachable');
}

interface LineUnits {
  line: TextLine;
  /** Left to right. */
  units: Piece[];
  digitHeight: number;
}

/** The lines, levelled, with their units (noise shorter than minHeightOfTallest of the tallest unit dropped). */
function readLines(map: InkMap, components: Component[], o: Required<SegmentOptions>): LineUnits[] {
  const groups = groupLines(components);
  const unitsOf = (cs: Component[]) => mergeShortNeighbours(mergeBrokenStrokes(cs.map(pieceOf), o.mergeOverlap));
  const centres = groups.map((g) => {
    const units = unitsOf(g).sort((a, b) => a.x0 + a.x1 - b.x0 - b.x1);
    return groupUnits(units, medianHeight(units)).map((parts) => {
      const [x0, y0] = [Math.min(...parts.map((p) => p.x0)), Math.min(...parts.map((p) => p.y0))];
      const [x1, y1] = [Math.max(...parts.map((p) => p.x1)), Math.max(...parts.map((p) => p.y1))];
      return { x: (x0 + x1) / 2, y: (y0 + y1) / 2 };
    });
  });
  const angle = measureTilt(centres);
  const lines = groups.map((g) => {
    const line = levelLine(map, g, angle);
    const units = unitsOf(line.components).sort((a, b) => a.x0 + a.x1 - b.x0 - b.x1);
    return { line, units, digitHeight: medianHeight(units) };
  });
  const tallest = Math.max(0, ...lines.flatMap((l) => l.units.map((u) => u.y1 - u.y0 + 1)));
  return lines
    .map((l) => ({ ...l, units: l.units.filter((u) => u.y1 - u.y0 + 1 >= o.minHeightOfTallest * tallest) }))
    .filter((l) => l.units.length > 0);
}

/** Every line's units with their cuts (at most maxCuts per component) and candidate fields; the shape-only choice. */
function candidatesOf(lines: LineUnits[], maxCuts: number, cutWidth: number): Omit<Segmentation, 'inverted' | 'threshold'> {
  const candidates: SegmentedDigit[] = [];
  const digits: SegmentedDigit[] = [];
  const out = lines.map(({ line, units, digitHeight }): SegmentedLine => ({
    digitHeight,
    angle: (line.angle * 180) / Math.PI,
    units: groupUnits(units, digitHeight).map((components) => {
      // a unit taller than the line's digits (a big digit among small ones) is measured by its own height
      const height = Math.max(...components.map((c) => c.y1 + 1)) - Math.min(...components.map((c) => c.y0));
      const scale = Math.max(digitHeight, height);
      const wideOnes = components.map((c) => c.x1 - c.x0 + 1 > cutWidth * scale);
      const cuts = components.map((c, i) => (wideOnes[i] && maxCuts > 0 ? proposeCuts(line.map, c, { digitHeight: scale, maxCuts }) : []));
      const lattice = latticeOf(line, components, cuts, scale, candidates);
      const [byShape] = bestReadings(lattice, () => -SHAPE_ONLY_DIGIT_COST, 1, SHAPE_ONLY_PRIORS).readings;
      digits.push(...byShape.pieces.map((p) => candidates[p.candidate]));
      return { lattice, wide: components.length > 1 || wideOnes[0], cuts: cuts.flat() };
    }),
  }));
  return { lines: out, candidates, digits };
}

/** Grayscale (luma, Rec. 601) of RGBA pixel data, composited over white paper by its alpha. */
export function grayscaleFromRgba(rgba: ArrayLike<number>, width: number, height: number): GrayImage {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`RGBA data holds ${rgba.length} values, expected ${width}x${height}x4 = ${width * height * 4}`);
  }
  const data = new Uint8ClampedArray(width * height); // (height, width)
  for (let i = 0; i < data.length; i++) {
    const luma = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
    const alpha = rgba[4 * i + 3] / 255;
    data[i] = alpha * luma + (1 - alpha) * 255;
  }
  return { width, height, data };
}

/** Ink in MNIST's polarity (how far each pixel is from the paper, toward the ink) and the thresholded mask. */
function inkAndMask(data: GrayImage['data'], paper: number, threshold: number, inverted: boolean): { ink: Float64Array; mask: Uint8Array } {
  const ink = new Float64Array(data.length); // (height, width)
  const mask = new Uint8Array(data.length); // (height, width) 1 = ink
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    ink[i] = Math.max(0, inverted ? paper - v : v - paper);
    mask[i] = (inverted ? v <= threshold : v > threshold) ? 1 : 0;
  }
  return { ink, mask };
}

function checkImage(image: GrayImage): GrayImage {
  const { width, height, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (data.length !== width * height) {
    const hint = data.length === width * height * 4 ? ' (RGBA? convert it with grayscaleFromRgba)' : '';
    throw new RangeError(`image data holds ${data.length} values, expected ${width}x${height} = ${width * height}${hint}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!(data[i] >= 0 && data[i] <= 255)) throw new RangeError(`pixel ${i} is ${data[i]}, expected a value in 0..255`);
  }
  return image;
}

function dropSpecks(components: Component[], imageArea: number, o: Required<SegmentOptions>): Component[] {
  const largest = components.reduce((m, c) => Math.max(m, c.area), 0);
  const minArea = Math.max(o.minAreaOfLargest * largest, o.minAreaOfImage * imageArea);
  return components.filter((c) => c.area >= minArea);
}
