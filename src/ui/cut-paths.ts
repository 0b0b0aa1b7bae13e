// Where a component that may hold several touching digits could be cut, for the number
// segmenter (segment.ts). Four kinds of boundary are proposed:
// - straight cuts at the valleys of the column ink profile (the thin joint of two digits);
// - drop-falls from the top: a drop let fall into the notch of the upper contour (and into
//   each valley) rolls down around the strokes and cuts through ink only where it is trapped;
// - drop-falls from the bottom, the same rising from the notches of the lower contour;
// - paths of least ink from top to bottom (dynamic programming, a column or two aside per
//   row), one ending at each local minimum of the cost along the bottom: between slanted
//   digits the way through is itself slanted.
// Duplicates (boundaries that share out the ink alike) are dropped, the cheapest kept; which
// of the cuts are taken is decided later by the classifier (unit-readings.ts). Pure.
import { type Cut, forEachPixel, type InkMap, type Piece, straightCut } from './digit-pieces.ts';

export type CutMethod = 'valley' | 'drop-top' | 'drop-bottom' | 'least-ink';

export interface CutProposal {
  cut: Cut;
  /** Mean column of the boundary over the unit's rows. */
  x: number;
  /** The ink the boundary cuts through, in stroke widths (one stroke crossed square-on is about 1). */
  strokes: number;
  /** How many separate strokes it cuts (runs of ink along it): a joint of two digits is about 1. */
  crossings: number;
  method: CutMethod;
}

export interface CutOptions {
  /** The height of the line's digits, in pixels. */
  digitHeight: number;
  /** At most this many cuts are returned (the cheapest; default 6). */
  maxCuts?: number;
}

/** No cut comes nearer a side of the unit than this fraction of the digit height (a 1 is about this wide). */
const SIDE_MARGIN = 0.12;
/** A contour notch shallower than this fraction of the digit height is not one. */
const NOTCH_DEPTH = 0.06;
/** A drop strays at most this fraction of the digit height from where it fell in. */
const DROP_REACH = 0.5;
/** A least-ink path moves at most this many columns from one row to the next... */
const PATH_STEP = 2;
/** ...at this cost per column moved (an ink pixel costs 1): straight where it makes no difference. */
const PATH_TURN = 0.05;
/** Each side of a cut holds at least this fraction of the unit's ink. */
const MIN_SIDE_INK = 0.08;

/** The unit's ink as a local binary mask with its contours and column profile. */
interface Shape {
  w: number;
  h: number;
  /** (h, w) 1 = the unit's ink. */
  mask: Uint8Array;
  area: number;
  /** Typical stroke width in pixels. */
  stroke: number;
}

/** Proposes cuts through `unit` (a piece of `map` without cuts of its own), left to right. */
export function proposeCuts(map: InkMap, unit: Piece, options: CutOptions): CutProposal[] {
  const shape = shapeOf(map, unit);
  const { w, h } = shape;
  const margin = Math.max(2, Math.round(SIDE_MARGIN * options.digitHeight));
  if (w < 2 * margin + 1) return [];
  const reach = Math.max(2, Math.round(DROP_REACH * options.digitHeight));
  const valleys = profileValleys(shape, margin);
  const top = contourNotches(shape, margin, options.digitHeight, false);
  const bottom = contourNotches(shape, margin, options.digitHeight, true);
  const paths: { xs: Int32Array; method: CutMethod }[] = [
    ...valleys.map((x) => ({ xs: new Int32Array(h).fill(x), method: 'valley' as const })),
    ...[...top, ...valleys].map((x) => ({ xs: dropFall(shape, x, reach, false), method: 'drop-top' as const })),
    ...[...bottom, ...valleys].map((x) => ({ xs: dropFall(shape, x, reach, true), method: 'drop-bottom' as const })),
    ...leastInkPaths(shape, margin).map((xs) => ({ xs, method: 'least-ink' as const })),
  ];
  const scored = paths
    .filter((p) => sidesHoldInk(shape, p.xs))
    .map((p) => ({ ...p, strokes: inkOnPath(shape, p.xs) / shape.stroke, crossings: crossings(shape, p.xs) }))
    .sort((a, b) => a.crossings - b.crossings || a.strokes - b.strokes);
  const kept: typeof scored = [];
  for (const p of scored) {
    if (kept.length >= (options.maxCuts ?? 6)) break;
    if (!kept.some((q) => sameSharing(shape, p.xs, q.xs))) kept.push(p);
  }
  return kept
    .map((p): CutProposal => {
      const xs = Int32Array.from(p.xs, (x) => x + unit.x0);
      const cut = p.method === 'valley' ? straightCut(xs[0], unit.y0, unit.y1) : { y0: unit.y0, xs };
      return { cut, x: xs.reduce((s, x) => s + x, 0) / xs.length, strokes: p.strokes, crossings: p.crossings, method: p.method };
    })
    .sort((a, b) => a.x - b.x);
}

function shapeOf(map: InkMap, unit: Piece): Shape {
  const w = unit.x1 - unit.x0 + 1;
  const h = unit.y1 - unit.y0 + 1;
  const mask = new Uint8Array(w * h); // (h, w)
  let area = 0;
  forEachPixel(map, unit, (x, y) => {
    mask[(y - unit.y0) * w + x - unit.x0] = 1;
    area++;
  });
  return { w, h, mask, area, stroke: strokeWidth(mask, w, h) };
}

/** The median, over ink pixels, of the shorter of the horizontal and vertical ink runs through each. */
function strokeWidth(mask: Uint8Array, w: number, h: number): number {
  const across = new Float64Array(w * h).fill(Infinity); // (h, w)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; ) {
      if (!mask[y * w + x]) { x++; continue; }
      let end = x;
      while (end < w && mask[y * w + end]) end++;
      for (let k = x; k < end; k++) across[y * w + k] = end - x;
      x = end;
    }
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; ) {
      if (!mask[y * w + x]) { y++; continue; }
      let end = y;
      while (end < h && mask[end * w + x]) end++;
      for (let k = y; k < end; k++) across[k * w + x] = Math.min(across[k * w + x], end - y);
      y = end;
    }
  }
  const runs = Array.from(across).filter(Number.isFinite).sort((a, b) => a - b);
  return Math.max(1, runs[runs.length >> 1] ?? 1);
}

/** Columns (local) at the local minima of the smoothed column ink profile, away from the sides. */
function profileValleys(s: Shape, margin: number): number[] {
  const column = new Float64Array(s.w); // (w)
  for (let y = 0; y < s.h; y++) for (let x = 0; x < s.w; x++) column[x] += s.mask[y * s.w + x];
  const smooth = column.map((v, x) => (2 * v + (column[x - 1] ?? v) + (column[x + 1] ?? v)) / 4);
  const out: number[] = [];
  for (let x = margin; x < s.w - margin; x++) {
    // a plateau counts once, at its middle
    let end = x;
    while (end + 1 < s.w - margin && smooth[end + 1] === smooth[x]) end++;
    const leftHigher = smooth[x - 1] > smooth[x];
    const rightHigher = end + 1 < s.w && smooth[end + 1] > smooth[x];
    if (leftHigher && rightHigher) out.push((x + end) >> 1);
    x = end;
  }
  return out;
}

/**
 * Columns (local) where the upper contour dips (or, `fromBottom`, the lower contour rises)
 * deepest between higher ink on both sides: where two digits written side by side meet.
 */
function contourNotches(s: Shape, margin: number, digitHeight: number, fromBottom: boolean): number[] {
  const depth = new Float64Array(s.w); // (w) rows from the edge to the first ink
  for (let x = 0; x < s.w; x++) {
    let d = 0;
    while (d < s.h && !s.mask[(fromBottom ? s.h - 1 - d : d) * s.w + x]) d++;
    depth[x] = d;
  }
  const out: number[] = [];
  for (let x = margin; x < s.w - margin; x++) {
    let end = x;
    while (end + 1 < s.w - margin && depth[end + 1] === depth[x]) end++;
    const before = Math.min(...depth.subarray(0, x));
    const after = Math.min(...depth.subarray(end + 1));
    const notch = depth[x] - Math.max(before, after);
    const deepest = depth[x] >= depth[x - 1] && (end + 1 >= s.w || depth[x] >= depth[end + 1]);
    if (deepest && notch >= NOTCH_DEPTH * digitHeight) out.push((x + end) >> 1);
    x = end;
  }
  return out;
}

/**
 * The path of a drop let fall at column `start` from above the unit (or, `fromBottom`,
 * rising from below it): per image row, the first column right of it. Row by row the drop
 * goes on straight, else diagonally, else slides along the free row it is in to the nearest
 * column where it can go on (leaning toward where it fell in); trapped, or `reach` columns
 * from where it fell in, it cuts straight through the ink.
 */
function dropFall(s: Shape, start: number, reach: number, fromBottom: boolean): Int32Array {
  const { w, h } = s;
  // k counts rows in the drop's direction; row -1 is the free space the drop falls from
  const free = (x: number, k: number) =>
    x >= 0 && x < w && Math.abs(x - start) <= reach && (k < 0 || !s.mask[(fromBottom ? h - 1 - k : k) * w + x]);
  const xs = new Int32Array(h); // (h) per image row
  let x = start;
  for (let k = 0; k < h; k++) {
    if (!free(x, k)) {
      const back = x > start ? -1 : 1; // toward where it fell in
      const diagonal = [x + back, x - back].find((nx) => free(nx, k));
      if (diagonal !== undefined) x = diagonal;
      else x = slide(x, back, (nx) => free(nx, k - 1), (nx) => free(nx, k)) ?? x;
    }
    xs[fromBottom ? h - 1 - k : k] = x;
  }
  return xs;
}

/** The nearest column to x reachable along free cells (`along`) from which the drop can go on (`onward`); `back` side first on a tie. */
function slide(x: number, back: number, along: (x: number) => boolean, onward: (x: number) => boolean): number | undefined {
  const ends = [true, true];
  for (let step = 1; ends[0] || ends[1]; step++) {
    for (const [side, dir] of [[0, back], [1, -back]]) {
      if (!ends[side]) continue;
      const nx = x + dir * step;
      if (!along(nx)) ends[side] = false;
      else if (onward(nx)) return nx;
    }
  }
  return undefined;
}

/**
 * Paths from the top row to the bottom row through the fewest ink pixels, kept `margin`
 * columns from the sides: the cost of the best path to each pixel, row by row, and one
 * path traced back from each local minimum of that cost along the bottom row.
 */
function leastInkPaths(s: Shape, margin: number): Int32Array[] {
  const { w, h } = s;
  const cost = new Float64Array(w * h).fill(Infinity); // (h, w) least cost of a path from the top to each pixel
  const from = new Int32Array(w * h); // (h, w) the column it came from in the row above
  for (let x = margin; x < w - margin; x++) cost[x] = s.mask[x];
  for (let y = 1; y < h; y++) {
    for (let x = margin; x < w - margin; x++) {
      let best = Infinity;
      for (let dx = -PATH_STEP; dx <= PATH_STEP; dx++) {
        const px = x + dx;
        if (px < margin || px >= w - margin) continue;
        const c = cost[(y - 1) * w + px] + PATH_TURN * Math.abs(dx);
        if (c < best) {
          best = c;
          from[y * w + x] = px;
        }
      }
      cost[y * w + x] = best + s.mask[y * w + x];
    }
  }
  const bottom = cost.subarray((h - 1) * w, h * w);
  const paths: Int32Array[] = [];
  for (let x = margin; x < w - margin; x++) {
    let end = x;
    while (end + 1 < w - margin && bottom[end + 1] === bottom[x]) end++;
    const lower = (v: number | undefined) => v === undefined || !Number.isFinite(v) || v > bottom[x];
    if (lower(bottom[x - 1]) && lower(bottom[end + 1])) {
      const xs = new Int32Array(h); // (h)
      xs[h - 1] = (x + end) >> 1;
      for (let y = h - 1; y > 0; y--) xs[y - 1] = from[y * w + xs[y]];
      paths.push(xs);
    }
    x = end;
  }
  return paths;
}

/** Ink pixels the boundary runs through: those just right of it. */
function inkOnPath(s: Shape, xs: Int32Array): number {
  let n = 0;
  for (let y = 0; y < s.h; y++) if (xs[y] >= 0 && xs[y] < s.w && s.mask[y * s.w + xs[y]]) n++;
  return n;
}

/**
 * Strokes the boundary cuts: runs of ink along it (the pixels just right of it), two runs
 * less than half a stroke width apart counting as one (a boundary grazing one stroke's edge),
 * and a run through less than half a stroke width of ink not counting at all (a boundary
 * brushing the ink where two touching digits meet, not cutting a stroke). A run's ink is
 * what the boundary passes through row by row, sideways steps included (a slanted boundary
 * crosses a stroke in few rows).
 */
function crossings(s: Shape, xs: Int32Array): number {
  let runs = 0;
  let gap = Infinity; // rows since the last ink
  let cut = 0; // ink pixels passed through in the run going on
  const close = () => {
    if (cut >= s.stroke / 2) runs++;
    cut = 0;
  };
  for (let y = 0; y < s.h; y++) {
    const ink = xs[y] >= 0 && xs[y] < s.w && s.mask[y * s.w + xs[y]] === 1;
    if (ink && gap >= s.stroke / 2 && cut > 0) close();
    if (ink) cut += inkStepped(s, y, y > 0 ? xs[y - 1] : xs[y], xs[y]);
    gap = ink ? 0 : gap + 1;
  }
  close();
  return runs;
}

/** Ink pixels of row y from column `from` to column `to` (both included). */
function inkStepped(s: Shape, y: number, from: number, to: number): number {
  let n = 0;
  for (let x = Math.max(0, Math.min(from, to)); x <= Math.min(s.w - 1, Math.max(from, to)); x++) n += s.mask[y * s.w + x];
  return n;
}

function inkLeftOf(s: Shape, xs: Int32Array): number {
  let n = 0;
  for (let y = 0; y < s.h; y++) for (let x = 0; x < Math.min(s.w, xs[y]); x++) n += s.mask[y * s.w + x];
  return n;
}

function sidesHoldInk(s: Shape, xs: Int32Array): boolean {
  const left = inkLeftOf(s, xs);
  return Math.min(left, s.area - left) >= MIN_SIDE_INK * s.area;
}

/** Two boundaries share out the ink alike when fewer than a stroke's worth of pixels lie between them. */
function sameSharing(s: Shape, a: Int32Array, b: Int32Array): boolean {
  let differ = 0;
  for (let y = 0; y < s.h; y++) {
    const [lo, hi] = a[y] < b[y] ? [a[y], b[y]] : [b[y], a[y]];
    for (let x = Math.max(0, lo); x < Math.min(s.w, hi); x++) differ += s.mask[y * s.w + x];
  }
  return differ <= Math.max(2, s.stroke * s.stroke);
}
