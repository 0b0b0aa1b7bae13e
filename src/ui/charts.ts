// Live learning curves with uPlot: batch loss (x in epochs), per-epoch loss and accuracy
// (train and validation).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EpochRecord } from '../train/types.ts';

const TRAIN = '#2563eb';
const VAL = '#ea580c';

function width(el: HTMLElement): number {
  return Math.max(240, Math.floor(el.clientWidth || 400));
}

function make(el: HTMLElement, title: string, series: uPlot.Series[], height: number, yRange?: uPlot.Scale): uPlot {
  const opts: uPlot.Options = {
    title,
    width: width(el),
    height,
    scales: { x: { time: false }, y: yRange ?? {} },
    axes: [{ label: 'epoch' }, {}],
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
  private batchX: number[] = [];
  private batchY: number[] = [];
  private smoothY: number[] = [];
  private epochs: EpochRecord[] = [];
  private pending = false;

  constructor(
    private readonly batchEl: HTMLElement,
    private readonly lossEl: HTMLElement,
    private readonly accEl: HTMLElement,
  ) {
    this.batch = make(
      batchEl,
      'Batch loss',
      [
        { label: 'batch', stroke: 'rgba(37, 99, 235, 0.35)', width: 1, points: { show: false } },
        { label: 'smoothed', stroke: TRAIN, width: 2, points: { show: false } },
      ],
      200,
    );
    const epochSeries = (unit: string): uPlot.Series[] => [
      { label: `train ${unit}`, stroke: TRAIN, width: 2 },
      { label: `val ${unit}`, stroke: VAL, width: 2, dash: [6, 4] },
    ];
    this.loss = make(lossEl, 'Loss per epoch', epochSeries('loss'), 180);
    this.acc = make(accEl, 'Accuracy per epoch', epochSeries('accuracy'), 180);
    new ResizeObserver(() => this.resize()).observe(batchEl.parentElement ?? batchEl);
  }

  reset(): void {
    this.batchX = [];
    this.batchY = [];
    this.smoothY = [];
    this.epochs = [];
    this.redraw();
  }

  /** Batch losses of `epoch` (1-based) ending at batch `step` of `steps`. */
  addBatchLosses(epoch: number, step: number, steps: number, losses: number[]): void {
    const first = step - losses.length;
    losses.forEach((loss, i) => {
      this.batchX.push(epoch - 1 + (first + i + 1) / steps);
      this.batchY.push(loss);
      const prev = this.smoothY.length ? this.smoothY[this.smoothY.length - 1] : loss;
      this.smoothY.push(prev + (loss - prev) * 0.1);
    });
    this.schedule();
  }

  setEpochs(epochs: EpochRecord[]): void {
    this.epochs = epochs.slice();
    this.schedule();
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
    this.batch.setData([this.batchX, this.batchY, this.smoothY]);
    const x = this.epochs.map((_, i) => i + 1);
    const nanToNull = (v: number) => (Number.isFinite(v) ? v : null);
    this.loss.setData([x, this.epochs.map((e) => e.loss), this.epochs.map((e) => nanToNull(e.val_loss))] as uPlot.AlignedData);
    this.acc.setData([x, this.epochs.map((e) => e.accuracy), this.epochs.map((e) => nanToNull(e.val_accuracy))] as uPlot.AlignedData);
  }

  private resize(): void {
    this.batch.setSize({ width: width(this.batchEl), height: 200 });
    this.loss.setSize({ width: width(this.lossEl), height: 180 });
    this.acc.setSize({ width: width(this.accEl), height: 180 });
  }
}
