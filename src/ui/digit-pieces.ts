// Digit candidates ("pieces") for the number segmenter (segment.ts): components joined where
// they are parts of one digit, split where one component holds several digits. Pure.
import type { Component } from './components.ts';

/** The part of the split search window kept away from each side of a too-wide digit. */
const SPLIT_MARGIN = 0.25;
/** Splits of one piece stop after this depth (2^4 = 16 digits). */
const MAX_SPLIT_DEPTH = 4;

/** A digit candidate: the pixels of some components that lie in the columns [clipX0, clipX1]. */
export interface Piece {
  labels: number[];
  clipX0: number;
  clipX1: number;
  /** Inclusive bounding box of those pixels. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** When splitTouching cuts a piece (SegmentOptions documents the two fractions). */
export interface SplitRule {
  splitAspect: number;
  splitValley: number;
  /** The median height of the line's pieces. */
  lineHeight: number;
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

export function pieceOf(c: Component): Piece {
  return { labels: [c.label], clipX0: c.x0, clipX1: c.x1, x0: c.x0, y0: c.y0, x1: c.x1, y1: c.y1 };
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
 * rest stands beside it with no column overlap. The two halves of a split component are
 * never joined.
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
    const splitHalves = a.labels.some((l) => b.labels.includes(l));
    if (short && near && oneDigit && !splitHalves) {
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
    clipX0: Math.min(a.clipX0, b.clipX0),
    clipX1: Math.max(a.clipX1, b.clipX1),
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
  };
}

/** Calls `visit(x, y, i)` for each pixel of the piece (its labels, inside its column clip). */
export function forEachPixel(map: InkMap, p: Piece, visit: (x: number, y: number, i: number) => void): void {
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
 * Splits a piece too wide for one digit (wider than splitAspect times its own height or the
 * line's, whichever is more) at the column, away from its sides, with the least ink (the
 * thin joint of two touching digits), when that column is a clear valley of the column ink
 * profile (a wide single 2 or 0 has none); each half is split again while too wide.
 */
export function splitTouching(map: InkMap, p: Piece, rule: SplitRule, depth = MAX_SPLIT_DEPTH): Piece[] {
  const w = p.x1 - p.x0 + 1;
  const h = p.y1 - p.y0 + 1;
  if (depth === 0 || w <= rule.splitAspect * Math.max(h, rule.lineHeight)) return [p];
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
  if (profile[cut] > rule.splitValley * median(profile)) return [p];
  const halves = [
    tighten(map, { ...p, clipX1: p.x0 + cut - 1 }),
    tighten(map, { ...p, clipX0: p.x0 + cut }),
  ];
  return halves.flatMap((half) => (half ? splitTouching(map, half, rule, depth - 1) : []));
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

