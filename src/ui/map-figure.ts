// Draws the map of the test set: every image a dot in its true class's colour, the misclassified
// ringed in ink, the one pointed at circled; and the map as a PNG figure (title, the map, a
// legend naming every class). Geometry and colours come from map-layout.ts.
import { describePenultimate } from '../explain/penultimate.ts';
import { blank, FONT, INK, TITLE_FONT } from './figures.ts';
import { int, percent } from './format.ts';
import { classColors, layoutPoints, type Frame } from './map-layout.ts';
import type { TestMap } from './test-map-job.ts';

/** The map's drawing area in canvas pixels (the page scales it down to fit a phone). */
export const MAP_FRAME: Frame = { width: 720, height: 540, margin: 14 };

/** Images the network got wrong. */
export function misclassified(map: Pick<TestMap, 'labels' | 'predicted'>): number {
  let n = 0;
  for (let i = 0; i < map.labels.length; i++) if (map.labels[i] !== map.predicted[i]) n++;
  return n;
}

/** One line saying what the map shows and how it was made. */
export function mapCaption(map: TestMap): string {
  const wrong = misclassified(map);
  const s = map.settings;
  return (
    `${int(map.count)} test images placed by ${describePenultimate(map.layer)}; ` +
    `UMAP with nNeighbors ${s.nNeighbors}, minDist ${s.minDist}, ${s.nEpochs} epochs, seed ${s.seed}. ` +
    `${percent(1 - wrong / map.count, 1)} right, ${int(wrong)} misclassified (ringed). ` +
    `GPU ${map.seconds.features.toFixed(1)} s, UMAP ${map.seconds.projection.toFixed(1)} s.`
  );
}

/** Draws the map's points at canvas coordinates `xy` on a white `frame`; `highlight` is circled (-1: none). */
export function drawMapPoints(ctx: CanvasRenderingContext2D, map: Pick<TestMap, 'labels' | 'predicted' | 'classNames'>, xy: Float32Array, frame: Frame, highlight = -1): void {
  const colors = classColors(map.classNames.length);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, frame.width, frame.height);
  const dot = (i: number, r: number) => {
    ctx.beginPath();
    ctx.arc(xy[2 * i], xy[2 * i + 1], r, 0, 2 * Math.PI);
  };
  const wrong: number[] = [];
  for (let i = 0; i < map.labels.length; i++) {
    if (map.labels[i] !== map.predicted[i]) {
      wrong.push(i);
      continue;
    }
    ctx.fillStyle = colors[map.labels[i]] ?? INK;
    dot(i, 2.6);
    ctx.fill();
  }
  // The mistakes on top, ringed, so that none hides under a cluster.
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1.3;
  for (const i of wrong) {
    ctx.fillStyle = colors[map.labels[i]] ?? INK;
    dot(i, 3);
    ctx.fill();
    dot(i, 4.6);
    ctx.stroke();
  }
  if (highlight >= 0) {
    ctx.lineWidth = 2.5;
    dot(highlight, 9);
    ctx.stroke();
  }
}

/** The map as a figure: a title, the points and a legend of the classes and the rings. */
export function mapFigure(map: TestMap): HTMLCanvasElement {
  const pad = 16;
  const frame = MAP_FRAME;
  const colors = classColors(map.classNames.length);
  const legend = [...map.classNames.map((name, k) => ({ label: name, color: colors[k] })), { label: 'misclassified', color: '' }];
  const measure = blank(1, 1).ctx;
  measure.font = FONT;
  const widths = legend.map((item) => 24 + Math.ceil(measure.measureText(item.label).width) + 18);
  const rows: number[][] = [[]];
  let x = 0;
  widths.forEach((w, k) => {
    if (x + w > frame.width && rows[rows.length - 1].length) {
      rows.push([]);
      x = 0;
    }
    rows[rows.length - 1].push(k);
    x += w;
  });
  const title = 48;
  const line = 24;
  const { canvas, ctx } = blank(frame.width + 2 * pad, pad + title + frame.height + 8 + rows.length * line + pad);
  ctx.font = TITLE_FONT;
  ctx.fillStyle = INK;
  ctx.fillText(`What the network learned: ${int(map.count)} test images by ${map.layer.source ?? 'the input'}'s output (UMAP)`, pad, pad + 10);
  ctx.font = '12px system-ui, sans-serif';
  const st = map.settings;
  ctx.fillText(
    `input of ${map.layer.dense} (${int(map.layer.width)} values) · UMAP: nNeighbors ${st.nNeighbors}, minDist ${st.minDist}, ${st.nEpochs} epochs, seed ${st.seed} · ${int(misclassified(map))} misclassified (ringed)`,
    pad,
    pad + 14 + title / 2,
    frame.width,
  );
  ctx.save();
  ctx.translate(pad, pad + title);
  drawMapPoints(ctx, map, layoutPoints(map.points, frame), frame);
  ctx.restore();
  ctx.font = FONT;
  let y = pad + title + frame.height + 8 + line / 2;
  for (const row of rows) {
    let lx = pad;
    for (const k of row) {
      const item = legend[k];
      ctx.beginPath();
      ctx.arc(lx + 8, y, 5, 0, 2 * Math.PI);
      if (item.color) {
        ctx.fillStyle = item.color;
        ctx.fill();
      } else {
        ctx.strokeStyle = INK;
        ctx.lineWidth = 1.3;
        ctx.stroke();
      }
      ctx.fillStyle = INK;
      ctx.fillText(item.label, lx + 24, y);
      lx += widths[k];
    }
    y += line;
  }
  return canvas;
}
