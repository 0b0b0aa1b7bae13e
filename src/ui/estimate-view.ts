// "About 48 min on this adapter" under the Train button, and the quick-run offer. Asks the
// worker for an estimate of the options in the form (debounced, only while nothing runs) and
// shows the answer if it is still for the form's options.
import { QUICK_RUN } from '../train/run-estimate.ts';
import type { TrainOptions } from '../train/types.ts';
import type { WorkerToPage } from './protocol.ts';

type EstimateMessage = Extract<WorkerToPage, { type: 'estimate' }>;

/** Wait after the last form change before measuring. */
const DEBOUNCE_MS = 800;

export interface EstimateHooks {
  /** The form's options and test-image count, or null while the form is invalid. */
  read(): { options: TrainOptions; evalCount: number } | null;
  /** Whether a measurement may run now (a GPU, no run, nothing loading). */
  idle(): boolean;
  /** Sends the request to the worker. */
  ask(options: TrainOptions, evalCount: number): void;
  /** Puts the quick run's options into the form. */
  applyQuickRun(quick: typeof QUICK_RUN): void;
}

export class EstimateView {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked: string | undefined;
  /** Whether any estimate was asked for on this page. */
  private everAsked = false;

  constructor(
    private readonly text: HTMLElement,
    private readonly quick: HTMLButtonElement,
    private readonly hooks: EstimateHooks,
  ) {
    quick.addEventListener('click', () => {
      hooks.applyQuickRun(QUICK_RUN);
      this.request();
    });
  }

  /** Measures the form's run once, when nothing was measured yet (the first model on the page). */
  requestFirst(): void {
    if (!this.everAsked) this.request();
  }

  /** Measures the form's run soon (after the form settles). */
  request(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const values = this.hooks.read();
      if (!values || !this.hooks.idle()) return;
      const key = JSON.stringify(values.options);
      this.asked = key;
      this.everAsked = true;
      this.text.textContent = 'Estimating how long this run takes on this adapter…';
      this.quick.hidden = true;
      this.hooks.ask(values.options, values.evalCount);
    }, DEBOUNCE_MS);
  }

  show(m: EstimateMessage): void {
    if (JSON.stringify(m.options) !== this.asked) return; // the form changed since
    this.text.textContent = `This run: ${m.text}.`;
    this.text.title = `${m.stepMs.toFixed(0)} ms per training step, ${Math.round(m.epochSeconds)} s per epoch`;
    this.quick.hidden = !m.offerQuickRun;
  }

  /** A run started: the estimate is replaced by the run's own progress and ETA. */
  clear(): void {
    clearTimeout(this.timer);
    this.asked = undefined;
    this.text.textContent = '';
    this.quick.hidden = true;
  }
}
