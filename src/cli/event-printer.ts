// Renders the trainer's events on the terminal Keras-style: the start line, a progress bar per
// epoch (rewritten in place on a TTY, a line every few seconds otherwise), the epoch lines and
// the test result.
import type { TrainEvent, TrainOptions } from '../train/types.ts';
import { dropoutRates } from '../model/model-spec.ts';
import { epochLine, formatInt, progressLine } from './render.ts';
import type { TuneReport } from '../tune/report.ts';
import type { TrainerBuildCost } from '../gpu/pipeline-build.ts';
import { tuneTable } from '../tune/table.ts';

/** Without a TTY, at most one progress line per this many milliseconds. */
const PLAIN_PROGRESS_INTERVAL_MS = 10_000;

const out = process.stdout;
const isTty = Boolean(out.isTTY);

export function describeOptions(o: TrainOptions): string {
  const opt = o.optimizer === 'sgd' ? `sgd lr ${o.learningRate} momentum ${o.momentum}` : `adam lr ${o.learningRate}`;
  return (
    `epochs ${o.epochs}, batch ${o.batchSize}, ${opt}, dropout ${(o.dropout ?? dropoutRates(o.model)).join('/') || 'none'}, seed ${o.seed}` +
    `${o.shuffle ? '' : ', no shuffle'}`
  );
}

/** `Trainer built: 37 pipelines compiled (7 of them for evaluation) in 41.2 s` */
export function buildLine(b: TrainerBuildCost): string {
  return `Trainer built: ${b.pipelines} pipelines compiled (${b.evaluation.pipelines} of them for evaluation) in ${(b.ms / 1000).toFixed(1)} s`;
}

/** Renders the TrainEvents as they arrive. */
export class EventPrinter {
  private epochsTotal = 0;
  private steps = 0;
  private epochStart = 0;
  private lastPlain = 0;
  private progressShown = false;
  private muted = false;
  /** The adapter the run's start event named (written to history.json). */
  adapter: string | null = null;
  /** What building the trainer cost, as the run's start event said (written to history.json). */
  build: TrainerBuildCost | null = null;
  /** The kernel choices the run's autotune event reported (written to history.json). */
  tuning: TuneReport | null = null;
  /** Called with each autotune event (the driver writes the cache). */
  onTuning: ((report: TuneReport) => void) | null = null;

  /** Prints nothing more (the run is stopping). */
  mute(): void {
    this.interrupt();
    this.muted = true;
  }

  get isMuted(): boolean {
    return this.muted;
  }

  /** Prints a line of the run's own (not an event), ending a progress line first. */
  note(line: string): void {
    if (this.muted) return;
    this.interrupt();
    out.write(`${line}\n`);
  }

  handle(e: TrainEvent): void {
    if (this.muted) return;
    switch (e.type) {
      case 'start':
        this.epochsTotal = e.options.epochs;
        this.steps = e.stepsPerEpoch;
        this.adapter = e.adapter;
        this.build = e.build;
        out.write(`WebGPU adapter: ${e.adapter}\n`);
        out.write(`${buildLine(e.build)}\n`);
        out.write(
          `Training on ${formatInt(e.trainCount)} images, validating on ${formatInt(e.validationCount)}; ` +
            `${describeOptions(e.options)}\n`,
        );
        break;
      case 'progress': {
        if (e.step === 1 || this.epochStart === 0) this.beginEpoch(e.epoch);
        const elapsed = (performance.now() - this.epochStart) / 1000;
        const line = progressLine(e, elapsed);
        if (isTty) {
          out.write(`\r${line}\x1b[K`);
          this.progressShown = true;
        } else if (performance.now() - this.lastPlain >= PLAIN_PROGRESS_INTERVAL_MS && e.step < e.steps) {
          this.lastPlain = performance.now();
          out.write(`${line}\n`);
        }
        break;
      }
      case 'epoch': {
        if (this.epochStart === 0) this.beginEpoch(e.epoch);
        const line = epochLine(e, this.steps, isTty);
        out.write(isTty && this.progressShown ? `\r${line}\x1b[K\n` : `${line}\n`);
        this.epochStart = 0;
        this.progressShown = false;
        break;
      }
      case 'autotune':
        this.tuning = e.report;
        for (const line of tuneTable(e.report)) out.write(`${line}\n`);
        this.onTuning?.(e.report);
        break;
      case 'test':
        out.write(`\nTest loss: ${e.loss.toFixed(4)} - test accuracy: ${e.accuracy.toFixed(4)}\n`);
        break;
    }
  }

  private beginEpoch(epoch: number): void {
    if (this.epochStart !== 0) return;
    this.epochStart = performance.now();
    this.lastPlain = performance.now();
    out.write(`Epoch ${epoch}/${this.epochsTotal}\n`);
  }

  /** Before a run starts again (after a lost device): the next progress opens its epoch anew. */
  restart(): void {
    this.interrupt();
    this.epochStart = 0;
  }

  /** Ends a `\r` progress line before other output. */
  interrupt(): void {
    if (this.progressShown) out.write('\n');
    this.progressShown = false;
  }
}

