// Live learning curves with uPlot, x in epochs: every batch's loss with its moving average,
// then loss and accuracy (%) of training (the mean so far in each epoch) and validation (at
// each epoch's end). The history continues across resumes; "Save figure" draws the three
// charts into one PNG (figures.ts).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EpochRecord, TrainEvent } from '../train/types.ts';
import { BatchLosses, Curves, emaSpanFor, epochRange, percentRange, type BatchHistory } from './chart-data.ts';
import { chartsFigure, type ChartPicture } from './figures.ts';

const TRAIN = '#2563eb';
const VAL = '#ea580c';
const BATCH_HEIGHT = 200;
const EPOCH_HEIGHT = 180;

type Progress = Extract<TrainEvent, { type: 'progress' }>;

function width(el: HTMLElement): number {
  return Math.max(240, Math.floor(el.clientWidth || 400));
}

function make(el: HTMLElement, title: string, yLabel: string, series: uPlot.Series[], height: number, yRange?: uPlot.Scale['range']): uPlot {
  const opts: uPlot.Options = {
    title,
    width: width(el),
    height,
    scales: {
      x: { time: false, range: (u) => epochRange(u.data[0] as number[]) },
      y: yRange ? { range: yRange } : {},
    },
    axes: [{ label: 'epoch' }, { label: yLabel }],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    series: [{ label: 'epoch' }, ...series],
  };
  return new uPlot(opts, [[], ...series.map(() => [])] as uPlot.AlignedData, el);
}

export class Charts {
  private readonly batch: uPlot;
  private readonly loss: uPlot;
  private readonly acc: uPlot;
  private readonly batches = new BatchLosses();
  private readonly curves = new Curves();
  private pending = false;

  constructor(
    private readonly batchEl: HTMLElement,
    private readonly lossEl: HTMLElement,
    private readonly accEl: HTMLElement,
  ) {
    this.batch = make(
      batchEl,
      'Batch loss',
      'loss',
      [
        { label: 'each batch', stroke: 'rgba(37, 99, 235, 0.35)', width: 1, points: { show: false } },
        { label: this.batches.smoothing.description, stroke: TRAIN, width: 2, points: { show: false } },
      ],
      BATCH_HEIGHT,
    );
    const epochSeries = (train: string): uPlot.Series[] => [
      { label: `training (${train})`, stroke: TRAIN, width: 2, spanGaps: true, points: { show: false } },
      { label: 'validation (end of epoch)', stroke: VAL, width: 2, dash: [6, 4], spanGaps: true, points: { show: true, size: 7 } },
    ];
    this.loss = make(lossEl, 'Loss', 'loss', epochSeries('mean so far in the epoch'), EPOCH_HEIGHT);
    this.acc = make(accEl, 'Accuracy', 'accuracy (%)', epochSeries('mean so far, dropout on'), EPOCH_HEIGHT, (u) => {
      const [lo, hi] = percentRange([...(u.data[1] as (number | null)[]), ...(u.data[2] as (number | null)[])]);
      return [lo, hi];
    });
    new ResizeObserver(() => this.resize()).observe(batchEl.parentElement ?? batchEl);
  }

  /** Clears every chart (a new run from scratch). */
  reset(): void {
    this.startRun([]);
  }

  /**
   * A run starts after `history` (its finished epochs; empty for a fresh run): the points of
   * those epochs stay, later ones go. `saved` restores the batch losses after a reload.
   */
  startRun(history: readonly EpochRecord[], saved?: BatchHistory): void {
    this.batches.resumeAt(history.length, saved);
    this.curves.resumeAt(history);
    this.schedule();
  }

  /** A progress event: its batch losses and the epoch's running loss and accuracy. */
  progress(e: Progress): void {
    this.addBatchLosses(e.epoch, e.step, e.steps, e.batchLosses);
    this.curves.addProgress(e.epoch, e.step, e.steps, e.loss, e.accuracy);
  }

  /** Batch losses of `epoch` (1-based) ending at batch `step` of `steps`. */
  addBatchLosses(epoch: number, step: number, steps: number, losses: number[]): void {
    const span = emaSpanFor(steps);
    if (span !== this.batches.smoothing.span) {
      this.batches.setSpan(span);
      this.relabel(this.batch, 2, this.batches.smoothing.description);
    }
    this.batches.add(epoch, step, steps, losses);
    this.schedule();
  }

  /** The finished epochs so far (epoch i+1 is epochs[i]). */
  setEpochs(epochs: readonly EpochRecord[]): void {
    this.curves.resumeAt(epochs);
    this.schedule();
  }

  /** The batch losses so far with those of `pending` progress events (to keep with an autosave). */
  batchHistory(pending: readonly Progress[] = []): BatchHistory {
    return this.batches.snapshot(pending);
  }

  /** The three charts as one picture (white background, titles and legends drawn in). */
  figure(): HTMLCanvasElement {
    this.redraw();
    return chartsFigure([this.batch, this.loss, this.acc].map((u) => this.picture(u)));
  }

  private picture(u: uPlot): ChartPicture {
    return {
      title: u.root.querySelector('.u-title')?.textContent ?? '',
      canvas: u.ctx.canvas,
      // uPlot keeps each series' stroke as a function of (plot, series index) once built.
      legend: u.series.slice(1).map((s, i) => ({
        label: String(s.label ?? ''),
        color: String(typeof s.stroke === 'function' ? s.stroke(u, i + 1) : (s.stroke ?? TRAIN)),
      })),
    };
  }

  private relabel(u: uPlot, index: number, label: string): void {
    const cell = u.root.querySelectorAll('.u-legend .u-series')[index]?.querySelector('.u-label');
    if (cell) cell.textContent = label;
    u.series[index].label = label;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.redraw();
    });
  }

  private redraw(): void {
    const b = this.batches;
    this.batch.setData([b.x, b.loss, b.smooth]);
    const c = this.curves.columns();
    this.loss.setData([c.x, c.loss, c.valLoss] as uPlot.AlignedData);
    this.acc.setData([c.x, c.accuracy, c.valAccuracy] as uPlot.AlignedData);
  }

  private resize(): void {
    this.batch.setSize({ width: width(this.batchEl), height: BATCH_HEIGHT });
    this.loss.setSize({ width: width(this.lossEl), height: EPOCH_HEIGHT });
    this.acc.setSize({ width: width(this.accEl), height: EPOCH_HEIGHT });
  }
}
