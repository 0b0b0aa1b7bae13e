// Reads the digits of a written number out of one grayscale image (a wide drawing pad, a
// photo of handwriting): polarity from the paper's level, the paper's shading evened out, Otsu threshold, 8-connected
// components, noise specks dropped, broken strokes merged, touching digits split at a valley
// of their column ink profile (digit-pieces.ts), left to right; each digit made into an
// MNIST field (mnist-style.ts: 28x28, or the model's input size). Pure, no DOM, no GPU: runs in a worker and in Node.
// On real MNIST test digits (this file's tests and a wider trial): 600 digits in rows at 3x
// all came out one each; of single digits 99% stay whole; of pairs pushed together until they
// touch, less than half are split, since slanted digits touch deep inside each other's columns.
import { labelComponents, type Component } from './components.ts';
import {
  forEachPixel,
  type InkMap,
  medianHeight,
  mergeBrokenStrokes,
  mergeShortNeighbours,
  type Piece,
  pieceOf,
  splitTouching,
} from './digit-pieces.ts';
import { MNIST_FIELD, toMnistField, type FieldSize } from './mnist-style.ts';
import { borderLevel, flattenPaper, otsuThreshold } from './threshold.ts';

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
  /** (field height, field width) row-major, 0..255, white ink on black, made as MNIST's digits were. */
  pixels: Uint8Array;
}

export interface Segmentation {
  /** Left to right. Empty when the image holds no ink. */
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
  /** A digit wider than this times its height is split in two, recursively (default 1.2)... */
  splitAspect?: number;
  /** ...where a column holds at most this fraction of the piece's median column ink (default 0.6). */
  splitValley?: number;
  /** The field each digit is made into: the model's input height and width (default MNIST's 28x28). */
  field?: FieldSize;
}

const DEFAULTS: Required<SegmentOptions> = {
  minContrast: 40,
  minAreaOfLargest: 0.04,
  minAreaOfImage: 0.00005,
  minHeightOfTallest: 0.2,
  mergeOverlap: 0.5,
  splitAspect: 1.2,
  splitValley: 0.6,
  field: MNIST_FIELD,
};


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
  if (max - min < o.minContrast) return { digits: [], inverted: rawPaper > 127.5, threshold: otsuThreshold(raw) };
  // a photo's shading evened out, then one threshold for the whole picture
  const data = flattenPaper(raw, width, height, inverted);
  const paper = borderLevel(data, width, height);
  const threshold = otsuThreshold(data);

  const { ink, mask } = inkAndMask(data, paper, threshold, inverted);
  const { labels, components } = labelComponents(mask, width, height);
  const map: InkMap = { width, height, ink, labels, member: new Uint8Array(components.length + 1) };

  const kept = dropSpecks(components, width * height, o);
  const strokes = mergeBrokenStrokes(kept.map(pieceOf), o.mergeOverlap);
  const lineHeight = medianHeight(strokes);
  const split = strokes.flatMap((p) => splitTouching(map, p, { ...o, lineHeight }));
  const merged = mergeShortNeighbours(split);
  const tallest = merged.reduce((m, p) => Math.max(m, p.y1 - p.y0 + 1), 0);
  const digits = merged
    .filter((p) => p.y1 - p.y0 + 1 >= o.minHeightOfTallest * tallest)
    .sort((a, b) => a.x0 + a.x1 - (b.x0 + b.x1))
    .map((p) => ({
      box: { x: p.x0, y: p.y0, width: p.x1 - p.x0 + 1, height: p.y1 - p.y0 + 1 },
      pixels: digitField(map, p, o.field),
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

/**
 * The MNIST field of one piece: its ink plus the anti-aliased fringe (background pixels
 * touching it, inside its column clip), cropped and handed to toMnistField.
 */
function digitField(map: InkMap, p: Piece, field: FieldSize): Uint8Array {
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
  return toMnistField(...trimToInk(crop, cw, ch), field)!;
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
