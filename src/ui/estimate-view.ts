// "About 48 min on this adapter" under the Train button, the quick-run offer, and the first
// run fitted to the adapter. Asks the worker for an estimate of the options in the form
// (debounced, only while nothing runs) and shows the answer if it is still for the form's
// options. On arrival it measures the form's defaults at once; where they would take longer
// than a first run should (FIRST_RUN_SECONDS, or the page's `?first-run=SECONDS`) and the user
// has not touched the form, the form takes the largest run that fits, and the full run stays
// one click away.
import { FIRST_RUN_SECONDS, QUICK_RUN, roughDuration } from '../train/run-estimate.ts';
import type { TrainOptions } from '../train/types.ts';
import type { WorkerToPage } from './protocol.ts';

type EstimateMessage = Extract<WorkerToPage, { type: 'estimate' }>;
type FormValues = { options: TrainOptions; evalCount: number };

/** Wait after the last form change before measuring. */
const DEBOUNCE_MS = 800;

/** The first run's budget in seconds: the page's `?first-run=` where it is a positive number, else FIRST_RUN_SECONDS. */
export function firstRunSeconds(search: string): number {
  const asked = Number(new URLSearchParams(search).get('first-run'));
  return Number.isFinite(asked) && asked > 0 ? asked : FIRST_RUN_SECONDS;
}

/** Whether to measure on arrival: yes, unless the page's query says `?estimate=on-demand` (then on a changed option or the pointer on Train). */
export function estimateOnArrival(search: string): boolean {
  return new URLSearchParams(search).get('estimate') !== 'on-demand';
}

/** "12 epochs on all 60,000 images", "1 epoch on 12,000 images". */
export function runWords(o: Pick<TrainOptions, 'epochs' | 'limit'>, available: number): string {
  const images = o.limit === null || o.limit >= available ? `all ${available.toLocaleString('en-US')}` : o.limit.toLocaleString('en-US');
  return `${o.epochs} ${o.epochs === 1 ? 'epoch' : 'epochs'} on ${images} images`;
}

export interface EstimateHooks {
  /** The form's options and test-image count, or null while the form is invalid. */
  read(): FormValues | null;
  /** Whether a measurement may run now (a GPU, no run, nothing loading). */
  idle(): boolean;
  /** Sends the request to the worker. */
  ask(options: TrainOptions, evalCount: number, fitSeconds?: number): void;
  /** Puts these options into the form. */
  write(values: FormValues): void;
  /** Training images in the form's dataset. */
  available(options: TrainOptions): number;
}

export class EstimateView {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked: string | undefined;
  /** Whether any estimate was asked for on this page. */
  private everAsked = false;
  /** Whether the user changed the form (then it is theirs: no fitting). */
  private touched = false;
  /** The run the form held before it was fitted (the full run's button puts it back). */
  private full: (FormValues & { text: string }) | undefined;

  constructor(
    private readonly text: HTMLElement,
    private readonly quick: HTMLButtonElement,
    private readonly fullRun: HTMLButtonElement,
    private readonly hooks: EstimateHooks,
    private readonly fitSeconds: number,
  ) {
    quick.addEventListener('click', () => {
      const values = hooks.read();
      // A dataset smaller than the quick run's images (the user's own) is taken whole.
      const limit = values && QUICK_RUN.limit !== null && QUICK_RUN.limit < hooks.available(values.options) ? QUICK_RUN.limit : null;
      if (values) hooks.write({ ...values, options: { ...values.options, ...QUICK_RUN, limit } });
      this.formChanged();
    });
    fullRun.addEventListener('click', () => {
      if (this.full) hooks.write(this.full);
      this.formChanged();
    });
  }

  /** Measures the form's run once, when nothing was measured yet (on arrival, the first model on the page). */
  requestFirst(): void {
    if (!this.everAsked) this.request();
  }

  /** The user changed the form: it is theirs now; measure it soon. */
  formChanged(): void {
    this.touched = true;
    this.full = undefined;
    this.fullRun.hidden = true;
    this.request();
  }

  /** Measures the form's run soon (after the form settles). */
  request(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const values = this.hooks.read();
      if (!values || !this.hooks.idle()) return;
      this.asked = JSON.stringify(values.options);
      this.everAsked = true;
      this.text.textContent = 'Estimating how long this run takes on this adapter…';
      this.quick.hidden = true;
      this.hooks.ask(values.options, values.evalCount, this.touched ? undefined : this.fitSeconds);
    }, DEBOUNCE_MS);
  }

  show(m: EstimateMessage): void {
    if (JSON.stringify(m.options) !== this.asked) return; // the form changed since
    this.text.title = `${m.stepMs.toFixed(0)} ms per training step, ${Math.round(m.epochSeconds)} s per epoch`;
    const fitted = m.fitted;
    this.text.dataset.seconds = String(fitted && !this.touched ? fitted.seconds : m.seconds); // for tests and the curious
    if (fitted && !this.touched) {
      const values = this.hooks.read();
      if (values) this.full = { ...values, text: m.text };
      this.hooks.write({ options: fitted.options, evalCount: fitted.evalCount });
      this.asked = JSON.stringify(fitted.options);
      const available = this.hooks.available(m.options);
      this.text.textContent = `This run: ${runWords(fitted.options, available)}, ${fitted.text}. The full run takes ${roughDuration(m.seconds)}.`;
      this.fullRun.textContent = `Full run instead: ${runWords(m.options, available)}`;
      this.fullRun.hidden = false;
      this.quick.hidden = true;
      return;
    }
    this.text.textContent = `This run: ${m.text}.`;
    this.quick.hidden = !m.offerQuickRun;
  }

  /** A run started: the estimate is replaced by the run's own progress and ETA. */
  clear(): void {
    clearTimeout(this.timer);
    this.asked = undefined;
    this.text.textContent = '';
    delete this.text.dataset.seconds;
    this.quick.hidden = true;
    this.fullRun.hidden = true;
  }
}
