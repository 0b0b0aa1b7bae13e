// The Train card's controls: the options form, the dataset, Train / Pause / Stop.
import { DATASET_NAMES, DATASET_SIZES, DATASETS_MANIFEST, datasetsOfManifest, type DataChoice, type DatasetName } from '../../data/datasets.ts';
import { readForm, setFormEnabled, wireOptimizerDefaults, writeForm, writeKernelsChoice } from '../controls.ts';
import { EstimateView, estimateOnArrival, firstRunSeconds } from '../estimate-view.ts';
import { configProblem } from '../model-config.ts';
import type { DatasetFacts } from '../../data/dataset-facts.ts';
import { int } from '../format.ts';
import { byId, setText, type Panel, type PanelContext } from '../panel.ts';
import { datasetChosen, datasetsProbed, formShowsNewResume, isIdle, messageShown, optionsRejected, type PageState, type ShownRun } from '../state.ts';

/**
 * The datasets the server has (the dev server both, a static build MNIST only), as its
 * datasets.json lists them; MNIST alone where that cannot be read.
 */
async function servedDatasets(): Promise<DatasetName[]> {
  try {
    const r = await fetch(new URL(`${import.meta.env.BASE_URL}${DATASETS_MANIFEST}`, location.href));
    const listed = r.ok ? datasetsOfManifest(await r.json()) : [];
    return listed.length ? listed : ['mnist'];
  } catch {
    return ['mnist'];
  }
}

/**
 * Bounds Limit and Test images by the dataset's split sizes once they are known (a test-image
 * count beyond the test set becomes the whole test set).
 */
function showDatasetSizes(form: HTMLFormElement, facts: DatasetFacts | undefined): void {
  if (!facts) return;
  const limit = form.elements.namedItem('limit') as HTMLInputElement;
  const evalCount = form.elements.namedItem('evalCount') as HTMLInputElement;
  limit.max = String(facts.trainCount);
  limit.placeholder = `all ${int(facts.trainCount)}`;
  evalCount.max = String(facts.testCount);
  if (Number(evalCount.value) > facts.testCount) evalCount.value = String(facts.testCount);
}

export function createTrainPanel(ctx: PanelContext): Panel {
  const form = byId<HTMLFormElement>('options');
  const dataset = byId<HTMLSelectElement>('dataset');
  const train = byId<HTMLButtonElement>('train');
  const pause = byId<HTMLButtonElement>('pause');
  const stop = byId<HTMLButtonElement>('stop');
  const error = byId('options-error');
  const datasetNote = byId('dataset-note');
  let shown: ShownRun = { options: undefined, epochOffset: 0 };

  // "About 48 min on this adapter" before Train, measured by the worker on the form's options.
  const readValues = () => {
    const s = ctx.state();
    if (!s.config.model) return null;
    try {
      return readForm(form, s.config.model.spec, s.dataset, s.own);
    } catch {
      return null;
    }
  };
  const gpuReady = (s: PageState) => s.gpu.state === 'ok' || s.gpu.state === 'fallback';
  const estimate = new EstimateView(
    byId('estimate'),
    byId<HTMLButtonElement>('quick-run'),
    byId<HTMLButtonElement>('full-run'),
    {
      read: readValues,
      idle: () => isIdle(ctx.state()) && gpuReady(ctx.state()),
      ask: (options, evalCount, fitSeconds) => ctx.send({ type: 'estimate', options, evalCount, fitSeconds }),
      write: (values) => writeForm(form, values.options, values.evalCount),
      available: (options) => (options.ownDataset ? (ctx.state().datasets.own?.trainCount ?? 0) : DATASET_SIZES[options.dataset].train),
    },
    firstRunSeconds(location.search),
  );
  // Measured on arrival, once the page is idle (the shipped model in place): the worker times
  // a few steps on blank images, with no dataset download, while drawing goes on.
  form.addEventListener('input', () => estimate.formChanged());
  const onArrival = estimateOnArrival(location.search);
  train.addEventListener('pointerenter', () => estimate.requestFirst());
  train.addEventListener('focus', () => estimate.requestFirst());

  const titles = new Map(Array.from(dataset.options, (o) => [o, o.textContent ?? ''] as const));
  void servedDatasets().then((served) => ctx.update((s) => datasetsProbed(s, served)));
  dataset.addEventListener('change', () => ctx.update((s) => datasetChosen(s, dataset.value as DataChoice)));
  wireOptimizerDefaults(form, () => ctx.update((s) => s));

  train.addEventListener('click', () => {
    const s = ctx.state();
    const model = s.config.model;
    const problem = configProblem(s.config, s.datasets[s.dataset]);
    if (!model || problem) return ctx.update((x) => optionsRejected(x, `The model config has an error: ${problem}`));
    let values;
    try {
      values = readForm(form, model.spec, s.dataset, s.own);
    } catch (e) {
      return ctx.update((x) => optionsRejected(x, e instanceof Error ? e.message : String(e)));
    }
    ctx.update((x) => messageShown(x, ''));
    const from = values.continueFromCurrent && s.modelReady ? ({ kind: 'current' } as const) : ({ kind: 'scratch' } as const);
    estimate.clear();
    ctx.startRun({ options: values.options, evalCount: values.evalCount, from, epochOffset: 0, autotune: values.autotune }, []);
  });
  pause.addEventListener('click', () => ctx.send({ type: ctx.state().paused ? 'resume' : 'pause' }));
  stop.addEventListener('click', () => ctx.send({ type: 'stop' }));

  return {
    onMessage(msg) {
      if (msg.type === 'estimate') estimate.show(msg);
    },
    render(s: PageState): void {
      const idle = isIdle(s);
      train.disabled = !idle || !s.config.model || !!configProblem(s.config, s.datasets[s.dataset]);
      showDatasetSizes(form, s.datasets[s.dataset]);
      pause.disabled = !s.running;
      setText(pause, s.paused ? 'Resume' : 'Pause');
      stop.disabled = !s.running;
      setFormEnabled(form, idle);
      (form.elements.namedItem('continue') as HTMLInputElement).disabled = !idle || !s.modelReady;
      dataset.disabled = !idle;
      const served = s.datasetsServed;
      for (const [option, title] of titles) {
        if (option.value === 'own') {
          option.disabled = !s.own;
          setText(option, s.own ? `Your data: ${s.own.name}` : title);
          continue;
        }
        const missing = !!served && !served.includes(option.value as DatasetName);
        option.disabled = missing;
        setText(option, missing ? `${title} (dev server only)` : title);
      }
      datasetNote.hidden = !served || served.length === DATASET_NAMES.length;
      if (dataset.value !== s.dataset) dataset.value = s.dataset;
      error.hidden = !s.optionsError;
      setText(error, s.optionsError);
      // A resumed run shows its own options.
      if (s.run && formShowsNewResume(s.run, shown)) {
        writeForm(form, s.run.options, s.run.evalCount);
        writeKernelsChoice(form, s.run.autotune);
      }
      shown = { options: s.run?.options, epochOffset: s.run?.epochOffset ?? 0 };
      document.body.dataset.running = String(s.running);
      if (onArrival && idle && gpuReady(s) && s.config.model) estimate.requestFirst();
    },
  };
}
