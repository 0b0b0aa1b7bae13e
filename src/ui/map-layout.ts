// The map's geometry and colours, without the DOM: map coordinates fitted into a canvas (one
// scale for both axes, centred, with a margin), the point nearest a pointer (hover, tap), the
// next point in a direction (the arrow keys) and one colour per class. Node-testable.

/** A canvas area: its size in pixels and the margin kept free on every side. */
export interface Frame {
  width: number;
  height: number;
  margin: number;
}

/**
 * (N, 2) canvas coordinates of (N, 2) map coordinates: the points' bounding box scaled by one
 * factor to fit inside the margin, centred; y grows downwards as the map's y grows upwards.
 */
export function layoutPoints(points: Float32Array, frame: Frame): Float32Array {
  const n = points.length / 2;
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const [x, y] = [points[2 * i], points[2 * i + 1]];
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`map point ${i} is not finite (${x}, ${y})`);
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const innerW = Math.max(1, frame.width - 2 * frame.margin);
  const innerH = Math.max(1, frame.height - 2 * frame.margin);
  const spanX = maxX - minX;
  const spanY = maxY - minY;
  const scale = Math.min(spanX > 0 ? innerW / spanX : Infinity, spanY > 0 ? innerH / spanY : Infinity);
  const s = Number.isFinite(scale) ? scale : 0;
  const cx = frame.width / 2;
  const cy = frame.height / 2;
  const midX = (minX + maxX) / 2;
  const midY = (minY + maxY) / 2;
  const out = new Float32Array(points.length);
  for (let i = 0; i < n; i++) {
    out[2 * i] = cx + (points[2 * i] - midX) * s;
    out[2 * i + 1] = cy - (points[2 * i + 1] - midY) * s;
  }
  return out;
}

/** The index of the point of (N, 2) `xy` nearest (x, y) within `radius` (-1: none that near). */
export function nearestPoint(xy: Float32Array, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < xy.length / 2; i++) {
    const dx = xy[2 * i] - x;
    const dy = xy[2 * i + 1] - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The point nearest `from` among those lying in `direction` of it (within 45° of that
 * direction), or `from` when there is none: the arrow keys walk the map this way.
 */
export function stepPoint(xy: Float32Array, from: number, direction: Direction): number {
  const [fx, fy] = [xy[2 * from], xy[2 * from + 1]];
  let best = from;
  let bestD = Infinity;
  for (let i = 0; i < xy.length / 2; i++) {
    if (i === from) continue;
    const dx = xy[2 * i] - fx;
    const dy = xy[2 * i + 1] - fy;
    const along = direction === 'right' ? dx : direction === 'left' ? -dx : direction === 'down' ? dy : -dy;
    const across = direction === 'right' || direction === 'left' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 0 || across > along) continue;
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

/** Ten colours told apart easily (Tableau 10), for up to ten classes. */
const TEN = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** One colour per class: Tableau 10 up to ten classes, else hues spaced evenly. */
export function classColors(classes: number): string[] {
  if (classes <= TEN.length) return TEN.slice(0, classes);
  return Array.from({ length: classes }, (_, k) => `hsl(${Math.round((360 * k) / classes)}, 70%, ${k % 2 ? 40 : 55}%)`);
}
