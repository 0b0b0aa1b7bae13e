// The 28x28 MNIST field of one digit candidate (a piece of a line's ink map), and its box in
// the picture. Pure.
import { forEachPixel, type InkMap, type Piece } from './digit-pieces.ts';
import { toMnistField } from './mnist-style.ts';
import type { TextLine } from './text-lines.ts';

export interface DigitBox {
  /** Left column and top row of the digit's ink in the input image, in pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The 28x28 MNIST field of one digit candidate (one piece, or pieces of neighbouring
 * components read as one digit): its ink plus the anti-aliased fringe (background pixels
 * touching it), cropped and handed to toMnistField.
 */
export function digitField(map: InkMap, parts: Piece[]): Uint8Array {
  const { width, height } = map;
  const x0 = Math.max(0, Math.min(...parts.map((p) => p.x0)) - 1);
  const x1 = Math.min(width - 1, Math.max(...parts.map((p) => p.x1)) + 1);
  const y0 = Math.max(0, Math.min(...parts.map((p) => p.y0)) - 1);
  const y1 = Math.min(height - 1, Math.max(...parts.map((p) => p.y1)) + 1);
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const inPiece = new Uint8Array(cw * ch); // (ch, cw) 1 = the candidate's own ink
  for (const p of parts) forEachPixel(map, p, (x, y) => (inPiece[(y - y0) * cw + x - x0] = 1));
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

/** The box in the picture around the pixels of the pieces (a levelled line's pixels turned back). */
export function imageBox(line: TextLine, parts: Piece[]): DigitBox {
  if (line.angle === 0) {
    const [x, y] = [Math.min(...parts.map((p) => p.x0)), Math.min(...parts.map((p) => p.y0))];
    return { x, y, width: Math.max(...parts.map((p) => p.x1)) - x + 1, height: Math.max(...parts.map((p) => p.y1)) - y + 1 };
  }
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of parts) {
    forEachPixel(line.map, p, (x, y) => {
      const [ix, iy] = line.toImage(x, y);
      [x0, y0, x1, y1] = [Math.min(x0, ix), Math.min(y0, iy), Math.max(x1, ix), Math.max(y1, iy)];
    });
  }
  const [left, top] = [Math.floor(x0), Math.floor(y0)];
  return { x: left, y: top, width: Math.floor(x1) - left + 1, height: Math.floor(y1) - top + 1 };
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
