// The page: wires the controls, charts, results, drawing pad and model files to the training
// worker. Nothing here touches the GPU; every message goes through protocol.ts.
import { DEFAULT_MODEL } from '../model/presets.ts';
import { NO_WEBGPU_HELP } from '../gpu/device.ts';
import { summary } from '../model/summary.ts';
import type { EpochRecord, TrainEvent, TrainOptions } from '../train/types.ts';
import { Charts } from './charts.ts';
import { readForm, setFormEnabled, wireOptimizerDefaults, writeForm } from './controls.ts';
import { drawDigit } from './digits.ts';
import { DrawPad } from './draw-pad.ts';
import { duration, fixed, int, percent } from './format.ts';
import type { PageToWorker, StartRequest, TestResults, WorkerPhase, WorkerToPage } from './protocol.ts';
import { showResults } from './results.ts';
import { clearCheckpoint, loadCheckpoint, saveCheckpoint, type Checkpoint } from './storage.ts';
import { EstimateView } from './estimate-view.ts';
import { downloadPng, predictionsFigure } from './figures.ts';
import { download } from './download.ts';
import './style.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('options');
const buttons = {
  train: $<HTMLButtonElement>('train'),
  pause: $<HTMLButtonElement>('pause'),
  stop: $<HTMLButtonElement>('stop'),
  save: $<HTMLButtonElement>('save'),
  saveKeras: $<HTMLButtonElement>('save-keras'),
  evaluate: $<HTMLButtonElement>('evaluate'),
  load: $<HTMLInputElement>('load'),
};

/** The run in progress (or the last one). */
interface Run {
  options: TrainOptions;
  evalCount: number;
  epochOffset: number;
  history: EpochRecord[];
  stepsPerEpoch: number;
  trainCount: number;
  resumes: number;
}

const state = {
  gpuOk: false,
  adapter: '',
  running: false,
  paused: false,
  busy: false, // evaluating / loading
  modelReady: false,
  run: undefined as Run | undefined,
  checkpoint: undefined as Checkpoint | undefined,
};

// ---------------------------------------------------------------------------------------------
// Messages and status

function message(text: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  const el = $('message');
  el.hidden = !text;
  el.className = `banner ${kind}`;
  el.textContent = text;
}

function refreshButtons(): void {
  const idle = state.gpuOk && !state.running && !state.busy;
  buttons.train.disabled = !idle;
  buttons.pause.disabled = !state.running;
  buttons.pause.textContent = state.paused ? 'Resume' : 'Pause';
  buttons.stop.disabled = !state.running;
  buttons.save.disabled = !state.modelReady;
  buttons.saveKeras.disabled = !state.modelReady;
  buttons.evaluate.disabled = !(idle && state.modelReady);
  buttons.load.disabled = !idle;
  setFormEnabled(form, idle);
  const cont = form.elements.namedItem('continue') as HTMLInputElement;
  cont.disabled = !idle || !state.modelReady;
  $('draw-hint').hidden = state.modelReady;
  document.body.dataset.running = String(state.running);
}

const PHASE_TEXT: Record<WorkerPhase, string> = {
  idle: 'Idle',
  'loading-data': 'Loading MNIST…',
  building: 'Building…',
  training: 'Training',
  pausing: 'Pausing… (finishing the steps already on the GPU)',
  paused: 'Paused',
  evaluating: 'Evaluating…',
};

function setPhase(phase: WorkerPhase, detail?: string): void {
  $('phase').textContent = detail ?? PHASE_TEXT[phase];
  document.body.dataset.phase = phase;
}

// ---------------------------------------------------------------------------------------------
// The worker

let worker: Worker | undefined;
function send(msg: PageToWorker, transfer: Transferable[] = []): void {
  worker?.postMessage(msg, transfer);
}

const charts = new Charts($('chart-batch'), $('chart-loss'), $('chart-acc'));

function showUnavailable(text: string): void {
  state.gpuOk = false;
  const a = $('adapter');
  a.textContent = 'No WebGPU';
  a.dataset.state = 'none';
  $('no-webgpu').hidden = false;
  $('no-webgpu-message').textContent = text;
  refreshButtons();
}

function onTrainEvent(e: TrainEvent): void {
  const run = state.run;
  if (!run) return;
  switch (e.type) {
    case 'start':
      run.stepsPerEpoch = e.stepsPerEpoch;
      run.trainCount = e.trainCount;
      $('epoch-label').textContent = `${int(e.trainCount)} training, ${int(e.validationCount)} validation images`;
      break;
    case 'progress': {
      charts.progress(e);
      const fraction = e.step / e.steps;
      $('bar-fill').style.width = `${(fraction * 100).toFixed(1)}%`;
      $('bar-fill').parentElement!.setAttribute('aria-valuenow', (fraction * 100).toFixed(0));
      $('epoch-label').textContent = `epoch ${e.epoch} of ${run.options.epochs} · batch ${e.step} of ${e.steps}`;
      $('speed').textContent = `${int(e.samplesPerSecond)} samples/s`;
      const epochLeft = ((e.steps - e.step) * run.options.batchSize) / e.samplesPerSecond;
      const laterEpochs = ((run.options.epochs - e.epoch) * run.trainCount) / e.samplesPerSecond;
      $('eta').textContent = `${duration(epochLeft)} left in epoch · ${duration(epochLeft + laterEpochs)} in all`;
      $('stat-loss').textContent = fixed(e.loss);
      $('stat-acc').textContent = percent(e.accuracy);
      break;
    }
    case 'epoch': {
      const { type: _t, epoch: _e, ...record } = e;
      run.history.push(record);
      charts.setEpochs(run.history);
      $('stat-loss').textContent = fixed(e.loss);
      $('stat-acc').textContent = percent(e.accuracy);
      $('stat-val-loss').textContent = fixed(e.val_loss);
      $('stat-val-acc').textContent = percent(e.val_accuracy);
      break;
    }
    case 'test':
      break;
  }
}

function onMessage(msg: WorkerToPage): void {
  switch (msg.type) {
    case 'adapter': {
      state.gpuOk = true;
      state.adapter = msg.description;
      const a = $('adapter');
      const { vendor, architecture, isFallback } = msg.adapter;
      a.dataset.state = isFallback ? 'fallback' : 'ok';
      a.textContent = `GPU: ${msg.description}`;
      a.title = `vendor: ${vendor}\narchitecture: ${architecture}\nfallback adapter: ${isFallback ? 'yes (software, slow)' : 'no'}`;
      refreshButtons();
      break;
    }
    case 'unavailable':
      showUnavailable(msg.message);
      break;
    case 'phase':
      setPhase(msg.phase, msg.detail);
      if (msg.progress) showBuildProgress(msg.progress.done, msg.progress.total); // page-time
      state.paused = msg.phase === 'paused' || msg.phase === 'pausing';
      refreshButtons();
      break;
    case 'train':
      onTrainEvent(msg.event);
      break;
    case 'checkpoint':
      void autosave(msg.epoch, msg.weights);
      break;
    case 'done':
      state.running = false;
      state.paused = false;
      if (msg.reason === 'stopped') message('Training stopped. The model as it is now can be used, saved or evaluated.');
      else if (state.run) {
        const r = state.run;
        state.busy = true;
        message(`Training finished: ${r.options.epochs} epochs. Evaluating on ${int(r.evalCount)} test images…`, 'ok');
      }
      refreshButtons();
      break;
    case 'results':
      state.busy = false;
      lastResults = msg.results; // page-time
      showResults(msg.results);
      message(
        `Test accuracy ${percent(msg.results.accuracy)} · loss ${fixed(msg.results.loss)} on ${int(msg.results.count)} images ` +
          `(evaluated in ${duration(msg.results.seconds)}).`,
        'ok',
      );
      refreshButtons();
      break;
    case 'model-ready':
      state.modelReady = true;
      estimateView.requestFirst(); // page-time: the first model; later, form changes ask
      refreshButtons();
      pad.refresh();
      break;
    case 'prediction':
      pad.showPrediction(msg.id, msg.probabilities);
      break;
    case 'saved':
      download('model.json', new Blob([msg.modelJson], { type: 'application/json' }));
      // A short gap: some browsers drop the second of two downloads started in one task.
      setTimeout(() => download('weights.bin', new Blob([msg.weights as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' })), 150);
      $('model-status').textContent = 'Saved model.json and weights.bin.';
      break;
    case 'savedKeras':
      download('model.keras', new Blob([msg.data as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      $('model-status').textContent = 'Saved model.keras (Keras 3: keras.models.load_model("model.keras")).';
      break;
    case 'loaded':
      state.busy = false;
      $('model-status').textContent = msg.message;
      message(msg.message, 'ok');
      refreshButtons();
      break;
    case 'device-lost':
      onDeviceLost(msg.message);
      break;
    case 'estimate': // page-time
      estimateView.show(msg);
      break;
    case 'error':
      state.busy = false;
      if (msg.context === 'train') {
        state.running = false;
        state.paused = false;
      }
      if (msg.context === 'predict') $('guess').title = msg.message;
      else if (msg.context === 'load') {
        $('model-status').textContent = msg.message;
        message(`Could not load the weights; nothing was changed. ${msg.message}`, 'error');
      } else message(`${msg.context === 'gpu' ? 'WebGPU' : msg.context}: ${msg.message}`, 'error');
      refreshButtons();
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Training

function startRun(options: TrainOptions, evalCount: number, from: StartRequest['from'], offset: number, history: EpochRecord[]): void {
  state.run = { options, evalCount, epochOffset: offset, history: history.slice(), stepsPerEpoch: 0, trainCount: 0, resumes: state.run?.resumes ?? 0 };
  state.running = true;
  state.paused = false;
  charts.startRun(history, state.checkpoint?.epoch === offset ? state.checkpoint.batches : undefined); // page-time
  estimateView.clear(); // page-time
  $('bar-fill').style.width = '0%';
  $('speed').textContent = '';
  $('eta').textContent = '';
  send({ type: 'start', options, from, epochOffset: offset, evalCount });
  refreshButtons();
}

buttons.train.addEventListener('click', () => {
  let values;
  try {
    values = readForm(form);
  } catch (e) {
    const el = $('options-error');
    el.hidden = false;
    el.textContent = e instanceof Error ? e.message : String(e);
    return;
  }
  $('options-error').hidden = true;
  message('');
  $('resume-banner').hidden = true;
  if (state.run) state.run.resumes = 0;
  startRun(values.options, values.evalCount, values.continueFromCurrent && state.modelReady ? { kind: 'current' } : { kind: 'scratch' }, 0, []);
});

buttons.pause.addEventListener('click', () => send({ type: state.paused ? 'resume' : 'pause' }));
buttons.stop.addEventListener('click', () => send({ type: 'stop' }));
buttons.evaluate.addEventListener('click', () => {
  let count = 10000;
  try {
    count = readForm(form).evalCount;
  } catch {
    /* keep the default */
  }
  state.busy = true;
  refreshButtons();
  send({ type: 'evaluate', count });
});

async function autosave(epoch: number, weights: Float32Array): Promise<void> {
  const run = state.run;
  if (!run) return;
  const c: Checkpoint = {
    options: run.options,
    evalCount: run.evalCount,
    epoch,
    history: run.history.slice(0, epoch),
    weights,
    savedAt: Date.now(),
    adapter: state.adapter,
    batches: charts.batchHistory(), // page-time
  };
  state.checkpoint = c;
  try {
    await saveCheckpoint(c);
    $('model-status').textContent = `Autosaved after epoch ${epoch} (${new Date(c.savedAt).toLocaleTimeString()}).`;
  } catch (e) {
    $('model-status').textContent = `Autosave failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function resumeFrom(c: Checkpoint): void {
  writeForm(form, c.options, c.evalCount);
  startRun(c.options, c.evalCount, { kind: 'given', weights: c.weights }, c.epoch, c.history);
}

function onDeviceLost(reason: string): void {
  const wasRunning = state.running;
  state.running = false;
  state.paused = false;
  state.busy = false;
  state.modelReady = false;
  const c = state.checkpoint;
  const run = state.run;
  if (wasRunning && run && run.resumes < 3) {
    run.resumes++;
    if (c && c.options === run.options && c.epoch < run.options.epochs) {
      message(`The GPU device was lost (${reason}). Resuming from the autosave after epoch ${c.epoch}…`, 'error');
      setTimeout(() => resumeFrom(c), 500);
    } else {
      message(`The GPU device was lost (${reason}) before the first epoch ended. Starting the run again…`, 'error');
      const r = run;
      setTimeout(() => startRun(r.options, r.evalCount, { kind: 'scratch' }, 0, []), 500);
    }
  } else {
    message(
      `The GPU device was lost (${reason}). ` +
        (c ? 'The last autosave is kept: use "Resume training" or "Use the saved model".' : 'Press Train to start again.'),
      'error',
    );
    if (c) offerCheckpoint(c);
  }
  refreshButtons();
}

// ---------------------------------------------------------------------------------------------
// Resume after a reload

function offerCheckpoint(c: Checkpoint): void {
  const unfinished = c.epoch < c.options.epochs;
  const last = c.history[c.history.length - 1];
  $('resume-text').textContent =
    `A run saved ${new Date(c.savedAt).toLocaleString()}: epoch ${c.epoch} of ${c.options.epochs}` +
    (last ? `, accuracy ${percent(last.accuracy)}${Number.isFinite(last.val_accuracy) ? `, val ${percent(last.val_accuracy)}` : ''}` : '') +
    '.';
  $('resume-run').hidden = !unfinished;
  $('resume-banner').hidden = false;
}

$('resume-run').addEventListener('click', () => {
  const c = state.checkpoint;
  if (!c || !state.gpuOk || state.running) return;
  $('resume-banner').hidden = true;
  message('');
  resumeFrom(c);
});
$('restore-model').addEventListener('click', () => {
  const c = state.checkpoint;
  if (!c || !state.gpuOk || state.running) return;
  $('resume-banner').hidden = true;
  writeForm(form, c.options, c.evalCount);
  charts.reset();
  charts.startRun(c.history, c.batches); // page-time
  state.busy = true;
  refreshButtons();
  send({ type: 'useWeights', weights: c.weights, label: `the model saved after epoch ${c.epoch}` });
});
$('discard-checkpoint').addEventListener('click', () => {
  $('resume-banner').hidden = true;
  state.checkpoint = undefined;
  void clearCheckpoint();
});

// ---------------------------------------------------------------------------------------------
// Save and load

buttons.save.addEventListener('click', () => send({ type: 'save' }));
buttons.saveKeras.addEventListener('click', () => send({ type: 'saveKeras' }));

buttons.load.addEventListener('change', async () => {
  const files = Array.from(buttons.load.files ?? []);
  buttons.load.value = '';
  const keras = files.filter((f) => f.name.toLowerCase().endsWith('.keras'));
  if (keras.length === 1 && files.length === 1) {
    const data = await keras[0].arrayBuffer();
    state.busy = true;
    refreshButtons();
    return send({ type: 'loadKeras', name: keras[0].name, data }, [data]);
  }
  const json = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const bins = files.filter((f) => !f.name.toLowerCase().endsWith('.json'));
  const fail = (text: string) => {
    $('model-status').textContent = text;
    message(`Could not load the weights; nothing was changed. ${text}`, 'error');
  };
  if (json.length !== 1 || bins.length < 1) {
    return fail(
      `Choose one .keras file, or both files together: one model.json and its weights file(s) (got ${files.map((f) => f.name).join(', ') || 'nothing'}).`,
    );
  }
  let modelJson: string;
  let weights: { name: string; data: ArrayBuffer }[];
  try {
    modelJson = await json[0].text();
    weights = await Promise.all(bins.map(async (f) => ({ name: f.name, data: await f.arrayBuffer() })));
  } catch (e) {
    return fail(`cannot read the files: ${e instanceof Error ? e.message : String(e)}`);
  }
  state.busy = true;
  refreshButtons();
  send({ type: 'load', modelJson, modelJsonName: json[0].name, weights }, weights.map((w) => w.data));
});

// ---------------------------------------------------------------------------------------------
// Draw a digit

const pad = (() => {
  const seen = $<HTMLCanvasElement>('seen');
  const bars = $('bars');
  const guess = $('guess');
  const rows: HTMLElement[] = [];
  for (let d = 0; d < 10; d++) {
    const row = document.createElement('div');
    row.className = 'bar-row';
    row.innerHTML = `<span class="digit-label">${d}</span><span class="track"><span class="fill"></span></span><span class="value"></span>`;
    bars.append(row);
    rows.push(row);
  }
  let image: Uint8Array | null = null;
  let nextId = 1;
  let inFlight = false;
  let wanted = 0; // id of the latest image to classify
  let shown = 0;

  const request = () => {
    if (inFlight || !image || !state.modelReady || wanted === shown) return;
    inFlight = true;
    send({ type: 'predict', id: wanted, image });
  };
  const drawPad = new DrawPad($<HTMLCanvasElement>('pad'), (img) => {
    image = img;
    drawDigit(seen, img ?? new Uint8Array(784));
    if (!img) {
      guess.textContent = '–';
      guess.dataset.state = 'empty';
      rows.forEach((r) => {
        (r.querySelector('.fill') as HTMLElement).style.width = '0%';
        (r.querySelector('.value') as HTMLElement).textContent = '';
        r.classList.remove('top');
      });
      return;
    }
    wanted = nextId++;
    request();
  });
  $('clear').addEventListener('click', () => drawPad.clear());
  drawDigit(seen, new Uint8Array(784));

  return {
    showPrediction(id: number, p: Float32Array): void {
      inFlight = false;
      shown = id;
      if (image) {
        let best = 0;
        for (let d = 1; d < 10; d++) if (p[d] > p[best]) best = d;
        guess.textContent = String(best);
        guess.dataset.state = 'ready';
        guess.title = `${(p[best] * 100).toFixed(1)}% sure`;
        rows.forEach((r, d) => {
          (r.querySelector('.fill') as HTMLElement).style.width = `${(p[d] * 100).toFixed(1)}%`;
          (r.querySelector('.value') as HTMLElement).textContent = `${(p[d] * 100).toFixed(1)}%`;
          r.classList.toggle('top', d === best);
        });
      }
      request(); // the drawing may have changed meanwhile
    },
    /** Classify the drawing again (a new model is ready). */
    refresh(): void {
      if (image) {
        wanted = nextId++;
        request();
      }
    },
  };
})();

// ---------------------------------------------------------------------------------------------
// Boot

function boot(): void {
  $('summary').textContent = summary(DEFAULT_MODEL);
  wireOptimizerDefaults(form);
  refreshButtons();
  if (!('gpu' in navigator) || !navigator.gpu) {
    showUnavailable(NO_WEBGPU_HELP);
    return;
  }
  try {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'trainer' });
  } catch (e) {
    showUnavailable(`Could not start the training worker: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  worker.onmessage = (ev: MessageEvent<WorkerToPage>) => onMessage(ev.data);
  worker.onerror = (ev) => {
    message(`The training worker failed: ${ev.message || 'unknown error'}`, 'error');
    state.running = false;
    state.busy = false;
    refreshButtons();
  };
  loadCheckpoint().then(
    (c) => {
      if (!c) return;
      state.checkpoint = c;
      offerCheckpoint(c);
    },
    () => undefined, // no IndexedDB (private mode): nothing to offer
  );
}

// ---------------------------------------------------------------------------------------------
// page-time: build progress, the run estimate before Train, and saving the two figures

function showBuildProgress(done: number, total: number): void {
  const fraction = total > 0 ? done / total : 0;
  $('bar-fill').style.width = `${(fraction * 100).toFixed(1)}%`;
  $('bar-fill').parentElement!.setAttribute('aria-valuenow', (fraction * 100).toFixed(0));
}

const estimateView = new EstimateView($('estimate'), $<HTMLButtonElement>('quick-run'), {
  read: () => {
    try {
      return readForm(form);
    } catch {
      return null;
    }
  },
  idle: () => state.gpuOk && !state.running && !state.busy,
  ask: (options, evalCount) => send({ type: 'estimate', options, evalCount }),
  applyQuickRun: (quick) => {
    const { options, evalCount } = readForm(form);
    writeForm(form, { ...options, ...quick }, evalCount);
  },
});
form.addEventListener('input', () => estimateView.request());

let lastResults: TestResults | undefined;
$('save-curves').addEventListener('click', () => downloadPng(charts.figure(), 'learning-curves.png'));
$('save-predictions').addEventListener('click', () => {
  if (lastResults) downloadPng(predictionsFigure(lastResults.samples), 'test-predictions.png');
});

// For tests and the curious: the page's state, read-only.
(globalThis as { mnistPage?: unknown }).mnistPage = {
  state,
  simulateDeviceLoss: () => send({ type: 'simulateDeviceLoss' }),
};

boot();
