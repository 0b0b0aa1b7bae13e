// The numbers behind the learning-curve charts, without any drawing: the smoothing of the batch
// loss, the axis ranges and the curves' points (pure, so they are unit-tested).
import type { EpochRecord } from '../train/types.ts';

/**
 * Span (in batches) of the batch-loss moving average: about 4% of an epoch, 3 to 25 batches.
 * An EMA of span N weighs batch i back by (1 - 2/(N+1))^i and trails the batches by about
 * (N - 1) / 2 of them, so the smoothed line stays within a few percent of an epoch of them.
 */
export function emaSpanFor(stepsPerEpoch: number): number {
  return Math.max(3, Math.min(25, Math.round(stepsPerEpoch / 25)));
}

/**
 * Exponential moving average with bias correction: s_t = b s_(t-1) + (1 - b) x_t, shown as
 * s_t / (1 - b^t), so the first points are the mean of the batches so far rather than pulled
 * towards 0 or towards the first batch. Non-finite values are skipped.
 */
export class SmoothedLoss {
  readonly span: number;
  private readonly beta: number;
  private sum = 0;
  private weight = 0;

  constructor(span: number) {
    if (!(span >= 1)) throw new Error(`smoothing span must be at least 1 batch, got ${span}`);
    this.span = span;
    this.beta = 1 - 2 / (span + 1);
  }

  /** Adds one batch loss; returns the smoothed value (NaN before the first finite batch). */
  push(loss: number): number {
    if (Number.isFinite(loss)) {
      this.sum = this.beta * this.sum + (1 - this.beta) * loss;
      this.weight = this.beta * this.weight + (1 - this.beta);
    }
    return this.weight > 0 ? this.sum / this.weight : Number.NaN;
  }

  /** The legend's words for this smoothing. */
  get description(): string {
    return `moving average (EMA over ~${this.span} batches, bias-corrected)`;
  }
}

/**
 * The epoch axis fitted to the data: from the start of training (or of the data, when it
 * starts later) to the last point, at least a tenth of an epoch wide. A 1-epoch run shows
 * 0 to 1 with its points spread over it, not a lone dot on 0-2.
 */
export function epochRange(xs: readonly number[]): [number, number] {
  const finite = xs.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.max(0, Math.floor(Math.min(...finite)) - (Number.isInteger(Math.min(...finite)) ? 1 : 0));
  const hi = Math.max(...finite);
  return [lo, Math.max(hi, lo + 0.1)];
}

/** A y range for percentages: the data's span with a margin, inside 0-100, at least 1 point wide. */
export function percentRange(values: readonly (number | null)[]): [number, number] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return [0, 100];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const pad = Math.max(0.5, (hi - lo) * 0.08);
  lo = Math.max(0, lo - pad);
  hi = Math.min(100, hi + pad);
  if (hi - lo < 1) [lo, hi] = hi >= 100 ? [99, 100] : [lo, lo + 1];
  return [lo, hi];
}

/** One point of the epoch curves: x in epochs (fractional while an epoch runs); accuracy in %. */
export interface CurvePoint {
  x: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

/** The curves as uPlot's aligned columns (null where a series has no point at that x). */
export interface CurveColumns {
  x: number[];
  loss: (number | null)[];
  valLoss: (number | null)[];
  accuracy: (number | null)[];
  valAccuracy: (number | null)[];
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * Training loss and accuracy (the mean so far in the running epoch, from progress events)
 * and, at each epoch's end, the epoch's figures with validation. A run continued after a
 * resume keeps the points of the epochs before it (only their end points when they come from
 * an autosave).
 */
export class Curves {
  private points: CurvePoint[] = [];

  /**
   * Continues after `history` (epoch i+1 is history[i]): points past it are dropped (a run
   * restarting from there replaces them) and each finished epoch has its end point.
   */
  resumeAt(history: readonly EpochRecord[]): void {
    const kept = this.points.filter((p) => p.x <= history.length && !Number.isInteger(p.x));
    const ends = history.map((r, i) => Curves.endPoint(i + 1, r));
    this.points = [...kept, ...ends].sort((a, b) => a.x - b.x);
  }

  /** Mean loss and accuracy (0-1) over the first `step` of `steps` batches of `epoch` (1-based). */
  addProgress(epoch: number, step: number, steps: number, loss: number, accuracy: number): void {
    if (step >= steps) return; // the epoch's end point (with validation) follows
    this.points.push({ x: epoch - 1 + step / steps, loss, accuracy: accuracy * 100, valLoss: null, valAccuracy: null });
  }

  /** Epoch `epoch` (1-based) ended with `record`. */
  addEpoch(epoch: number, record: EpochRecord): void {
    this.points = this.points.filter((p) => p.x < epoch).concat(Curves.endPoint(epoch, record));
  }

  columns(): CurveColumns {
    const p = this.points;
    return {
      x: p.map((q) => q.x),
      loss: p.map((q) => finiteOrNull(q.loss)),
      valLoss: p.map((q) => q.valLoss),
      accuracy: p.map((q) => finiteOrNull(q.accuracy)),
      valAccuracy: p.map((q) => q.valAccuracy),
    };
  }

  private static endPoint(epoch: number, r: EpochRecord): CurvePoint {
    return {
      x: epoch,
      loss: r.loss,
      accuracy: r.accuracy * 100,
      valLoss: finiteOrNull(r.val_loss),
      valAccuracy: Number.isFinite(r.val_accuracy) ? r.val_accuracy * 100 : null,
    };
  }
}

/** The batch losses kept for the batch chart (x in epochs), e.g. in an autosave. */
export interface BatchHistory {
  x: number[];
  loss: number[];
}

/** The x (in epochs) of the `count` batches ending at batch `step` of `steps` of `epoch` (1-based). */
export function batchXs(epoch: number, step: number, steps: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => epoch - 1 + (step - count + i + 1) / steps);
}

/** Every batch loss of the run with its moving average; continues across resumes. */
export class BatchLosses {
  x: number[] = [];
  loss: number[] = [];
  smooth: number[] = [];
  private ema: SmoothedLoss;

  constructor(span = 3) {
    this.ema = new SmoothedLoss(span);
  }

  get smoothing(): SmoothedLoss {
    return this.ema;
  }

  /** Uses a span (batches) for the average, recomputing it over the losses kept. */
  setSpan(span: number): void {
    if (span === this.ema.span) return;
    this.ema = new SmoothedLoss(span);
    this.smooth = this.loss.map((l) => this.ema.push(l));
  }

  /** Losses of the batches ending at batch `step` of `steps` of `epoch` (1-based). */
  add(epoch: number, step: number, steps: number, losses: readonly number[]): void {
    batchXs(epoch, step, steps, losses.length).forEach((x, i) => {
      this.x.push(x);
      this.loss.push(losses[i]);
      this.smooth.push(this.ema.push(losses[i]));
    });
  }

  /** Keeps the batches of the first `epochs` epochs (a run continues from there) or restores saved ones. */
  resumeAt(epochs: number, saved?: BatchHistory): void {
    const from = saved && saved.x.length > 0 && this.x.length === 0 ? saved : { x: this.x, loss: this.loss };
    const n = from.x.findIndex((x) => x > epochs + 1e-9);
    const keep = n === -1 ? from.x.length : n;
    this.x = from.x.slice(0, keep);
    this.loss = from.loss.slice(0, keep);
    this.ema = new SmoothedLoss(this.ema.span);
    this.smooth = this.loss.map((l) => this.ema.push(l));
  }

  /** The batch losses so far, and those of `pending` progress events not added yet. */
  snapshot(pending: readonly { epoch: number; step: number; steps: number; batchLosses: readonly number[] }[] = []): BatchHistory {
    const h = { x: this.x.slice(), loss: this.loss.slice() };
    for (const p of pending) {
      h.x.push(...batchXs(p.epoch, p.step, p.steps, p.batchLosses.length));
      h.loss.push(...p.batchLosses);
    }
    return h;
  }

  clear(): void {
    this.resumeAt(0);
  }
}
