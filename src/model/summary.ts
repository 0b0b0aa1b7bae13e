/**
 * A Keras-style `model.summary()` of a model.
 */
import type { ModelInfo } from './model-info.ts';

function formatInt(n: number): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras's byte formatting (1 KB = 1024 B), e.g. 900136 -> "879.04 KB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)} ${units[u]}`;
}

/** The summary table as text, drawn like Keras 3 (float32 parameters, 4 bytes each). */
export function summary(model: ModelInfo): string {
  const rows = model.layers.map((l) => [`${l.spec.name} (${l.spec.type})`, `(None, ${l.outputShape.join(', ')})`, formatInt(l.paramCount)]);
  const head = ['Layer (type)', 'Output Shape', 'Param #'];
  const w = [0, 1, 2].map((c) => Math.max(head[c].length, ...rows.map((r) => r[c].length)) + 2);
  const cell = (text: string, c: number): string => (c === 2 ? ' ' + text.padStart(w[c] - 2) + ' ' : ' ' + text.padEnd(w[c] - 2) + ' ');
  const rule = (l: string, m: string, r: string, f: string): string => l + w.map((n) => f.repeat(n)).join(m) + r;
  const lines: string[] = [`Model: "${model.spec.name}"`];
  lines.push(rule('┏', '┳', '┓', '━'));
  lines.push('┃' + head.map(cell).join('┃') + '┃');
  lines.push(rule('┡', '╇', '┩', '━'));
  for (const r of rows) lines.push('│' + r.map(cell).join('│') + '│');
  lines.push(rule('└', '┴', '┘', '─'));
  const { count, trainableCount } = model.params;
  const line = (what: string, n: number) => ` ${what} params: ${formatInt(n)} (${formatBytes(n * 4)})`;
  lines.push(line('Total', count));
  lines.push(line('Trainable', trainableCount));
  lines.push(line('Non-trainable', count - trainableCount));
  return lines.join('\n');
}
