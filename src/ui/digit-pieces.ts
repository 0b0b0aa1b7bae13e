// Digit candidates ("pieces") for the number segmenter (segment.ts): components joined where
// they are parts of one digit (a pen lifted mid-stroke); a piece may be bounded left and
// right by cuts through its components (cut-paths.ts proposes them where digits touch). Pure.
import type { Component } from './components.ts';

/**
 * A boundary drawn down through ink: at row y it lies just left of column xs[y - y0]
 * (rows above or below its span take its nearest end). A straight cut has one column.
 */
export interface Cut {
  y0: number;
  /** (rows) the first column right of the boundary, per row from y0. */
  xs: Int32Array;
}

/** A digit candidate: the pixels of some components that lie right of `left` and left of `right`. */
export interface Piece {
  labels: number[];
  /** null: no boundary on that side. */
  left: Cut | null;
  right: Cut | null;
  /** Inclusive bounding box of those pixels. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What every step reads: the ink image in MNIST's polarity and the component label map. */
export interface InkMap {
  width: number;
  height: number;
  /** (height, width) ink above the paper's level, 0..255 (0 = paper). */
  ink: Float64Array;
  /** (height, width) component label per pixel, 0 = background. */
  labels: Int32Array;
  /** (components + 1) scratch flags: member[label] = 1 while a piece is being read. */
  member: Uint8Array;
}

/** The first column right of the cut at row y. */
export function cutColumn(cut: Cut, y: number): number {
  return cut.xs[Math.min(cut.xs.length - 1, Math.max(0, y - cut.y0))];
}

/** A vertical cut just left of column x, over rows y0..y1. */
export function straightCut(x: number, y0: number, y1: number): Cut {
  return { y0, xs: new Int32Array(y1 - y0 + 1).fill(x) };
}

export function pieceOf(c: Component): Piece {
  return { labels: [c.label], left: null, right: null, x0: c.x0, y0: c.y0, x1: c.x1, y1: c.y1 };
}

/** Joins pieces whose column ranges overlap strongly (a broken 4, the flag of a 5), until none do. */
export function mergeBrokenStrokes(pieces: Piece[], minOverlap: number): Piece[] {
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
        out[i] = union(a, b);
        out.splice(j, 1);
        changed = true;
        break search;
      }
    }
  }
  return out;
}

/** Fraction of the median digit height below which a piece may be a fragment of a digit. */
const FRAGMENT_HEIGHT = 0.85;
/** Largest column gap, as a fraction of the median digit height, between fragments of one digit. */
const FRAGMENT_GAP = 0.1;
/** Widest shape, as a multiple of its height, that joined fragments may make. */
const FRAGMENT_ASPECT = 1.5;

/**
 * Joins side-by-side neighbours that are both shorter than the line's digits, nearly touch,
 * and together are not too wide for one digit: a 4 whose right stroke came apart from the
 * rest stands beside it with no column overlap.
 */
export function mergeShortNeighbours(pieces: Piece[]): Piece[] {
  const typical = medianHeight(pieces);
  const out = [...pieces].sort((a, b) => a.x0 - b.x0);
  for (let i = 0; i + 1 < out.length; i++) {
    const [a, b] = [out[i], out[i + 1]];
    const joined = union(a, b);
    const height = joined.y1 - joined.y0 + 1;
    const short = Math.max(a.y1 - a.y0, b.y1 - b.y0) + 1 < FRAGMENT_HEIGHT * typical;
    const near = b.x0 - a.x1 - 1 <= FRAGMENT_GAP * typical;
    const oneDigit = joined.x1 - joined.x0 + 1 <= FRAGMENT_ASPECT * height;
    if (short && near && oneDigit) {
      out.splice(i, 2, joined);
      i--;
    }
  }
  return out;
}

/** The median height of the pieces (0 for none): the height of the line's digits. */
export function medianHeight(pieces: Piece[]): number {
  const heights = pieces.map((p) => p.y1 - p.y0 + 1).sort((a, b) => a - b);
  return heights[heights.length >> 1] ?? 0;
}

function union(a: Piece, b: Piece): Piece {
  return {
    labels: [...a.labels, ...b.labels],
    left: null,
    right: null,
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
  };
}

/** Calls `visit(x, y, i)` for each pixel of the piece (its labels, between its cuts). */
export function forEachPixel(map: InkMap, p: Piece, visit: (x: number, y: number, i: number) => void): void {
  for (const l of p.labels) map.member[l] = 1;
  for (let y = p.y0; y <= p.y1; y++) {
    const x0 = p.left ? Math.max(p.x0, cutColumn(p.left, y)) : p.x0;
    const x1 = p.right ? Math.min(p.x1, cutColumn(p.right, y) - 1) : p.x1;
    for (let x = x0; x <= x1; x++) {
      const i = y * map.width + x;
      if (map.member[map.labels[i]]) visit(x, y, i);
    }
  }
  for (const l of p.labels) map.member[l] = 0;
}

/** The piece with its bounding box shrunk to its pixels; null when it has none. */
export function tighten(map: InkMap, p: Piece): Piece | null {
  const t = { ...p, x0: map.width, y0: map.height, x1: -1, y1: -1 };
  forEachPixel(map, p, (x, y) => {
    if (x < t.x0) t.x0 = x;
    if (x > t.x1) t.x1 = x;
    if (y < t.y0) t.y0 = y;
    if (y > t.y1) t.y1 = y;
  });
  return t.x1 < 0 ? null : t;
}

/** The part of `unit` right of `left` and left of `right` (null: no cut on that side), shrunk to its pixels; null when empty. */
export function between(map: InkMap, unit: Piece, left: Cut | null, right: Cut | null): Piece | null {
  return tighten(map, { ...unit, left, right });
}
