// Reads the digits of a written number out of one grayscale image (a wide drawing pad, a
// photo of handwriting): polarity from the paper's level, Otsu threshold, 8-connected
// components, noise specks dropped, broken strokes merged, touching digits split at the
// minimum of their column ink profile, left to right; each digit made into a 28x28 MNIST
// field (mnist-style.ts). Pure, no DOM, no GPU: runs in a worker and in Node.
import { labelComponents, type Component } from './components.ts';
import { toMnistField } from './mnist-style.ts';
import { borderLevel, otsuThreshold } from './threshold.ts';

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

export interface DigitBox {
  /** Left column and top row of the digit's ink in the input image, in pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SegmentedDigit {
  /** The digit's ink (thresholded pixels) in the input image. */
  box: DigitBox;
  /** (28, 28) row-major, 0..255, white ink on black, made as MNIST's digits were. */
  pixels: Uint8Array;
}

export interface Segmentation {
  /** Left to right. Empty when the image holds no ink. */
  digits: SegmentedDigit[];
  /** True when the input was dark ink on light paper (and so was inverted to MNIST's white ink on black). */
  inverted: boolean;
  /** Otsu's threshold in the input's own values (ink lies beyond it, on the side away from the paper). */
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
  /** A digit wider than this times its height is split in two, recursively (default 1.2)... */
  splitAspect?: number;
  /** ...where a column holds at most this fraction of the piece's median column ink (default 0.6). */
  splitValley?: number;
}

const DEFAULTS: Required<SegmentOptions> = {
  minContrast: 40,
  minAreaOfLargest: 0.04,
  minAreaOfImage: 0.00005,
  minHeightOfTallest: 0.2,
  mergeOverlap: 0.5,
  splitAspect: 1.2,
  splitValley: 0.6,
};

/** The part of the split search window kept away from each side of a too-wide digit. */
const SPLIT_MARGIN = 0.25;
/** Splits of one component stop after this depth (2^4 = 16 digits). */
const MAX_SPLIT_DEPTH = 4;

/** A digit candidate: the pixels of some components that lie in the columns [clipX0, clipX1]. */
interface Piece {
  labels: number[];
  clipX0: number;
  clipX1: number;
  /** Inclusive bounding box of those pixels. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What every step reads: the ink image in MNIST's polarity and the component label map. */
interface InkMap {
  width: number;
  height: number;
  /** (height, width) ink above the paper's level, 0..255 (0 = paper). */
  ink: Float64Array;
  /** (height, width) component label per pixel, 0 = background. */
  labels: Int32Array;
  /** (components + 1) scratch flags: member[label] = 1 while a piece is being read. */
  member: Uint8Array;
}

export function segmentDigits(image: GrayImage, options: SegmentOptions = {}): Segmentation {
  const { width, height, data } = checkImage(image);
  const o = { ...DEFAULTS, ...options };
  const paper = borderLevel(data, width, height);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    min = Math.min(min, data[i]);
    max = Math.max(max, data[i]);
  }
  const threshold = otsuThreshold(data);
  const inverted = paper > threshold;
  if (max - min < o.minContrast) return { digits: [], inverted: paper > 127.5, threshold };

  const ink = new Float64Array(width * height); // (height, width)
  const mask = new Uint8Array(width * height); // (height, width) 1 = ink
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    ink[i] = Math.max(0, inverted ? paper - v : v - paper);
    mask[i] = (inverted ? v <= threshold : v > threshold) ? 1 : 0;
  }
  const { labels, components } = labelComponents(mask, width, height);
  const map: InkMap = { width, height, ink, labels, member: new Uint8Array(components.length + 1) };

  const kept = dropSpecks(components, width * height, o);
  const merged = mergeBrokenStrokes(kept.map(pieceOf), o.mergeOverlap);
  const split = merged.flatMap((p) => splitTouching(map, p, o, MAX_SPLIT_DEPTH));
  const tallest = split.reduce((m, p) => Math.max(m, p.y1 - p.y0 + 1), 0);
  const digits = split
    .filter((p) => p.y1 - p.y0 + 1 >= o.minHeightOfTallest * tallest)
    .sort((a, b) => a.x0 + a.x1 - (b.x0 + b.x1))
    .map((p) => ({
      box: { x: p.x0, y: p.y0, width: p.x1 - p.x0 + 1, height: p.y1 - p.y0 + 1 },
      pixels: digitField(map, p),
    }));
  return { digits, inverted, threshold };
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

function pieceOf(c: Component): Piece {
  return { labels: [c.label], clipX0: c.x0, clipX1: c.x1, x0: c.x0, y0: c.y0, x1: c.x1, y1: c.y1 };
}

/** Joins pieces whose column ranges overlap strongly (a broken 4, the flag of a 5), until none do. */
function mergeBrokenStrokes(pieces: Piece[], minOverlap: number): Piece[] {
  const out = [...pieces];
  for (let changed = true; changed; ) {
    changed = false;
    search: for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i];
        const b = out[j];
        const overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 1;
        const narrower = Math.min(a.x1 - a.x0, b.x1 - b.x0) + 1;
        if (overlap < minOverlap * narrower) continue;
        out[i] = {
          labels: [...a.labels, ...b.labels],
          clipX0: Math.min(a.clipX0, b.clipX0),
          clipX1: Math.max(a.clipX1, b.clipX1),
          x0: Math.min(a.x0, b.x0),
          y0: Math.min(a.y0, b.y0),
          x1: Math.max(a.x1, b.x1),
          y1: Math.max(a.y1, b.y1),
        };
        out.splice(j, 1);
        changed = true;
        break search;
      }
    }
  }
  return out;
}

/** Calls `visit(x, y, i)` for each pixel of the piece (its labels, inside its column clip). */
function forEachPixel(map: InkMap, p: Piece, visit: (x: number, y: number, i: number) => void): void {
  for (const l of p.labels) map.member[l] = 1;
  const x0 = Math.max(p.x0, p.clipX0);
  const x1 = Math.min(p.x1, p.clipX1);
  for (let y = p.y0; y <= p.y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * map.width + x;
      if (map.member[map.labels[i]]) visit(x, y, i);
    }
  }
  for (const l of p.labels) map.member[l] = 0;
}

/** The piece with its bounding box shrunk to its pixels; null when it has none. */
function tighten(map: InkMap, p: Piece): Piece | null {
  const t = { ...p, x0: map.width, y0: map.height, x1: -1, y1: -1 };
  forEachPixel(map, p, (x, y) => {
    if (x < t.x0) t.x0 = x;
    if (x > t.x1) t.x1 = x;
    if (y < t.y0) t.y0 = y;
    if (y > t.y1) t.y1 = y;
  });
  return t.x1 < 0 ? null : t;
}

/**
 * Splits a piece too wide for one digit at the column, away from its sides, with the least
 * ink (the thin joint of two touching digits), when that column is a clear valley of the
 * column ink profile (a wide single 2 or 0 has none); each half is split again while too wide.
 */
function splitTouching(map: InkMap, p: Piece, o: Required<SegmentOptions>, depth: number): Piece[] {
  const w = p.x1 - p.x0 + 1;
  const h = p.y1 - p.y0 + 1;
  if (depth === 0 || w <= o.splitAspect * h) return [p];
  const profile = new Float64Array(w); // (w) ink pixels per column
  forEachPixel(map, p, (x) => profile[x - p.x0]++);
  const from = Math.round(SPLIT_MARGIN * w);
  const to = w - 1 - from;
  let cut = from;
  for (let c = from; c <= to; c++) {
    const better = profile[c] < profile[cut];
    const tieNearerCentre = profile[c] === profile[cut] && Math.abs(c - (w - 1) / 2) < Math.abs(cut - (w - 1) / 2);
    if (better || tieNearerCentre) cut = c;
  }
  if (profile[cut] > o.splitValley * median(profile)) return [p];
  const halves = [
    tighten(map, { ...p, clipX1: p.x0 + cut - 1 }),
    tighten(map, { ...p, clipX0: p.x0 + cut }),
  ];
  return halves.flatMap((half) => (half ? splitTouching(map, half, o, depth - 1) : []));
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The 28x28 MNIST field of one piece: its ink plus the anti-aliased fringe (background
 * pixels touching it, inside its column clip), cropped and handed to toMnistField.
 */
function digitField(map: InkMap, p: Piece): Uint8Array {
  const { width, height } = map;
  const x0 = Math.max(0, p.x0 - 1, p.clipX0 - 1);
  const x1 = Math.min(width - 1, p.x1 + 1, p.clipX1 + 1);
  const y0 = Math.max(0, p.y0 - 1);
  const y1 = Math.min(height - 1, p.y1 + 1);
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const inPiece = new Uint8Array(cw * ch); // (ch, cw) 1 = the piece's own ink
  forEachPixel(map, p, (x, y) => (inPiece[(y - y0) * cw + x - x0] = 1));
  const crop = new Float64Array(cw * ch); // (ch, cw)
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = (y0 + y) * width + x0 + x;
      const fringe = map.labels[i] === 0 && touches(inPiece, cw, ch, x, y);
      if (inPiece[y * cw + x] || fringe) crop[y * cw + x] = map.ink[i];
    }
  }
  return toMnistField(...trimToInk(crop, cw, ch))!;
}

function touches(inPiece: Uint8Array, w: number, h: number, x: number, y: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx >= 0 && ny >= 0 && nx < w && ny < h && inPiece[ny * w + nx]) return true;
    }
  }
  return false;
}

/** The crop cut down to the bounding box of its nonzero pixels. */
function trimToInk(crop: Float64Array, w: number, h: number): [Float64Array, number, number] {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (crop[y * w + x] > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const tw = x1 - x0 + 1;
  const th = y1 - y0 + 1;
  const out = new Float64Array(tw * th); // (th, tw)
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) out[y * tw + x] = crop[(y0 + y) * w + x0 + x];
  return [out, tw, th];
}
