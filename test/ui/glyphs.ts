// A small anti-aliased stroke rasteriser for the segmentation tests: digits as polylines in a
// unit box (x right, y down), drawn as round-capped strokes of a given width onto a canvas
// of ink coverage (0 = paper, 1 = full ink).

type Point = [number, number];

/** Stroke glyphs: each digit is a list of polylines in the unit box. */
export const GLYPHS: Record<string, Point[][]> = {
  '0': [ellipse(0.5, 0.5, 0.5, 0.5)],
  '1': [[[0.25, 0.2], [0.5, 0], [0.5, 1]]],
  '2': [[[0, 0.2], [0.3, 0], [0.75, 0], [1, 0.25], [0.9, 0.5], [0, 1], [1, 1]]],
  '3': [[[0, 0.05], [0.9, 0], [0.35, 0.45], [0.9, 0.6], [0.9, 0.9], [0.5, 1], [0, 0.9]]],
  '4': [[[0.6, 0], [0, 0.6], [1, 0.6]], [[0.72, 0.3], [0.72, 1]]],
  '7': [[[0, 0], [1, 0], [0.35, 1]]],
  '8': [ellipse(0.5, 0.25, 0.4, 0.25), ellipse(0.5, 0.75, 0.5, 0.25)],
  // broken digits: the pen lifted, leaving pieces that do not touch
  'broken 4': [[[0.6, 0], [0, 0.6], [1, 0.6]], [[0.72, 0], [0.72, 0.45]], [[0.72, 0.75], [0.72, 1]]],
  'side-by-side 4': [[[0.15, 0], [0, 0.65], [0.55, 0.65]], [[0.75, 0.25], [0.75, 1]]],
  'broken 5': [[[0.2, 0], [1, 0]], [[0.1, 0.15], [0.05, 0.45], [0.6, 0.4], [0.95, 0.65], [0.65, 1], [0, 0.9]]],
};

function ellipse(cx: number, cy: number, rx: number, ry: number): Point[] {
  return Array.from({ length: 33 }, (_, i): Point => {
    const a = (i / 32) * 2 * Math.PI;
    return [cx + rx * Math.sin(a), cy - ry * Math.cos(a)];
  });
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class InkCanvas {
  /** (height, width) ink coverage 0..1. */
  readonly ink: Float64Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.ink = new Float64Array(width * height);
  }

  /**
   * Draws `glyph` with its unit box mapped to `box` (pixel coordinates of the stroke centre
   * lines) and strokes `stroke` px wide. Returns the box the ink covers (stroke included).
   */
  glyph(name: string, box: Box, stroke: number): Box {
    const lines = GLYPHS[name];
    if (!lines) throw new Error(`no glyph ${name}`);
    const map = ([u, v]: Point): Point => [box.x + u * box.width, box.y + v * box.height];
    for (const line of lines) for (let i = 1; i < line.length; i++) this.segment(map(line[i - 1]), map(line[i]), stroke);
    return inkBox(lines.flat().map(map), stroke);
  }

  /** A round-capped line from a to b, `stroke` px wide, anti-aliased (coverage ramps over 1 px). */
  segment(a: Point, b: Point, stroke: number): void {
    const r = stroke / 2;
    const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - r - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(Math.max(a[0], b[0]) + r + 1));
    const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r - 1));
    const y1 = Math.min(this.height - 1, Math.ceil(Math.max(a[1], b[1]) + r + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d = distanceToSegment([x + 0.5, y + 0.5], a, b);
        const coverage = Math.min(1, Math.max(0, r + 0.5 - d));
        const i = y * this.width + x;
        this.ink[i] = Math.max(this.ink[i], coverage);
      }
    }
  }

  /** A filled square dot of side `size` at (x, y): a noise speck. */
  dot(x: number, y: number, size: number): void {
    for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) this.ink[(y + dy) * this.width + x + dx] = 1;
  }

  /** Pastes a (28, 28) 0..255 MNIST image with its top-left at (x, y), keeping the inkier pixel where two overlap. */
  paste(pixels: Uint8Array, x: number, y: number): void {
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const i = (y + r) * this.width + x + c;
        this.ink[i] = Math.max(this.ink[i], pixels[r * 28 + c] / 255);
      }
    }
  }

  /**
   * Pastes a (28, 28) 0..255 image enlarged `scale` times (bilinear) with its top-left at
   * (x, y), as a photo or a big pad would show the digit.
   */
  pasteScaled(pixels: Uint8Array, x: number, y: number, scale: number): void {
    const at = (r: number, c: number) => (r < 0 || c < 0 || r > 27 || c > 27 ? 0 : pixels[r * 28 + c] / 255);
    for (let py = 0; py < 28 * scale; py++) {
      for (let px = 0; px < 28 * scale; px++) {
        const sy = (py + 0.5) / scale - 0.5;
        const sx = (px + 0.5) / scale - 0.5;
        const r = Math.floor(sy);
        const c = Math.floor(sx);
        const fy = sy - r;
        const fx = sx - c;
        const v = (1 - fy) * ((1 - fx) * at(r, c) + fx * at(r, c + 1)) + fy * ((1 - fx) * at(r + 1, c) + fx * at(r + 1, c + 1));
        const i = (y + py) * this.width + x + px;
        this.ink[i] = Math.max(this.ink[i], v);
      }
    }
  }

  /** Grayscale 0..255: ink as `inkLevel` on paper of `paperLevel` (blended by coverage). */
  render(paperLevel: number, inkLevel: number): Uint8ClampedArray {
    return Uint8ClampedArray.from(this.ink, (c) => paperLevel + c * (inkLevel - paperLevel));
  }
}

/** The box of the ink (coverage over one half) of strokes through `points`, in whole pixels. */
function inkBox(points: Point[], stroke: number): Box {
  const r = stroke / 2;
  const x = Math.round(Math.min(...points.map((p) => p[0])) - r);
  const y = Math.round(Math.min(...points.map((p) => p[1])) - r);
  const x1 = Math.round(Math.max(...points.map((p) => p[0])) + r);
  const y1 = Math.round(Math.max(...points.map((p) => p[1])) + r);
  return { x, y, width: x1 - x, height: y1 - y };
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const vx = b[0] - a[0];
  const vy = b[1] - a[1];
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * vx + (p[1] - a[1]) * vy) / len2));
  return Math.hypot(p[0] - (a[0] + t * vx), p[1] - (a[1] + t * vy));
}
