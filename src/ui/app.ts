// The page's wiring: one state (state.ts), one render (every panel's render), the worker's
// messages applied as pure state changes, and the few effects that are no panel's own
// (the autosave before an epoch is shown, resuming after a lost device, choosing the model
// on arrival).
import { NO_WEBGPU_HELP } from '../gpu/device.ts';
import { startupFinished } from './boot.ts';
import type { EpochRecord } from '../train/types.ts';
import { checkpointOfEpoch, resumeNote, resumeRequest, type CheckpointMessage } from './autosave.ts';
import type { Panel, PanelContext } from './panel.ts';
import { byId } from './panel.ts';
import { PANELS } from './panels/index.ts';
import { restoreCheckpoint, restoreTuned, useShipped } from './panels/status-panel.ts';
import { forgetTunedModel, loadTunedModel } from './handwriting/tuned-store.ts';
import type { PageToWorker, StartRequest, WorkerToPage } from './protocol.ts';
import { autosaved, checkpointFound, deviceLost, initialState, messageShown, onWorkerMessage, runStarted, type PageState } from './state.ts';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from './storage.ts';

export function startApp(): void {
  let state: PageState = initialState();
  let worker: Worker | undefined;
  const panels: Panel[] = [];
  let rendering = false;

  const render = (): void => {
    if (rendering) return; // a render that changes the state renders once more below
    rendering = true;
    try {
      for (const p of panels) p.render(state);
    } finally {
      rendering = false;
    }
  };
  const update = (change: (s: PageState) => PageState): void => {
    const next = change(state);
    if (next === state) return render();
    state = next;
    render();
  };
  const send = (msg: PageToWorker, transfer: Transferable[] = []): void => worker?.postMessage(msg, transfer);

  const startRun = (req: Omit<StartRequest, 'type'>, history: EpochRecord[]): void => {
    const resumes = state.run?.resumes ?? 0;
    update((s) => runStarted(s, req, history, req.epochOffset > 0 || req.from.kind === 'given' ? resumes : 0));
    send({ type: 'start', ...req });
  };
  const resumeFrom = (c: Checkpoint): void => {
    startRun(resumeRequest(c), c.history);
    const note = resumeNote(c);
    // After the banner's words where there are some (a lost device's).
    if (note) update((s) => (s.message.text ? messageShown(s, `${s.message.text} ${note}`, s.message.kind) : messageShown(s, note)));
  };

  const ctx: PanelContext = {
    send,
    state: () => state,
    update,
    startRun,
    resumeFrom,
    mount: (section) => byId('draw-card').after(section),
  };
  for (const create of PANELS) panels.push(create(ctx));

  /**
   * Keeps an epoch's checkpoint, then shows the events that announce the epoch and lets the
   * worker go on: an epoch the page showed is always in the autosave. (A write that fails is
   * said in the model card; the run goes on.)
   */
  const keepCheckpoint = async (msg: CheckpointMessage): Promise<void> => {
    try {
      const run = state.run;
      if (run) {
        const extras: Partial<Checkpoint> = {};
        for (const p of panels) Object.assign(extras, p.checkpointExtras?.(msg.events));
        const c = checkpointOfEpoch(run, msg, { savedAt: Date.now(), adapter: state.gpu.description, extras });
        try {
          await saveCheckpoint(c);
          update((s) => autosaved(s, c));
        } catch (e) {
          update((s) => autosaved(s, c, e instanceof Error ? e.message : String(e)));
        }
      }
      for (const event of msg.events) onMessage({ type: 'train', event });
    } finally {
      send({ type: 'checkpoint-kept', epoch: msg.epoch }); // the worker waits for this, whatever happened
    }
  };

  const onMessage = (msg: WorkerToPage): void => {
    startupFinished(); // the worker answers: the page is up
    if (msg.type === 'checkpoint') return void keepCheckpoint(msg);
    if (msg.type === 'device-lost') {
      const { state: next, plan } = deviceLost(state, msg.message);
      update(() => next);
      if (plan.kind === 'resume') setTimeout(() => resumeFrom(plan.checkpoint), 500);
      else if (plan.kind === 'restart') {
        const r = plan.run;
        setTimeout(() => startRun({ options: r.options, evalCount: r.evalCount, from: { kind: 'scratch' }, epochOffset: 0, autotune: r.autotune }, []), 500);
      }
    } else {
      update((s) => onWorkerMessage(s, msg));
    }
    for (const p of panels) p.onMessage?.(msg);
  };

  // For tests and the curious: the page's state, read-only.
  (globalThis as { mnistPage?: unknown }).mnistPage = {
    get state() {
      return state;
    },
    simulateDeviceLoss: () => send({ type: 'simulateDeviceLoss' }),
  };

  render();
  if (!('gpu' in navigator) || !navigator.gpu) {
    startupFinished();
    update((s) => onWorkerMessage(s, { type: 'unavailable', message: NO_WEBGPU_HELP }));
    return;
  }
  try {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'trainer' });
  } catch (e) {
    update((s) => onWorkerMessage(s, { type: 'unavailable', message: `Could not start the training worker: ${e instanceof Error ? e.message : String(e)}` }));
    return;
  }
  worker.onmessage = (ev: MessageEvent<WorkerToPage>) => onMessage(ev.data);
  worker.onerror = (ev) => update((s) => ({ ...messageShown(s, `The training worker failed: ${ev.message || 'unknown error'}`, 'error'), running: false, busy: false }));

  // On arrival: the latest model made in this browser (the autosave of a run, or the model
  // fine-tuned on the user's handwriting, whichever is newer) wins; else the shipped model.
  Promise.all([
    loadCheckpoint().catch(() => undefined), // no IndexedDB (private mode): nothing to restore
    loadTunedModel(),
  ]).then(([c, tuned]) => {
    if (c) update((s) => checkpointFound(s, c));
    if (tuned && (!c || tuned.savedAt > c.savedAt)) return restoreTuned(ctx, tuned);
    if (tuned) void forgetTunedModel().catch(() => {}); // a run trained since replaced it
    if (c) restoreCheckpoint(ctx, c);
    else useShipped(ctx);
  });
}
