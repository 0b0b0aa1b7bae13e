// Lines of writing for the number segmenter (segment.ts): components grouped into lines
// (neighbours side by side at one height, chained), the lines ordered top to bottom, and
// the picture's tilt measured from the digits' centres along the lines and undone: a line
// written or photographed at an angle is read from its own map, turned level. Pure.
import type { Component } from './components.ts';
import type { InkMap } from './digit-pieces.ts';

/** Components side by side belong to one line when they share this fraction of the shorter one's rows... */
const LINE_OVERLAP = 0.5;
/** ...and the gap between them is at most this many times the taller one's height. */
const LINE_GAP = 1.5;
/** Components in the same columns this close (a fraction of the taller one's height) are parts of one broken digit. */
const BROKEN_GAP = 0.2;
/** ...and together at most this many times as tall as the picture's typical component. */
const BROKEN_TALL = 1.3;
/** Lines with fewer digit-sized groups than this do not say how the picture is tilted (two digits a little out of line would). */
const MIN_TILT_POINTS = 3;
/** A tilt smaller than this (radians, about 1.5 degrees) is left alone. */
const MIN_TILT = 0.026;
/** A tilt larger than this (radians, about 20 degrees) is not measured from digits along a line. */
const MAX_TILT = 0.35;

/** One line of writing, with its own (levelled) view of the ink. */
export interface TextLine {
  /** The line's ink and labels: the picture's own map, or a copy turned level. */
  map: InkMap;
  /** The line's components, with their boxes in `map`'s coordinates. */
  components: Component[];
  /** The tilt undone, radians (positive: the line fell to the right). */
  angle: number;
  /** Where a pixel centre (x + 0.5, y + 0.5) of `map` lies in the picture. */
  toImage(x: number, y: number): [number, number];
}

/** The components grouped into lines, top to bottom; each line's components left to right. */
export function groupLines(components: Component[]): Component[][] {
  const parent = components.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  const heights = components.map(height).sort((a, b) => a - b);
  const typical = heights[heights.length >> 1] ?? 0;
  for (let i = 0; i < components.length; i++) {
    for (let j = i + 1; j < components.length; j++) {
      const [a, b] = [components[i], components[j]];
      if (sameLine(a, b, typical)) parent[root(i)] = root(j);
    }
  }
  const groups = new Map<number, Component[]>();
  components.forEach((c, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), c]));
  const lines = joinRowsOfGroups([...groups.values()]);
  return lines.map((l) => l.sort((a, b) => a.x0 + a.x1 - b.x0 - b.x1)).sort((a, b) => centreY(a) - centreY(b));
}

function height(c: Component): number {
  return c.y1 - c.y0 + 1;
}

/**
 * Side by side at one height; or one just above the other in the same columns, together no
 * taller than a digit (`typical`: the components' median height), as the two parts of a
 * stroke broken across are (two digits of two lines, one above the other, are twice as tall).
 */
function sameLine(a: Component, b: Component, typical: number): boolean {
  const taller = Math.max(height(a), height(b));
  const rows = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1; // negative: the gap between them
  const columns = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 1;
  const sideBySide = rows >= LINE_OVERLAP * Math.min(height(a), height(b)) && -columns <= LINE_GAP * taller;
  const together = Math.max(a.y1, b.y1) - Math.min(a.y0, b.y0) + 1;
  const stacked =
    columns >= LINE_OVERLAP * Math.min(a.x1 - a.x0, b.x1 - b.x0) + 1 && -rows <= BROKEN_GAP * taller && together <= BROKEN_TALL * typical;
  return sideBySide || stacked;
}

/** Groups at one height far apart (a number written with a wide space) are one line. */
function joinRowsOfGroups(groups: Component[][]): Component[][] {
  const span = (g: Component[]) => ({ y0: Math.min(...g.map((c) => c.y0)), y1: Math.max(...g.map((c) => c.y1)) });
  const out = [...groups];
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 1; j < out.length; j++) {
      const [a, b] = [span(out[i]), span(out[j])];
      const shared = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1;
      if (shared >= LINE_OVERLAP * Math.min(a.y1 - a.y0 + 1, b.y1 - b.y0 + 1)) {
        out[i] = [...out[i], ...out[j]];
        out.splice(j, 1);
        j = i;
      }
    }
  }
  return out;
}

/** The area-weighted mean of the components' centres' rows. */
function centreY(line: Component[]): number {
  const area = line.reduce((s, c) => s + c.area, 0);
  return line.reduce((s, c) => s + c.area * (c.y0 + c.y1) / 2, 0) / area;
}

/**
 * The picture's tilt (radians) from the centres of the digit-sized groups of each line (a
 * group: components overlapping in columns, as a digit and its broken-off strokes do): the
 * slope fitted to all lines of three or more at once, each about its own mean. 0 when there
 * are none, or the fit is steeper than a line of digits.
 */
export function measureTilt(lines: { x: number; y: number }[][]): number {
  let sxy = 0;
  let sxx = 0;
  let spans = 0;
  for (const points of lines) {
    if (points.length < MIN_TILT_POINTS) continue;
    spans += points.length - 1;
    const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
    const my = points.reduce((s, p) => s + p.y, 0) / points.length;
    for (const p of points) {
      sxy += (p.x - mx) * (p.y - my);
      sxx += (p.x - mx) ** 2;
    }
  }
  if (spans < 1 || sxx === 0) return 0;
  const angle = Math.atan(sxy / sxx);
  return Math.abs(angle) < MIN_TILT || Math.abs(angle) > MAX_TILT ? 0 : angle;
}

/**
 * The line as it reads: the picture's own map when `angle` is 0, else a copy of the
 * line's region turned by -angle about its centre (ink bilinear, labels nearest; ink of
 * other lines left out), its components' boxes measured again in the copy.
 */
export function levelLine(map: InkMap, components: Component[], angle: number): TextLine {
  if (angle === 0) return { map, components, angle, toImage: (x, y) => [x + 0.5, y + 0.5] };
  const mine = new Set(components.map((c) => c.label));
  const x0 = Math.max(0, Math.min(...components.map((c) => c.x0)) - 2);
  const y0 = Math.max(0, Math.min(...components.map((c) => c.y0)) - 2);
  const x1 = Math.min(map.width - 1, Math.max(...components.map((c) => c.x1)) + 2);
  const y1 = Math.min(map.height - 1, Math.max(...components.map((c) => c.y1)) + 2);
  const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const width = Math.ceil(Math.abs(w * cos) + Math.abs(h * sin)) + 2;
  const height = Math.ceil(Math.abs(w * sin) + Math.abs(h * cos)) + 2;
  const [cx, cy] = [x0 + w / 2, y0 + h / 2];
  const toImage = (x: number, y: number): [number, number] => {
    const [u, v] = [x + 0.5 - width / 2, y + 0.5 - height / 2];
    return [cx + cos * u - sin * v, cy + sin * u + cos * v];
  };
  const ink = new Float64Array(width * height); // (height, width)
  const labels = new Int32Array(width * height); // (height, width)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = toImage(x, y);
      const [nx, ny] = [Math.floor(sx), Math.floor(sy)];
      if (nx < 0 || ny < 0 || nx >= map.width || ny >= map.height) continue;
      const label = map.labels[ny * map.width + nx];
      if (label !== 0 && !mine.has(label)) continue; // another line's ink
      labels[y * width + x] = label;
      ink[y * width + x] = sample(map, sx - 0.5, sy - 0.5);
    }
  }
  const level: InkMap = { width, height, ink, labels, member: map.member };
  return { map: level, components: boxesIn(level, components), angle, toImage };
}

/** Bilinear ink at (x, y) in pixel-index coordinates (0 outside the map). */
function sample(map: InkMap, x: number, y: number): number {
  const at = (c: number, r: number) => (c < 0 || r < 0 || c >= map.width || r >= map.height ? 0 : map.ink[r * map.width + c]);
  const [c, r] = [Math.floor(x), Math.floor(y)];
  const [fx, fy] = [x - c, y - r];
  return (1 - fy) * ((1 - fx) * at(c, r) + fx * at(c + 1, r)) + fy * ((1 - fx) * at(c, r + 1) + fx * at(c + 1, r + 1));
}

/** The components' boxes and areas as they lie in `map` (a component that fell away is dropped). */
function boxesIn(map: InkMap, components: Component[]): Component[] {
  const byLabel = new Map(components.map((c) => [c.label, { ...c, area: 0, x0: map.width, y0: map.height, x1: -1, y1: -1 }]));
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const c = byLabel.get(map.labels[y * map.width + x]);
      if (!c) continue;
      c.area++;
      c.x0 = Math.min(c.x0, x);
      c.x1 = Math.max(c.x1, x);
      c.y0 = Math.min(c.y0, y);
      c.y1 = Math.max(c.y1, y);
    }
  }
  return [...byLabel.values()].filter((c) => c.area > 0);
}
