// What a panel of the page is and what it may use. A panel owns one card of the page: it
// wires its own controls once, then `render(state)` makes its DOM show the state; it never
// reads another panel's DOM. To add one (e.g. src/ui/numbers/), write a `create(ctx)` that
// builds or finds its section, calls `ctx.mount(section)` if it made one, and returns the
// Panel; then list it in panels/index.ts.
import type { PageToWorker, WorkerToPage } from './protocol.ts';
import type { PageState } from './state.ts';
import type { Checkpoint } from './storage.ts';
import type { StartRequest } from './protocol.ts';
import type { EpochRecord, TrainEvent } from '../train/types.ts';

export interface PanelContext {
  /** Sends a message to the worker. */
  send(msg: PageToWorker, transfer?: Transferable[]): void;
  /** The current state. */
  state(): PageState;
  /** Applies a pure state change (state.ts) and renders every panel. */
  update(change: (s: PageState) => PageState): void;
  /** Starts a run (Train, resume): the state and the worker in one step. */
  startRun(req: Omit<StartRequest, 'type'>, history: EpochRecord[]): void;
  /** Resumes the autosaved run `c`. */
  resumeFrom(c: Checkpoint): void;
  /** Puts a panel's own section into the page's grid, after the draw pad's card. */
  mount(section: HTMLElement): void;
}

export interface Panel {
  render(state: PageState): void;
  /** Sees every worker message after the state took it (for replies only this panel uses, e.g. downloads). */
  onMessage?(msg: WorkerToPage): void;
  /**
   * What this panel keeps in an autosave beside the run (e.g. the batch losses), counting
   * `held`: the epoch's events that it will see once the autosave is kept.
   */
  checkpointExtras?(held: readonly TrainEvent[]): Partial<Checkpoint>;
}

export type PanelFactory = (ctx: PanelContext) => Panel;

/** The element with this id, or a clear error naming it (index.html and the panel disagree). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

/** Sets text only when it changed (render runs on every state change). */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
