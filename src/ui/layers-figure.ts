// The "Layers" view's picture: for each layer of the network, in order, its name, type and
// output shape, then its output for the picture explained: an image output (h, w, c) as a grid of
// its channels (grey, black .. white over the layer's own range), a flat one as a bar per unit
// (up for positive, down for negative, over the layer's largest magnitude); and each
// convolution's filters: the first one's (one input channel) as a small image per filter, a
// deeper one's as a row per filter of its per-input-channel kernels (the first
// MAX_FILTER_ROWS filters). One canvas: shown on the page and saved as a PNG.
import type { FeatureMap } from '../explain/explainer.ts';
import { valueRange } from '../explain/explanation-png.ts';
import type { ConvFilters } from './explain-service.ts';

const FONT = '13px system-ui, sans-serif';
const INK = '#111827';
const PAD = 12;
const TITLE = 24;
const WIDTH = 640;
const TILE_GAP = 2;
const BAR_HEIGHT = 48;
const POSITIVE = '#2563eb';
const NEGATIVE = '#dc2626';

/** A layer's title: "conv2d · Conv2D · 26×26×32". */
export function layerTitle(m: Pick<FeatureMap, 'layer' | 'type' | 'shape'>): string {
  return `${m.layer} · ${m.type} · ${m.shape.join('×')}`;
}

/** A deeper convolution's filters shown: one row each, this many at most. */
export const MAX_FILTER_ROWS = 16;

export interface Grid {
  /** Channel images: (h, w) values of each, read from channels-last data. */
  h: number;
  w: number;
  count: number;
  value: (k: number, y: number, x: number) => number;
  title: string;
  /** Tiles per row (a deeper convolution's filters: its input channels); default: as many as fit. */
  columns?: number;
}

/** Tiles' layout: the scale (screen pixels per value) and the columns that fit the width. */
function gridLayout(g: Grid): { scale: number; columns: number; rows: number; height: number } {
  const room = WIDTH - 2 * PAD;
  const fitted = g.columns ? Math.floor((room / g.columns - TILE_GAP) / g.w) : 8;
  const scale = Math.max(1, Math.min(8, fitted, Math.floor(56 / Math.max(g.h, g.w))));
  const tile = Math.max(g.w * scale, 1) + TILE_GAP;
  const columns = g.columns ?? Math.max(1, Math.min(g.count, Math.floor(room / tile)));
  const rows = Math.ceil(g.count / columns);
  return { scale, columns, rows, height: TITLE + rows * (g.h * scale + TILE_GAP) };
}

function drawGrid(ctx: CanvasRenderingContext2D, g: Grid, y0: number, values: ArrayLike<number>): number {
  const { scale, columns, height } = gridLayout(g);
  ctx.fillStyle = INK;
  ctx.fillText(g.title, PAD, y0 + TITLE / 2);
  const [lo, hi] = valueRange(values);
  const span = hi - lo;
  const image = ctx.createImageData(g.w * scale, g.h * scale);
  const pixels = new Uint32Array(image.data.buffer); // RGBA bytes as one word each (little-endian: A B G R)
  const rowWidth = g.w * scale;
  for (let k = 0; k < g.count; k++) {
    for (let y = 0; y < g.h; y++) {
      for (let x = 0; x < g.w; x++) {
        const byte = span > 0 ? Math.round((255 * (g.value(k, y, x) - lo)) / span) : 0;
        const grey = (0xff000000 | (byte << 16) | (byte << 8) | byte) >>> 0;
        for (let dy = 0; dy < scale; dy++) pixels.fill(grey, (y * scale + dy) * rowWidth + x * scale, (y * scale + dy) * rowWidth + (x + 1) * scale);
      }
    }
    const col = k % columns;
    const row = Math.floor(k / columns);
    ctx.putImageData(image, PAD + col * (g.w * scale + TILE_GAP), y0 + TITLE + row * (g.h * scale + TILE_GAP));
  }
  return height;
}

function drawBars(ctx: CanvasRenderingContext2D, title: string, values: Float32Array, y0: number): number {
  ctx.fillStyle = INK;
  ctx.fillText(title, PAD, y0 + TITLE / 2);
  const [lo, hi] = valueRange(values);
  const top = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const slot = (WIDTH - 2 * PAD) / values.length;
  const base = y0 + TITLE + BAR_HEIGHT / 2;
  for (let i = 0; i < values.length; i++) {
    const h = (values[i] / top) * (BAR_HEIGHT / 2);
    ctx.fillStyle = values[i] >= 0 ? POSITIVE : NEGATIVE;
    ctx.fillRect(PAD + i * slot, h >= 0 ? base - h : base, Math.max(1, slot - 1), Math.max(1, Math.abs(h)));
  }
  return TITLE + BAR_HEIGHT + TILE_GAP;
}

function mapGrid(m: FeatureMap): Grid | undefined {
  if (m.shape.length !== 3) return undefined;
  const [h, w, c] = m.shape;
  return { h, w, count: c, value: (k, y, x) => m.values[(y * w + x) * c + k], title: layerTitle(m) };
}

/**
 * A convolution's filters (kh, kw, cin, cout) as a grid: tile k is filter floor(k / cin)'s
 * kernel over input channel k % cin, a row per filter (one input channel: as many as fit).
 */
export function filterGrid(f: ConvFilters): Grid {
  const [kh, kw, cin, cout] = f.shape;
  const shown = cin === 1 ? cout : Math.min(cout, MAX_FILTER_ROWS);
  const rows = shown < cout ? `the first ${shown} of ${cout} filters` : 'a row per filter';
  return {
    h: kh, w: kw, count: cin * shown,
    value: (k, y, x) => f.values[((y * kw + x) * cin + (k % cin)) * cout + Math.floor(k / cin)],
    title: `${f.layer} filters · ${f.shape.join('×')}${cin > 1 ? ` · ${rows}, a kernel per input channel` : ''}`,
    ...(cin > 1 ? { columns: cin } : {}),
  };
}

/** Draws the view's picture onto `canvas` (resized to fit). */
export function drawLayersFigure(canvas: HTMLCanvasElement, maps: readonly FeatureMap[], filters: readonly ConvFilters[] = []): void {
  const parts = maps.map((m) => ({ m, grid: mapGrid(m) }));
  const heightOf = (p: (typeof parts)[number]) => (p.grid ? gridLayout(p.grid).height : TITLE + BAR_HEIGHT + TILE_GAP);
  const filterParts = filters.map((f) => ({ f, grid: filterGrid(f) }));
  canvas.width = WIDTH;
  canvas.height = PAD * 2 + parts.reduce((a, p) => a + heightOf(p), 0) + filterParts.reduce((a, p) => a + gridLayout(p.grid).height, 0);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas to draw the layers on');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  let y = PAD;
  for (const p of parts) y += p.grid ? drawGrid(ctx, p.grid, y, p.m.values) : drawBars(ctx, layerTitle(p.m), p.m.values, y);
  for (const p of filterParts) y += drawGrid(ctx, p.grid, y, p.f.values);
}
