// Where a training step's kernel time goes: one labelled horizontal bar per kernel row, longest
// first, as an SVG (the rows' own table stays beside it for exact figures).
import type { KernelRow } from '../bench-protocol.ts';

const SVG = 'http://www.w3.org/2000/svg';
const ROW_H = 18;
const LABEL_W = 330;
const BAR_W = 360;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function stepChart(rows: KernelRow[]): SVGSVGElement {
  const sorted = [...rows].sort((a, b) => b.ms - a.ms);
  const max = sorted[0]?.ms ?? 1;
  const width = LABEL_W + BAR_W + 110;
  const svg = el('svg', { id: 'step-chart', width, height: sorted.length * ROW_H + 4, viewBox: `0 0 ${width} ${sorted.length * ROW_H + 4}`, role: 'img' });
  svg.setAttribute('aria-label', `Share of a training step's kernel time: ${sorted.slice(0, 3).map((r) => `${r.name} ${(100 * r.share).toFixed(1)}%`).join(', ')}${sorted.length > 3 ? ', …' : ''}`);
  sorted.forEach((r, i) => {
    const y = i * ROW_H + 2;
    const w = Math.max(1, (BAR_W * r.ms) / max);
    svg.append(el('text', { x: LABEL_W - 6, y: y + 12, 'text-anchor': 'end' }, r.name.length > 52 ? `${r.name.slice(0, 51)}…` : r.name));
    const bar = el('rect', { x: LABEL_W, y, width: w, height: ROW_H - 4 });
    bar.append(el('title', {}, `${r.name}: ${r.ms.toFixed(3)} ms (${(100 * r.share).toFixed(1)}%)`));
    svg.append(bar);
    svg.append(el('text', { x: LABEL_W + w + 4, y: y + 12 }, `${r.ms.toFixed(2)} ms · ${(100 * r.share).toFixed(1)}%`));
  });
  return svg;
}
