/**
 * A Keras-style `model.summary()` of the architecture.
 */
import { LAYERS } from './architecture.ts';
import { PARAM_COUNT } from './params.ts';

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

function pad(s: string, w: number): string {
  return s.length >= w ? s + ' ' : s + ' '.repeat(w - s.length);
}

/** The summary table as text (float32 parameters, 4 bytes each). */
export function summary(): string {
  const w = [30, 28, 12];
  const width = w[0] + w[1] + w[2];
  const lines: string[] = [];
  lines.push('Model: "sequential"');
  lines.push('┏' + '━'.repeat(width) + '┓');
  lines.push(pad('Layer (type)', w[0]) + pad('Output Shape', w[1]) + 'Param #');
  lines.push('┡' + '━'.repeat(width) + '┩');
  for (const l of LAYERS) {
    const shape = `(None, ${l.outputShape.join(', ')})`;
    lines.push(pad(`${l.name} (${l.type})`, w[0]) + pad(shape, w[1]) + formatInt(l.params));
  }
  lines.push('└' + '─'.repeat(width) + '┘');
  const b = formatBytes(PARAM_COUNT * 4);
  lines.push(`Total params: ${formatInt(PARAM_COUNT)} (${b})`);
  lines.push(`Trainable params: ${formatInt(PARAM_COUNT)} (${b})`);
  lines.push(`Non-trainable params: 0 (${formatBytes(0)})`);
  return lines.join('\n');
}
