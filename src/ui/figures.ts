// The seed program's two figures as PNG files: the learning curves (the page's three charts
// drawn into one picture with their titles and legends) and a grid of test images with the
// predicted and true classes.
import { imageRgba } from '../data/image-pixels.ts';
import type { TestResults } from './protocol.ts';
import { download } from './download.ts';

export interface ChartPicture {
  title: string;
  /** The chart's canvas (plot, axes and axis labels). */
  canvas: HTMLCanvasElement;
  legend: { label: string; color: string }[];
}

export const FONT = '14px system-ui, sans-serif';
export const TITLE_FONT = '600 15px system-ui, sans-serif';
export const INK = '#111827';

/** A white canvas of this size to draw a figure on. */
export function blank(width: number, height: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width);
  canvas.height = Math.ceil(height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas to draw the figure on');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.textBaseline = 'middle';
  return { canvas, ctx };
}

/** The charts stacked: for each its title, its plot and a legend line. */
export function chartsFigure(charts: ChartPicture[]): HTMLCanvasElement {
  const pad = 16;
  const title = 28;
  const legend = 26;
  const width = Math.max(...charts.map((c) => c.canvas.width)) + 2 * pad;
  const height = charts.reduce((h, c) => h + title + c.canvas.height + legend, pad);
  const { canvas, ctx } = blank(width, height);
  let y = pad;
  for (const c of charts) {
    ctx.font = TITLE_FONT;
    ctx.fillStyle = INK;
    ctx.fillText(c.title, pad, y + title / 2);
    y += title;
    ctx.drawImage(c.canvas, pad, y);
    y += c.canvas.height;
    ctx.font = FONT;
    let x = pad;
    for (const item of c.legend) {
      ctx.fillStyle = item.color;
      ctx.fillRect(x, y + legend / 2 - 2, 18, 4);
      ctx.fillStyle = INK;
      ctx.fillText(item.label, x + 24, y + legend / 2);
      x += 24 + ctx.measureText(item.label).width + 20;
    }
    y += legend;
  }
  return canvas;
}

/**
 * Test images in rows of `columns`, each `scale` times its size and captioned "P (T)": the
 * predicted and true classes by name, mistakes in red. Grey images are drawn dark on white, as
 * the seed's figure drew MNIST's digits; colour images as they are.
 */
export function predictionsFigure(results: Pick<TestResults, 'samples' | 'imageShape' | 'classNames'>, columns = 8, scale = 3): HTMLCanvasElement {
  const { samples, imageShape, classNames } = results;
  if (samples.length === 0) throw new Error('no predictions to draw yet: evaluate the model first');
  const [h, w] = imageShape;
  const name = (label: number) => classNames[label] ?? String(label);
  const captions = samples.map((s) => `${name(s.predicted)} (${name(s.label)})`);
  const caption = 22;
  const gap = 10;
  const measure = blank(1, 1).ctx;
  measure.font = FONT;
  const cellW = Math.max(w * scale, ...captions.map((c) => Math.ceil(measure.measureText(c).width))) + gap;
  const cellH = h * scale + caption + gap;
  const rows = Math.ceil(samples.length / columns);
  const { canvas, ctx } = blank(columns * cellW + gap, rows * cellH + gap + 30);
  ctx.font = TITLE_FONT;
  ctx.fillStyle = INK;
  ctx.fillText('Test images: predicted (true) class; mistakes in red', gap, 16);
  const image = document.createElement('canvas');
  image.width = w;
  image.height = h;
  const ictx = image.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.textAlign = 'center';
  samples.forEach((s, i) => {
    const x = gap + (i % columns) * cellW;
    const y = 30 + gap + Math.floor(i / columns) * cellH;
    ictx.putImageData(new ImageData(imageRgba(s.image, imageShape, true), w, h), 0, 0);
    const centre = x + (cellW - gap) / 2;
    ctx.drawImage(image, centre - (w * scale) / 2, y, w * scale, h * scale);
    const ok = s.predicted === s.label;
    ctx.font = FONT;
    ctx.fillStyle = ok ? INK : '#b91c1c';
    ctx.fillText(captions[i], centre, y + h * scale + caption / 2 + 2);
  });
  return canvas;
}

/** Offers a canvas as a PNG download named `name`. */
export function downloadPng(canvas: HTMLCanvasElement, name: string): void {
  canvas.toBlob((blob) => blob && download(name, blob), 'image/png');
}
