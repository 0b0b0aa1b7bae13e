// The page's status: the adapter pill, the no-WebGPU help, the message banner and the
// autosave banner (which model won on arrival, resume, use or discard the autosave).
import { percent } from '../format.ts';
import { dataChoiceOf } from '../../data/datasets.ts';
import { byId, setText, type Panel, type PanelContext } from '../panel.ts';
import { busyStarted, checkpointDismissed, checkpointRestoring, isIdle, messageShown, type PageState } from '../state.ts';
import { clearCheckpoint, type Checkpoint } from '../storage.ts';
import { resumeNote } from '../autosave.ts';
import { TUNED_LABEL, type TunedModel } from '../handwriting/tuned-store.ts';

/** One line describing an autosave. */
export function checkpointText(c: Checkpoint): string {
  const last = c.history[c.history.length - 1];
  return (
    `saved ${new Date(c.savedAt).toLocaleString()}: epoch ${c.epoch} of ${c.options.epochs}` +
    (last ? `, accuracy ${percent(last.accuracy)}${Number.isFinite(last.val_accuracy) ? `, val ${percent(last.val_accuracy)}` : ''}` : '')
  );
}

export function restoreCheckpoint(ctx: PanelContext, c: Checkpoint): void {
  ctx.update((s) => checkpointRestoring(s, c));
  ctx.send({ type: 'useWeights', model: c.options.model, weights: c.weights, label: `the model saved after epoch ${c.epoch}`, data: dataChoiceOf(c.options) });
}

/** Makes the kept model fine-tuned on the user's handwriting the current one (the handwriting card then offers to go back). */
export function restoreTuned(ctx: PanelContext, t: TunedModel): void {
  ctx.update((s) => ({ ...busyStarted(s, { kind: 'trained', label: TUNED_LABEL }), modelHistory: undefined }));
  ctx.send({ type: 'useWeights', model: t.spec, weights: t.weights, label: `the model ${TUNED_LABEL} (kept in this browser ${new Date(t.savedAt).toLocaleString()})` });
}

export function useShipped(ctx: PanelContext): void {
  ctx.update((s) => busyStarted(s, { kind: 'shipped', label: 'shipped with the page' }));
  ctx.send({ type: 'loadShipped' });
}

export function createStatusPanel(ctx: PanelContext): Panel {
  const adapter = byId('adapter');
  const noGpu = byId('no-webgpu');
  const message = byId('message');
  const banner = byId('resume-banner');
  const bannerText = byId('resume-text');
  const resume = byId<HTMLButtonElement>('resume-run');
  const restore = byId<HTMLButtonElement>('restore-model');
  const shipped = byId<HTMLButtonElement>('use-shipped');

  resume.addEventListener('click', () => {
    const s = ctx.state();
    if (!s.checkpoint || !isIdle(s)) return;
    ctx.update((x) => messageShown(checkpointDismissed(x, false), ''));
    ctx.resumeFrom(s.checkpoint);
  });
  restore.addEventListener('click', () => {
    const s = ctx.state();
    if (s.checkpoint && isIdle(s)) restoreCheckpoint(ctx, s.checkpoint);
  });
  shipped.addEventListener('click', () => {
    if (!isIdle(ctx.state())) return;
    ctx.update((s) => checkpointDismissed(s, false));
    useShipped(ctx);
  });
  byId('discard-checkpoint').addEventListener('click', () => {
    const wasActive = ctx.state().active.kind === 'autosave';
    ctx.update((s) => checkpointDismissed(s, true));
    void clearCheckpoint();
    if (wasActive && isIdle(ctx.state())) useShipped(ctx);
  });

  return {
    render(s: PageState): void {
      adapter.dataset.state = s.gpu.state;
      if (s.gpu.state === 'pending') setText(adapter, 'Looking for a WebGPU adapter…');
      else if (s.gpu.state === 'none') setText(adapter, 'No WebGPU');
      else {
        setText(adapter, `GPU: ${s.gpu.description}`);
        const a = s.gpu.adapter;
        if (a) adapter.title = `vendor: ${a.vendor}\narchitecture: ${a.architecture}\nfallback adapter: ${a.isFallback ? 'yes (software, slow)' : 'no'}`;
      }
      noGpu.hidden = s.gpu.state !== 'none';
      setText(byId('no-webgpu-message'), s.gpu.unavailable ?? '');

      message.hidden = !s.message.text;
      message.className = `banner ${s.message.kind}`;
      setText(message, s.message.text);

      const c = s.checkpoint;
      banner.hidden = !(s.offerCheckpoint && c);
      if (!c) return;
      const restored = s.active.kind === 'autosave' || s.pendingActive?.kind === 'autosave';
      const note = resumeNote(c);
      setText(
        bannerText,
        (restored
          ? `Using your autosaved model (${checkpointText(c)}). An autosave wins over the shipped model: it is the latest model trained in this browser.`
          : `A run ${checkpointText(c)}.`) + (note ? ` ${note}` : ''),
      );
      resume.hidden = c.epoch >= c.options.epochs;
      restore.hidden = restored;
      shipped.hidden = !restored;
      const idle = isIdle(s);
      resume.disabled = restore.disabled = shipped.disabled = !idle;
    },
  };
}
