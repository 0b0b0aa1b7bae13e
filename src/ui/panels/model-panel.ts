// The Model card's files: which model is active, save (TF.js or .keras), load, evaluate.
import { byId, setText, type Panel, type PanelContext } from '../panel.ts';
import { percent } from '../format.ts';
import { busyStarted, isIdle, loadRejected, type ActiveModel, type PageState } from '../state.ts';
import type { WorkerToPage } from '../protocol.ts';
import { download } from '../download.ts';

/** The active-model line: which model predicts, and where it came from. */
export function activeModelText(a: ActiveModel): string {
  switch (a.kind) {
    case 'none':
      return 'No model yet: train one or load weights.';
    case 'shipped':
      return `Active model: shipped with the page${a.testAccuracy === undefined ? '' : ` (test accuracy ${percent(a.testAccuracy)})`}.`;
    case 'trained':
      return `Active model: ${a.label}.`;
    case 'file':
      return `Active model: loaded from a file (${a.label}).`;
    case 'autosave':
      return `Active model: ${a.label}.`;
  }
}

async function readFiles(ctx: PanelContext, files: File[]): Promise<void> {
  const keras = files.filter((f) => f.name.toLowerCase().endsWith('.keras'));
  if (keras.length === 1 && files.length === 1) {
    const data = await keras[0].arrayBuffer();
    ctx.update((s) => busyStarted(s, { kind: 'file', label: keras[0].name }));
    return ctx.send({ type: 'loadKeras', name: keras[0].name, data }, [data]);
  }
  const json = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const bins = files.filter((f) => !f.name.toLowerCase().endsWith('.json'));
  if (json.length !== 1 || bins.length < 1) {
    const got = files.map((f) => f.name).join(', ') || 'nothing';
    return ctx.update((s) => loadRejected(s, `Choose one .keras file, or both files together: one model.json and its weights file(s) (got ${got}).`));
  }
  let modelJson: string;
  let weights: { name: string; data: ArrayBuffer }[];
  try {
    modelJson = await json[0].text();
    weights = await Promise.all(bins.map(async (f) => ({ name: f.name, data: await f.arrayBuffer() })));
  } catch (e) {
    return ctx.update((s) => loadRejected(s, `cannot read the files: ${e instanceof Error ? e.message : String(e)}`));
  }
  ctx.update((s) => busyStarted(s, { kind: 'file', label: [json[0], ...bins].map((f) => f.name).join(' + ') }));
  ctx.send({ type: 'load', modelJson, modelJsonName: json[0].name, weights }, weights.map((w) => w.data));
}

export function createModelPanel(ctx: PanelContext): Panel {
  const active = byId('active-model');
  const status = byId('model-status');
  const save = byId<HTMLButtonElement>('save');
  const saveKeras = byId<HTMLButtonElement>('save-keras');
  const evaluate = byId<HTMLButtonElement>('evaluate');
  const load = byId<HTMLInputElement>('load');
  const evalCount = byId<HTMLFormElement>('options').elements.namedItem('evalCount') as HTMLInputElement;

  save.addEventListener('click', () => ctx.send({ type: 'save' }));
  saveKeras.addEventListener('click', () => ctx.send({ type: 'saveKeras' }));
  evaluate.addEventListener('click', () => {
    const n = Number(evalCount.value);
    // The worker evaluates at most the dataset's test images: anything else asks for all of them.
    const count = Number.isInteger(n) && n >= 1 ? n : Number.MAX_SAFE_INTEGER;
    ctx.update((s) => busyStarted(s));
    ctx.send({ type: 'evaluate', count, dataset: ctx.state().dataset });
  });
  load.addEventListener('change', () => {
    const files = Array.from(load.files ?? []);
    load.value = '';
    void readFiles(ctx, files);
  });

  return {
    render(s: PageState): void {
      const idle = isIdle(s);
      setText(active, activeModelText(s.active));
      active.dataset.kind = s.active.kind;
      setText(status, s.modelStatus);
      // Saving reads the weights between steps: allowed while paused, not while steps run.
      const canSave = s.modelReady && (!s.running || s.phase === 'paused');
      save.disabled = saveKeras.disabled = !canSave;
      evaluate.disabled = !(idle && s.modelReady);
      load.disabled = !idle;
    },
    onMessage(msg: WorkerToPage): void {
      if (msg.type === 'saved') {
        download('model.json', new Blob([msg.modelJson], { type: 'application/json' }));
        // A short gap: some browsers drop the second of two downloads started in one task.
        setTimeout(() => download('weights.bin', new Blob([msg.weights as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' })), 150);
      } else if (msg.type === 'savedKeras') {
        download('model.keras', new Blob([msg.data as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      }
    },
  };
}
