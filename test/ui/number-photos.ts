// Photo-like pictures of written numbers made from MNIST test digits, deterministic by seed,
// for the number reader's tests: 3 to 8 digits on one or two lines, each digit enlarged
// (1.6x to 3.6x) and thickened or thinned; some neighbours pushed into each other until
// their strokes overlap by a few pixels (as people write), some strokes broken (the pen
// lifted), the whole picture turned by up to 7 degrees, dark ink on light paper or light ink
// on a dark ground, unevenly lit, with sensor grain and specks.
import { Rng } from '../../src/model/rng.ts';

/** MNIST digits to draw from: (count, 28, 28) bytes and their labels. */
export interface DigitSource {
  images: Uint8Array;
  labels: Uint8Array;
}

export interface NumberPhoto {
  /** (height, width) grayscale 0..255. */
  gray: Uint8ClampedArray;
  width: number;
  height: number;
  /** The digits of each line, top line first. */
  lines: string[];
  /** The lines joined with a space: what a reader should read. */
  text: string;
  /** The MNIST indices of the digits, in reading order. */
  indices: number[];
  /** Each digit's box in the picture (around its turned bitmap), in reading order. */
  boxes: Box[];
  /** How many neighbouring digits were pushed into each other (touching strokes). */
  touching: number;
  /** How many digits had a stroke broken. */
  broken: number;
  /** Turn of the whole picture, degrees (positive: clockwise on screen). */
  angle: number;
  darkInk: boolean;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Coverage (0..1) of one enlarged digit: (h, w) with its ink's bounding box as the whole bitmap. */
interface Bitmap {
  ink: Float64Array;
  w: number;
  h: number;
}

const SIDE = 28;

/** The number photo of `seed`: the same picture for the same seed and source (the digits drawn from it at random). */
export function numberPhoto(seed: number, source: DigitSource): NumberPhoto {
  const r = new Rng(seed);
  const between = (a: number, b: number) => a + (b - a) * r.nextFloat();
  const count = source.labels.length;
  const lineSizes = r.nextFloat() < 0.3 ? [2 + r.nextInt(3), 2 + r.nextInt(3)] : [3 + r.nextInt(6)];
  const scale = between(1.6, 3.6);
  const digitHeight = 20 * scale;
  const touchChance = r.nextFloat() < 0.4 ? between(0.2, 0.45) : 0;
  const breakChance = r.nextFloat() < 0.5 ? 0.3 : 0;

  const canvas = new Layout(digitHeight);
  const lines: string[] = [];
  const indices: number[] = [];
  let touching = 0;
  let broken = 0;
  lineSizes.forEach((size, lineIndex) => {
    let text = '';
    let previous: Placed | null = null;
    const top = lineIndex * digitHeight * between(1.3, 1.7);
    let x = between(0, 0.8) * digitHeight * lineIndex;
    for (let k = 0; k < size; k++) {
      const index = r.nextInt(count);
      indices.push(index);
      text += String(source.labels[index]);
      const bitmap = enlarge(source.images.subarray(index * SIDE * SIDE, (index + 1) * SIDE * SIDE), scale * between(0.9, 1.1));
      if (r.nextFloat() < breakChance && breakStroke(bitmap, r)) broken++;
      const y = top + (digitHeight - bitmap.h) / 2 + between(-0.06, 0.06) * digitHeight;
      if (previous) {
        const touch = r.nextFloat() < touchChance;
        // touching: where the two come closest their strokes overlap by a few pixels
        x = touch ? previous.x + touchingOffset(previous.bitmap, bitmap, y - previous.y) - between(0.02, 0.07) * digitHeight
          : previous.x + previous.bitmap.w + between(0.12, 0.5) * digitHeight;
        if (touch) touching++;
      }
      previous = canvas.place(bitmap, x, y);
    }
    lines.push(text);
  });

  const margin = Math.round(digitHeight * 0.5);
  let ink = canvas.render(margin);
  const flat = { w: ink.w, h: ink.h };
  // strokes thickened or (where they are wide enough) thinned by a pixel, as pens differ
  const stroke = r.nextInt(3) - 1;
  if (stroke > 0 || (stroke < 0 && scale >= 2.4)) ink = morph(ink, stroke);
  const tilted = r.nextFloat() < 0.6;
  const angle = (r.nextFloat() < 0.5 ? -1 : 1) * (tilted ? between(4, 7) : between(0, 2));
  ink = rotate(ink, (angle * Math.PI) / 180);
  const boxes = canvas.boxes(margin).map((b) => turnedBox(b, flat, ink, (angle * Math.PI) / 180));
  const darkInk = r.nextFloat() < 0.5;
  const gray = photograph(ink, darkInk, r, between);
  return { gray, width: ink.w, height: ink.h, lines, text: lines.join(' '), indices, boxes, touching, broken, angle, darkInk };
}

/** Two MNIST digits enlarged `scale` times, the right one pushed into the left until their strokes overlap by `overlap` pixels where they come closest; dark ink on light paper. */
export interface TouchingPair {
  gray: Uint8ClampedArray;
  width: number;
  height: number;
  /** (height, width) each digit's own ink coverage 0..1 on the picture: left, right. */
  coverage: [Float64Array, Float64Array];
}

export function touchingPair(source: DigitSource, left: number, right: number, scale = 3, overlap = 2): TouchingPair {
  const digit = (k: number) => enlarge(source.images.subarray(k * SIDE * SIDE, (k + 1) * SIDE * SIDE), scale);
  const [a, b] = [digit(left), digit(right)];
  const layout = new Layout(20 * scale);
  const ya = Math.round((20 * scale - a.h) / 2);
  const yb = Math.round((20 * scale - b.h) / 2);
  layout.place(a, 0, ya);
  layout.place(b, touchingOffset(a, b, yb - ya) - overlap, yb);
  const margin = 8;
  const both = layout.render(margin);
  const coverage = layout.boxes(margin).map((box, i) => {
    const own = new Float64Array(both.w * both.h); // (h, w)
    const bitmap = [a, b][i];
    for (let r = 0; r < bitmap.h; r++) for (let c = 0; c < bitmap.w; c++) own[(box.y + r) * both.w + box.x + c] = bitmap.ink[r * bitmap.w + c];
    return own;
  }) as [Float64Array, Float64Array];
  const gray = Uint8ClampedArray.from(both.ink, (c) => 235 - 205 * c);
  return { gray, width: both.w, height: both.h, coverage };
}

interface Placed {
  bitmap: Bitmap;
  x: number;
  y: number;
}

/** The digits placed on an unbounded sheet, rendered once all are placed. */
class Layout {
  private readonly placed: Placed[] = [];
  constructor(readonly digitHeight: number) {}

  place(bitmap: Bitmap, x: number, y: number): Placed {
    const p = { bitmap, x: Math.round(x), y: Math.round(y) };
    this.placed.push(p);
    return p;
  }

  /** The digits' boxes on the sheet as `render(margin)` crops it. */
  boxes(margin: number): Box[] {
    const [x0, y0] = this.origin(margin);
    return this.placed.map((p) => ({ x: p.x - x0, y: p.y - y0, width: p.bitmap.w, height: p.bitmap.h }));
  }

  private origin(margin: number): [number, number] {
    return [Math.min(...this.placed.map((p) => p.x)) - margin, Math.min(...this.placed.map((p) => p.y)) - margin];
  }

  /** The sheet cropped to the digits plus `margin` pixels each side; overlapping ink keeps the stronger. */
  render(margin: number): Bitmap {
    const [x0, y0] = this.origin(margin);
    const w = Math.max(...this.placed.map((p) => p.x + p.bitmap.w)) + margin - x0;
    const h = Math.max(...this.placed.map((p) => p.y + p.bitmap.h)) + margin - y0;
    const ink = new Float64Array(w * h); // (h, w)
    for (const { bitmap: b, x, y } of this.placed) {
      for (let row = 0; row < b.h; row++) {
        for (let col = 0; col < b.w; col++) {
          const i = (y - y0 + row) * w + x - x0 + col;
          ink[i] = Math.max(ink[i], b.ink[row * b.w + col]);
        }
      }
    }
    return { ink, w, h };
  }
}

/** The 28x28 digit enlarged `scale` times (bilinear), cropped to its ink. */
function enlarge(pixels: Uint8Array, scale: number): Bitmap {
  let [c0, r0, c1, r1] = [SIDE, SIDE, -1, -1];
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      if (pixels[r * SIDE + c] > 0) [c0, r0, c1, r1] = [Math.min(c0, c), Math.min(r0, r), Math.max(c1, c), Math.max(r1, r)];
    }
  }
  const w = Math.ceil((c1 - c0 + 1) * scale);
  const h = Math.ceil((r1 - r0 + 1) * scale);
  const ink = new Float64Array(w * h); // (h, w)
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) ink[py * w + px] = bilinear(pixels, SIDE, SIDE, c0 + (px + 0.5) / scale - 0.5, r0 + (py + 0.5) / scale - 0.5) / 255;
  }
  return { ink, w, h };
}

/** Value at (x, y) of a (h, w) image by bilinear interpolation, 0 outside. */
function bilinear(img: ArrayLike<number>, w: number, h: number, x: number, y: number): number {
  const at = (r: number, c: number) => (r < 0 || c < 0 || r >= h || c >= w ? 0 : img[r * w + c]);
  const c = Math.floor(x);
  const r = Math.floor(y);
  const fx = x - c;
  const fy = y - r;
  return (1 - fy) * ((1 - fx) * at(r, c) + fx * at(r, c + 1)) + fy * ((1 - fx) * at(r + 1, c) + fx * at(r + 1, c + 1));
}

/**
 * How far right of the left digit's left edge the right digit's left edge goes so that the
 * two touch where they come closest (rows compared at `dy`, the right digit's top minus the left's).
 */
function touchingOffset(left: Bitmap, right: Bitmap, dy: number): number {
  const INK = 0.5;
  let offset = -Infinity;
  for (let row = 0; row < right.h; row++) {
    const lr = Math.round(row + dy);
    if (lr < 0 || lr >= left.h) continue;
    let rightmost = -1;
    for (let c = left.w - 1; c >= 0; c--) if (left.ink[lr * left.w + c] >= INK) { rightmost = c; break; }
    let leftmost = -1;
    for (let c = 0; c < right.w; c++) if (right.ink[row * right.w + c] >= INK) { leftmost = c; break; }
    if (rightmost >= 0 && leftmost >= 0) offset = Math.max(offset, rightmost - leftmost);
  }
  return Number.isFinite(offset) ? offset : left.w;
}

/** Erases a thin band (1.5 to 3 px) across the digit through a point of its ink; false when the band missed. */
function breakStroke(b: Bitmap, r: Rng): boolean {
  const inked: number[] = [];
  b.ink.forEach((v, i) => v >= 0.5 && inked.push(i));
  if (inked.length === 0) return false;
  const at = inked[r.nextInt(inked.length)];
  const [cx, cy] = [(at % b.w) + 0.5, Math.floor(at / b.w) + 0.5];
  const theta = r.nextFloat() * Math.PI;
  const [nx, ny] = [Math.cos(theta), Math.sin(theta)]; // the band's normal
  const half = 0.75 + 0.75 * r.nextFloat();
  const reach = 0.12 * Math.max(b.w, b.h); // the band's length each way from the point
  for (let y = 0; y < b.h; y++) {
    for (let x = 0; x < b.w; x++) {
      const [dx, dy] = [x + 0.5 - cx, y + 0.5 - cy];
      const across = Math.abs(dx * nx + dy * ny);
      const along = Math.abs(-dx * ny + dy * nx);
      if (along <= reach) b.ink[y * b.w + x] *= Math.min(1, Math.max(0, across - half));
    }
  }
  return true;
}

/** Grey dilation (radius > 0: thicker strokes) or erosion (radius < 0) over a disc. */
function morph(b: Bitmap, radius: number): Bitmap {
  const out = new Float64Array(b.ink.length); // (h, w)
  const rad = Math.abs(radius);
  const pick = radius > 0 ? Math.max : Math.min;
  for (let y = 0; y < b.h; y++) {
    for (let x = 0; x < b.w; x++) {
      let v = b.ink[y * b.w + x];
      for (let dy = -rad; dy <= rad; dy++) {
        for (let dx = -rad; dx <= rad; dx++) {
          if (dx * dx + dy * dy > rad * rad + rad) continue;
          const [sx, sy] = [x + dx, y + dy];
          v = pick(v, sx < 0 || sy < 0 || sx >= b.w || sy >= b.h ? 0 : b.ink[sy * b.w + sx]);
        }
      }
      out[y * b.w + x] = v;
    }
  }
  return { ink: out, w: b.w, h: b.h };
}

/** The bitmap turned by `angle` radians about its centre, on a canvas grown to hold it all. */
function rotate(b: Bitmap, angle: number): Bitmap {
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const w = Math.ceil(Math.abs(b.w * cos) + Math.abs(b.h * sin));
  const h = Math.ceil(Math.abs(b.w * sin) + Math.abs(b.h * cos));
  const ink = new Float64Array(w * h); // (h, w)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [dx, dy] = [x + 0.5 - w / 2, y + 0.5 - h / 2];
      // where this pixel comes from: the inverse turn
      const sx = cos * dx + sin * dy + b.w / 2 - 0.5;
      const sy = -sin * dx + cos * dy + b.h / 2 - 0.5;
      ink[y * w + x] = bilinear(b.ink, b.w, b.h, sx, sy);
    }
  }
  return { ink, w, h };
}

/** The box around `b` (on a w x h canvas) once the canvas is turned by `angle` into `to` (as `rotate` turns it). */
function turnedBox(b: Box, from: { w: number; h: number }, to: { w: number; h: number }, angle: number): Box {
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].map(([x, y]) => {
    const [u, v] = [x - from.w / 2, y - from.h / 2];
    return [cos * u - sin * v + to.w / 2, sin * u + cos * v + to.h / 2];
  });
  const x = Math.floor(Math.min(...corners.map((c) => c[0])));
  const y = Math.floor(Math.min(...corners.map((c) => c[1])));
  return { x, y, width: Math.ceil(Math.max(...corners.map((c) => c[0]))) - x, height: Math.ceil(Math.max(...corners.map((c) => c[1]))) - y };
}

/** The ink on paper lit unevenly (a tilt and a vignette), with grain and specks. */
function photograph(b: Bitmap, darkInk: boolean, r: Rng, between: (a: number, b: number) => number): Uint8ClampedArray {
  const paper = darkInk ? between(175, 240) : between(15, 70);
  const inkLevel = darkInk ? between(15, Math.min(90, paper - 90)) : between(Math.max(170, paper + 100), 250);
  const shade = between(0, 45) * (darkInk ? 1 : 0.6);
  const tilt = r.nextFloat() * 2 * Math.PI;
  const grain = between(2, 9);
  const gray = new Uint8ClampedArray(b.w * b.h); // (h, w)
  for (let y = 0; y < b.h; y++) {
    for (let x = 0; x < b.w; x++) {
      const [u, v] = [x / b.w - 0.5, y / b.h - 0.5];
      const light = shade * (Math.cos(tilt) * u + Math.sin(tilt) * v) - shade * 0.8 * (u * u + v * v);
      const p = paper + (darkInk ? light : -light);
      const c = b.ink[y * b.w + x];
      gray[y * b.w + x] = p + c * (inkLevel - p) + grain * gaussian(r);
    }
  }
  const specks = r.nextInt(8);
  for (let k = 0; k < specks; k++) {
    const [sx, sy, size] = [r.nextInt(b.w - 2), r.nextInt(b.h - 2), 1 + r.nextInt(2)];
    for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) gray[(sy + dy) * b.w + sx + dx] = inkLevel;
  }
  return gray;
}

/** A standard normal draw (Box-Muller). */
function gaussian(r: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - r.nextFloat())) * Math.cos(2 * Math.PI * r.nextFloat());
}
