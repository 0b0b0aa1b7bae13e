// Terminal rendering for `npm run train`: Keras-style progress and epoch lines, test images
// (any height, width and channels) drawn with Unicode quadrant blocks and captioned with their
// classes' names, and, for pictures that do not draw well so (the user's own), predictions as
// lines of class names. Pure functions (no I/O).
import { greyAt, imageBytes, type ImageShape } from '../data/image-pixels.ts';
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
 * One (H, W, C) image as ceil(H / 2) lines of ceil(W / 2) characters: each character is a 2x2
 * pixel block drawn with a quadrant character (pixels whose grey level is >= threshold are ink).
 */
export function imageLines(pixels: Uint8Array, shape: ImageShape, threshold = 96): string[] {
  const [h, w, c] = shape;
  const lines: string[] = [];
  for (let y = 0; y < h; y += 2) {
    let line = '';
    for (let x = 0; x < w; x += 2) {
      const ink = (yy: number, xx: number) => (yy < h && xx < w && greyAt(pixels, yy * w + xx, c) >= threshold ? 1 : 0);
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

/** The images and what their labels mean, for renderSamples. */
export interface SampleImages {
  /** (N, H, W, C) bytes. */
  images: Uint8Array;
  shape: ImageShape;
  /** Label l means classNames[l]. */
  classNames: readonly string[];
}

/** Columns a rendered row of samples may fill. */
const TERMINAL_COLUMNS = 80;

/**
 * Images side by side, as many to a row as fit in 80 columns (at most `perRow`), each with a
 * caption `true 7 pred 7✓` naming the classes, and the prediction's confidence.
 */
export function renderSamples({ images, shape, classNames }: SampleImages, samples: SamplePrediction[], perRow = 5): string {
  const name = (label: number) => classNames[label] ?? String(label);
  const captions = samples.map((s) => {
    const pred = argmax(s.probabilities);
    return `true ${name(s.label)} pred ${name(pred)}${pred === s.label ? '✓' : '✗'}`;
  });
  const gap = '  ';
  const width = Math.max(Math.ceil(shape[1] / 2), ...captions.map((c) => [...c].length));
  const fit = Math.max(1, Math.min(perRow, Math.floor((TERMINAL_COLUMNS + gap.length) / (width + gap.length))));
  const size = imageBytes(shape);
  const out: string[] = [];
  for (let first = 0; first < samples.length; first += fit) {
    const row = samples.slice(first, first + fit);
    const drawn = row.map((_, i) => imageLines(images.subarray((first + i) * size, (first + i + 1) * size), shape).map((l) => l.padEnd(width)));
    for (let y = 0; y < drawn[0].length; y++) out.push(drawn.map((d) => d[y]).join(gap).trimEnd());
    out.push(
      captions
        .slice(first, first + fit)
        .map((c) => c.padEnd(width))
        .join(gap)
        .trimEnd(),
    );
    out.push(
      row
        .map((s) => `(${(s.probabilities[argmax(s.probabilities)] * 100).toFixed(1)}%)`.padStart(width - 1).padEnd(width))
        .join(gap)
        .trimEnd(),
    );
    if (first + fit < samples.length) out.push('');
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
