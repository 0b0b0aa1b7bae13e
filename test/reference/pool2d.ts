/**
 * float64 CPU reference: MaxPooling2D and AveragePooling2D on NHWC, any pool size, stride and
 * padding (Keras / TensorFlow semantics).
 *
 *   x: (B, H, W, C)  ->  y: (B, HO, WO, C)
 *
 * Geometry, written independently of src/layers/pool2d-geometry.ts (the tests compare them):
 *   'valid': HO = ceil((H - ph + 1) / sh), no padding;
 *   'same':  HO = ceil(H / sh), padding total = H % sh == 0 ? max(ph - sh, 0) : max(ph - H % sh, 0),
 *            top = floor(total / 2) (the rest at the bottom); likewise for W.
 * Max: the largest real cell of the window; ties go to the first in row-major window order
 * (strict `>` while scanning rows then columns), as TensorFlow's CPU MaxPool / MaxPoolGrad.
 * Average: the sum of the window's real cells divided by their number (padded cells count
 * neither in the sum nor in the divisor, as tf.nn.avg_pool and Keras 3's backends).
 * Backward: scatter-add of dy to the arg-max (max) or dy / count to every real cell (average).
 */

export type PoolKind = 'max' | 'average';

export interface PoolShape {
  B: number;
  H: number;
  W: number;
  C: number;
}

export interface PoolWindow {
  ph: number;
  pw: number;
  sh: number;
  sw: number;
  padding: 'valid' | 'same';
}

export interface PoolRefGeometry {
  HO: number;
  WO: number;
  padTop: number;
  padLeft: number;
}

function axis(size: number, pool: number, stride: number, padding: 'valid' | 'same'): [number, number] {
  if (padding === 'valid') return [Math.ceil((size - pool + 1) / stride), 0];
  const total = size % stride === 0 ? Math.max(pool - stride, 0) : Math.max(pool - (size % stride), 0);
  return [Math.ceil(size / stride), Math.floor(total / 2)];
}

export function pool2dRefGeometry(s: PoolShape, w: PoolWindow): PoolRefGeometry {
  const [HO, padTop] = axis(s.H, w.ph, w.sh, w.padding);
  const [WO, padLeft] = axis(s.W, w.pw, w.sw, w.padding);
  return { HO, WO, padTop, padLeft };
}

export interface Pool2dRefResult {
  /** (B, HO, WO, C) pooled values. */
  y: Float64Array;
  /** (B, HO, WO, C) flat index into x of the window's arg-max (max) or -1 (average). */
  argmax: Int32Array;
  /** (B, HO, WO, C) window position di * pw + dj of the arg-max (max) or 0 (average). */
  window: Int32Array;
  /** (HO, WO) number of real (non-padded) cells in each window. */
  counts: Int32Array;
  geometry: PoolRefGeometry;
}

/** Flat input indices of the real cells of window (b, i, j, c), in row-major window order, with their window positions. */
function windowCells(s: PoolShape, w: PoolWindow, g: PoolRefGeometry, b: number, i: number, j: number, c: number): [number, number][] {
  const cells: [number, number][] = [];
  for (let di = 0; di < w.ph; di++)
    for (let dj = 0; dj < w.pw; dj++) {
      const h = i * w.sh - g.padTop + di;
      const x = j * w.sw - g.padLeft + dj;
      if (h >= 0 && h < s.H && x >= 0 && x < s.W) cells.push([((b * s.H + h) * s.W + x) * s.C + c, di * w.pw + dj]);
    }
  return cells;
}

export function pool2dForward(x: Float64Array, s: PoolShape, w: PoolWindow, kind: PoolKind): Pool2dRefResult {
  const g = pool2dRefGeometry(s, w);
  const n = s.B * g.HO * g.WO * s.C;
  const y = new Float64Array(n);
  const argmax = new Int32Array(n).fill(-1);
  const window = new Int32Array(n);
  const counts = new Int32Array(g.HO * g.WO);
  for (let b = 0; b < s.B; b++)
    for (let i = 0; i < g.HO; i++)
      for (let j = 0; j < g.WO; j++)
        for (let c = 0; c < s.C; c++) {
          const cells = windowCells(s, w, g, b, i, j, c);
          const o = ((b * g.HO + i) * g.WO + j) * s.C + c;
          counts[i * g.WO + j] = cells.length;
          if (kind === 'average') {
            y[o] = cells.reduce((acc, [xi]) => acc + x[xi], 0) / cells.length;
            continue;
          }
          let best = 0;
          for (let k = 1; k < cells.length; k++) if (x[cells[k][0]] > x[cells[best][0]]) best = k;
          y[o] = x[cells[best][0]];
          argmax[o] = cells[best][0];
          window[o] = cells[best][1];
        }
  return { y, argmax, window, counts, geometry: g };
}

export function pool2dBackward(dy: Float64Array, fwd: Pool2dRefResult, s: PoolShape, w: PoolWindow, kind: PoolKind): Float64Array {
  const g = fwd.geometry;
  const dx = new Float64Array(s.B * s.H * s.W * s.C);
  for (let b = 0; b < s.B; b++)
    for (let i = 0; i < g.HO; i++)
      for (let j = 0; j < g.WO; j++)
        for (let c = 0; c < s.C; c++) {
          const o = ((b * g.HO + i) * g.WO + j) * s.C + c;
          if (kind === 'max') {
            dx[fwd.argmax[o]] += dy[o];
            continue;
          }
          const cells = windowCells(s, w, g, b, i, j, c);
          for (const [xi] of cells) dx[xi] += dy[o] / cells.length;
        }
  return dx;
}
