// The seed program's two figures as PNG files: the learning curves (the page's three charts
// drawn into one picture with their titles and legends) and a grid of test digits with the
// predicted and true labels.
import type { Sample } from './protocol.ts';
import { download } from './download.ts';

export interface ChartPicture {
  title: string;
  /** The chart's canvas (plot, axes and axis labels). */
  canvas: HTMLCanvasElement;
  legend: { label: string; color: string }[];
}

const FONT = '14px system-ui, sans-serif';
const TITLE_FONT = '600 15px system-ui, sans-serif';
const INK = '#111827';

function blank(width: number, height: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
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

/** Test digits in rows of `columns`, each captioned "P (T)": predicted and true label, mistakes in red. */
export function predictionsFigure(samples: readonly Sample[], columns = 8, scale = 3): HTMLCanvasElement {
  if (samples.length === 0) throw new Error('no predictions to draw yet: evaluate the model first');
  const side = 28 * scale;
  const caption = 22;
  const gap = 10;
  const rows = Math.ceil(samples.length / columns);
  const cellW = side + gap;
  const cellH = side + caption + gap;
  const { canvas, ctx } = blank(columns * cellW + gap, rows * cellH + gap + 30);
  ctx.font = TITLE_FONT;
  ctx.fillStyle = INK;
  ctx.fillText('Test digits: predicted (true) label; mistakes in red', gap, 16);
  const digit = document.createElement('canvas');
  digit.width = 28;
  digit.height = 28;
  const dctx = digit.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.textAlign = 'center';
  samples.forEach((s, i) => {
    const x = gap + (i % columns) * cellW;
    const y = 30 + gap + Math.floor(i / columns) * cellH;
    const img = dctx.createImageData(28, 28);
    for (let p = 0; p < 784; p++) {
      const v = 255 - (s.image[p] ?? 0); // dark ink on white, as the seed's figure
      img.data.set([v, v, v, 255], p * 4);
    }
    dctx.putImageData(img, 0, 0);
    ctx.drawImage(digit, x, y, side, side);
    const ok = s.predicted === s.label;
    ctx.font = FONT;
    ctx.fillStyle = ok ? INK : '#b91c1c';
    ctx.fillText(`${s.predicted} (${s.label})`, x + side / 2, y + side + caption / 2 + 2);
  });
  return canvas;
}

/** Offers a canvas as a PNG download named `name`. */
export function downloadPng(canvas: HTMLCanvasElement, name: string): void {
  canvas.toBlob((blob) => blob && download(name, blob), 'image/png');
}
