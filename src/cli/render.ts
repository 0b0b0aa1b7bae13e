// Terminal rendering for `npm run train`: Keras-style progress and epoch lines, MNIST digits
// drawn with Unicode quadrant blocks, and other images' predictions as lines of class names.
// Pure functions (no I/O).
import type { EpochRecord, TrainEvent } from '../train/types.ts';

export function formatInt(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras's durations: "850ms", "31s", "2m 05s", "1h 02m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function metric(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

/** `[=========>....................]` */
export function progressBar(step: number, steps: number, width = 30): string {
  const frac = steps > 0 ? Math.min(1, Math.max(0, step / steps)) : 1;
  const done = Math.floor(frac * width);
  if (done >= width) return `[${'='.repeat(width)}]`;
  return `[${'='.repeat(done)}>${'.'.repeat(width - done - 1)}]`;
}

function counter(step: number, steps: number): string {
  return `${String(step).padStart(String(steps).length)}/${steps}`;
}

type Progress = Extract<TrainEvent, { type: 'progress' }>;

/** `  84/422 [=====>........] - ETA: 25s - loss: 0.3012 - accuracy: 0.9071 - 2,210 samples/s` */
export function progressLine(e: Progress, elapsedSeconds: number): string {
  const eta = e.step > 0 ? (elapsedSeconds / e.step) * (e.steps - e.step) : NaN;
  return (
    `${counter(e.step, e.steps)} ${progressBar(e.step, e.steps)} - ETA: ${formatDuration(eta)}` +
    ` - loss: ${metric(e.loss)} - accuracy: ${metric(e.accuracy)} - ${formatInt(e.samplesPerSecond)} samples/s`
  );
}

/** `422/422 - 31s - 73ms/step - loss: 0.0712 - accuracy: 0.9781 - val_loss: 0.0401 - val_accuracy: 0.9887` (bar when `bar`). */
export function epochLine(r: EpochRecord, steps: number, bar = false): string {
  const parts = [`${steps}/${steps}${bar ? ' ' + progressBar(steps, steps) : ''}`, formatDuration(r.seconds)];
  if (steps > 0) parts.push(`${formatDuration(r.seconds / steps)}/step`);
  parts.push(`loss: ${metric(r.loss)}`, `accuracy: ${metric(r.accuracy)}`);
  if (!Number.isNaN(r.val_loss)) parts.push(`val_loss: ${metric(r.val_loss)}`, `val_accuracy: ${metric(r.val_accuracy)}`);
  return parts.join(' - ');
}

// Quadrant blocks indexed by (top-left 1, top-right 2, bottom-left 4, bottom-right 8).
const QUADRANTS = [' ', '▘', '▝', '▀', '▖', '▌', '▞', '▛', '▗', '▚', '▐', '▜', '▄', '▙', '▟', '█'];

/**
 * One 28x28 digit as 14 lines of 14 characters: each character is a 2x2 pixel block drawn
 * with a quadrant character (pixels >= threshold are ink).
 */
export function digitLines(pixels: Uint8Array, side = 28, threshold = 96): string[] {
  const lines: string[] = [];
  for (let y = 0; y < side; y += 2) {
    let line = '';
    for (let x = 0; x < side; x += 2) {
      const ink = (yy: number, xx: number) => (yy < side && xx < side && pixels[yy * side + xx] >= threshold ? 1 : 0);
      line += QUADRANTS[ink(y, x) | (ink(y, x + 1) << 1) | (ink(y + 1, x) << 2) | (ink(y + 1, x + 1) << 3)];
    }
    lines.push(line);
  }
  return lines;
}

export interface SamplePrediction {
  label: number;
  probabilities: ArrayLike<number>;
}

export function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/**
 * Digits side by side, `perRow` to a row (5 fit in 80 columns), each with a caption
 * `true 7 pred 7 ✓`.
 */
export function renderSamples(images: Uint8Array, samples: SamplePrediction[], perRow = 5): string {
  const width = 14;
  const gap = '  ';
  const out: string[] = [];
  for (let first = 0; first < samples.length; first += perRow) {
    const row = samples.slice(first, first + perRow);
    const drawn = row.map((_, i) => digitLines(images.subarray((first + i) * 784, (first + i + 1) * 784)));
    for (let y = 0; y < drawn[0].length; y++) out.push(drawn.map((d) => d[y]).join(gap).trimEnd());
    out.push(
      row
        .map((s) => {
          const pred = argmax(s.probabilities);
          return `true ${s.label} pred ${pred}${pred === s.label ? '✓' : '✗'}`.padEnd(width);
        })
        .join(gap)
        .trimEnd(),
    );
    out.push(
      row
        .map((s) => `(${(s.probabilities[argmax(s.probabilities)] * 100).toFixed(1)}%)`.padStart(width - 1).padEnd(width))
        .join(gap)
        .trimEnd(),
    );
    if (first + perRow < samples.length) out.push('');
  }
  return out.join('\n');
}

/** One line per sample, for images that are not drawn (the user's own): `  3. true cat, pred dog ✗ (54.2%)`. */
export function renderPredictions(samples: SamplePrediction[], classNames: readonly string[]): string {
  const name = (c: number) => classNames[c] ?? String(c);
  const width = Math.max(...samples.map((s) => name(s.label).length));
  return samples
    .map((s, i) => {
      const pred = argmax(s.probabilities);
      const mark = pred === s.label ? '✓' : '✗';
      return `${String(i + 1).padStart(3)}. true ${`${name(s.label)},`.padEnd(width + 1)} pred ${name(pred)} ${mark} (${(s.probabilities[pred] * 100).toFixed(1)}%)`;
    })
    .join('\n');
}
