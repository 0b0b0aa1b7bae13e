// The page's one state and the pure functions that change it: one per worker message and one
// per user action. Each returns a new state and never touches the DOM, the worker or storage;
// app.ts applies them and renders, the panels read the state. Node-testable.
import type { AdapterSummary } from '../gpu/device.ts';
import { dataChoiceOf, DATASET_TITLES, type DataChoice, type DatasetName } from '../data/datasets.ts';
import type { DatasetSummary } from '../data/dataset-summary.ts';
import type { EpochRecord, TrainEvent, TrainOptions } from '../train/types.ts';
import { DEFAULT_AUTOTUNE, type AutotuneMode } from '../tune/mode.ts';
import { tuningHistory, type TuningHistory } from '../tune/report.ts';
import type { ModelConfigState } from './model-config.ts';
import { configOfSpec, initialModelConfig } from './model-config.ts';
import type { ModelInput, StartRequest, TestResults, WorkerPhase, WorkerToPage } from './protocol.ts';
import type { DatasetFacts } from '../data/dataset-facts.ts';
import type { Checkpoint } from './storage.ts';
import { duration, int, percent } from './format.ts';

/** The run in progress (or the last one). */
export interface Run {
  options: TrainOptions;
  evalCount: number;
  /** Epochs already done when this run started (a resume). */
  epochOffset: number;
  history: EpochRecord[];
  stepsPerEpoch: number;
  trainCount: number;
  validationCount: number;
  /** Automatic restarts after a lost device. */
  resumes: number;
  /** The "Kernels" choice the run was started with. */
  autotune: AutotuneMode;
  /** How the run's kernels were chosen (the worker's autotune event), once it said. */
  tuning?: TuningHistory;
  /** What went wrong with the autotuning cache (the run went on without it). */
  tuneWarnings: string[];
  /** The latest progress event of the current epoch; undefined once the run ended. */
  progress?: Extract<TrainEvent, { type: 'progress' }>;
}

/** Where the model that predicts and is saved came from. */
export type ActiveModel =
  | { kind: 'none' }
  | { kind: 'shipped'; label: string; testAccuracy?: number }
  | { kind: 'trained'; label: string }
  | { kind: 'file'; label: string }
  | { kind: 'autosave'; label: string };

export type MessageKind = 'info' | 'error' | 'ok';

export interface PageState {
  gpu: { state: 'pending' | 'ok' | 'fallback' | 'none'; description: string; adapter?: AdapterSummary; unavailable?: string };
  phase: WorkerPhase;
  phaseDetail?: string;
  /** Progress of the phase where it has one (kernels compiled while building). */
  phaseProgress?: { done: number; total: number };
  running: boolean;
  paused: boolean;
  /** Evaluating or loading weights. */
  busy: boolean;
  modelReady: boolean;
  active: ActiveModel;
  /** The epochs of the active model's training where it came with them but not from a run here (the shipped model's). */
  modelHistory?: EpochRecord[];
  /** A model on its way (set when loading starts, made active by 'model-ready'). */
  pendingActive?: ActiveModel;
  run?: Run;
  results?: TestResults;
  message: { text: string; kind: MessageKind };
  /** The model card's status line (saved, autosaved, loaded). */
  modelStatus: string;
  optionsError: string;
  /** The autosave known to the page, and whether the resume banner offers it. */
  checkpoint?: Checkpoint;
  offerCheckpoint: boolean;
  /** The model to train (preset or edited config) and the dataset. */
  config: ModelConfigState;
  dataset: DataChoice;
  /** The user's own dataset as the worker read it (the last one read well). */
  own?: DatasetSummary;
  /** The own dataset came from an earlier visit (kept in this browser), not read in this one. */
  ownKept?: boolean;
  /** The user's dataset being read: its name and how many pictures are decoded (total 0: listing). */
  ownReading?: { name: string; done: number; total: number };
  /** Why the last dataset given could not be read ('' when it could). */
  ownError: string;
  /** The datasets this server serves (a static build: MNIST only); undefined until probed. */
  datasetsServed?: DatasetName[];
  /** The worker's model's input shape and classes (undefined until it has one). */
  modelInput?: ModelInput;
  /** What each dataset the worker has loaded holds. */
  datasets: Partial<Record<DataChoice, DatasetFacts>>;
  /** The prediction for the drawing on the pad (null: nothing drawn or not classified yet). */
  prediction: Float32Array | null;
  /** The drawing on the pad as the model's input ((H, W, C) bytes; null: nothing drawn). */
  drawing: Uint8Array | null;
  predictionError: string;
  /** A picture another card asked the "Inside the network" card to explain (a Why? button); a new drawing takes over. */
  explainSubject?: ExplainSubject;
}

/** A picture to explain: (H, W, C) bytes as the model sees them, and what it is, for the card's caption. */
export interface ExplainSubject {
  image: Uint8Array;
  /** e.g. "digit 2 of the number read", "test image #314 (true 4, predicted 9)". */
  title: string;
}

export function initialState(): PageState {
  return {
    gpu: { state: 'pending', description: '' },
    phase: 'idle',
    running: false,
    paused: false,
    busy: false,
    modelReady: false,
    active: { kind: 'none' },
    message: { text: '', kind: 'info' },
    modelStatus: '',
    optionsError: '',
    offerCheckpoint: false,
    config: initialModelConfig(),
    dataset: 'mnist',
    ownError: '',
    datasets: {},
    prediction: null,
    drawing: null,
    predictionError: '',
  };
}

/** Whether the page may start something new (train, evaluate, load). */
export function isIdle(s: PageState): boolean {
  return s.gpu.state !== 'none' && s.gpu.state !== 'pending' && !s.running && !s.busy;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------
// Worker messages

type Msg<T extends WorkerToPage['type']> = Extract<WorkerToPage, { type: T }>;

function onTrainEvent(s: PageState, e: TrainEvent): PageState {
  const run = s.run;
  if (!run) return s;
  switch (e.type) {
    case 'start':
      return { ...s, run: { ...run, stepsPerEpoch: e.stepsPerEpoch, trainCount: e.trainCount, validationCount: e.validationCount } };
    case 'progress':
      return { ...s, run: { ...run, progress: e } };
    case 'epoch': {
      const { type: _t, epoch: _e, ...record } = e;
      return { ...s, run: { ...run, history: [...run.history, record] } };
    }
    case 'autotune':
      return { ...s, run: { ...run, tuning: tuningHistory(e.report) } };
    case 'test':
      return s;
  }
}

const ON_MESSAGE: { [K in WorkerToPage['type']]: (s: PageState, m: Msg<K>) => PageState } = {
  // The number reader's replies (panels/numbers-panel.ts) change no page state.
  batchPrediction: (s) => s,
  batchPredictionFailed: (s) => s,
  // The explanations' replies (panels/explain-panel.ts) change no page state.
  explanation: (s) => s,
  explanationFailed: (s) => s,
  // The map of the test set's replies (panels/map-panel.ts) change no page state.
  testMapProgress: (s) => s,
  testMap: (s) => s,
  testMapFailed: (s) => s,
  // The estimate before Train is shown by the train panel (estimate-view.ts).
  estimate: (s) => s,
  // A fine-tune on the user's handwriting is shown by its panel (panels/handwriting-panel.ts).
  fineTune: (s) => s,
  adapter: (s, m) => ({
    ...s,
    gpu: { state: m.adapter.isFallback ? 'fallback' : 'ok', description: m.description, adapter: m.adapter },
  }),
  unavailable: (s, m) => ({ ...s, gpu: { state: 'none', description: 'No WebGPU', unavailable: m.message } }),
  // Once training runs, its model predicts (the pad works during a run and while paused).
  phase: (s, m) => ({
    ...s,
    phase: m.phase,
    phaseDetail: m.detail,
    phaseProgress: m.progress,
    paused: m.phase === 'paused' || m.phase === 'pausing',
    modelReady: s.modelReady || (m.phase === 'training' && s.running),
  }),
  train: (s, m) => onTrainEvent(s, m.event),
  // The autosave itself is an effect (app.ts), which then applies `autosaved`.
  checkpoint: (s) => s,
  done: (s, m) => {
    const ended = { ...s, running: false, paused: false, run: s.run && { ...s.run, progress: undefined } };
    const run = s.run;
    const active: ActiveModel = { kind: 'trained', label: run ? `trained now (${plural(run.history.length, 'epoch')} on ${dataTitle(run.options, s.own)})` : 'trained now' };
    if (m.reason === 'stopped') {
      return { ...ended, active, message: { text: 'Training stopped. The model as it is now can be used, saved or evaluated.', kind: 'info' } };
    }
    if (!run) return { ...ended, active };
    return {
      ...ended,
      active,
      busy: true,
      message: { text: `Training finished: ${plural(run.options.epochs, 'epoch')}. Evaluating on ${int(run.evalCount)} test images…`, kind: 'ok' },
    };
  },
  results: (s, m) => ({
    ...s,
    busy: false,
    results: m.results,
    message: {
      text: `Test accuracy ${percent(m.results.accuracy)} · loss ${m.results.loss.toFixed(4)} on ${int(m.results.count)} images (evaluated in ${duration(m.results.seconds)}).`,
      kind: 'ok',
    },
  }),
  'model-ready': (s) => ({ ...s, modelReady: true, active: s.pendingActive ?? s.active, pendingActive: undefined }),
  'model-input': (s, m) => ({ ...s, modelInput: m.input }),
  dataset: (s, m) => ({ ...s, datasets: { ...s.datasets, [m.name]: m.facts } }),
  'dataset-progress': (s, m) => ({ ...s, ownReading: { name: m.name, done: m.done, total: m.total } }),
  // A dataset read well is the one the next run trains on.
  'own-dataset': (s, m) => ({ ...s, own: m.summary, ownKept: m.kept, ownReading: undefined, ownError: '', dataset: m.kept ? s.dataset : 'own' }),
  prediction: (s, m) => ({ ...s, prediction: m.probabilities, predictionError: '' }),
  saved: (s) => ({ ...s, modelStatus: 'Saved model.json and weights.bin.' }),
  savedKeras: (s) => ({ ...s, modelStatus: 'Saved model.keras (Keras 3: keras.models.load_model("model.keras")).' }),
  loaded: (s, m) => {
    const next = s.pendingActive;
    const pendingActive = next?.kind === 'shipped' && m.testAccuracy !== undefined ? { ...next, testAccuracy: m.testAccuracy } : next;
    // Weights of another model show it in the editor (to train on from them); the shipped
    // model arriving leaves alone whatever the user chose meanwhile.
    const config = next?.kind === 'shipped' ? s.config : configOfSpec(m.spec);
    const modelHistory = next?.kind === 'shipped' ? m.history : undefined;
    return { ...s, busy: false, pendingActive, config, modelHistory, modelStatus: m.message, message: { text: m.message, kind: 'ok' } };
  },
  'device-lost': (s, m) => deviceLost(s, m.message).state,
  'tune-warning': (s, m) => (s.run ? { ...s, run: { ...s.run, tuneWarnings: [...s.run.tuneWarnings, m.message] } } : s),
  error: (s, m) => {
    const next: PageState = { ...s, busy: false, pendingActive: undefined };
    if (m.context === 'train') Object.assign(next, { running: false, paused: false });
    if (m.context === 'predict') return { ...next, predictionError: m.message };
    if (m.context === 'dataset') return { ...s, ownReading: undefined, ownError: m.message };
    if (m.context === 'shipped') {
      return { ...next, modelStatus: `No shipped model: ${m.message}`, message: { text: 'This page has no trained model to offer yet: train one or load weights.', kind: 'info' } };
    }
    if (m.context === 'load') {
      return { ...next, modelStatus: m.message, message: { text: `Could not load the weights; nothing was changed. ${m.message}`, kind: 'error' } };
    }
    return { ...next, message: { text: `${m.context === 'gpu' ? 'WebGPU' : m.context}: ${m.message}`, kind: 'error' } };
  },
};

/** The state after a worker message. */
export function onWorkerMessage(s: PageState, msg: WorkerToPage): PageState {
  return (ON_MESSAGE[msg.type] as (s: PageState, m: WorkerToPage) => PageState)(s, msg);
}

/** What to do after a lost device: resume from the autosave, start again, or wait for the user. */
export type DeviceLostPlan = { kind: 'resume'; checkpoint: Checkpoint } | { kind: 'restart'; run: Run } | { kind: 'none' };

export function deviceLost(s: PageState, reason: string): { state: PageState; plan: DeviceLostPlan } {
  const base: PageState = { ...s, running: false, paused: false, busy: false, modelReady: false, active: { kind: 'none' } };
  const c = s.checkpoint;
  const run = s.run;
  if (s.running && run && run.resumes < 3) {
    const counted = { ...run, resumes: run.resumes + 1 };
    if (c && c.options === run.options && c.epoch < run.options.epochs) {
      return {
        state: { ...base, run: counted, message: { text: `The GPU device was lost (${reason}). Resuming from the autosave after epoch ${c.epoch}…`, kind: 'error' } },
        plan: { kind: 'resume', checkpoint: c },
      };
    }
    return {
      state: { ...base, run: counted, message: { text: `The GPU device was lost (${reason}) before the first epoch ended. Starting the run again…`, kind: 'error' } },
      plan: { kind: 'restart', run: counted },
    };
  }
  const text = `The GPU device was lost (${reason}). ` + (c ? 'The last autosave is kept: use "Resume training" or "Use the saved model".' : 'Press Train to start again.');
  return { state: { ...base, message: { text, kind: 'error' }, offerCheckpoint: !!c }, plan: { kind: 'none' } };
}

// ---------------------------------------------------------------------------------------------
// User actions

/** A run starts (Train, a resume or a restart): `history` holds the epochs already done. */
export function runStarted(s: PageState, req: Omit<StartRequest, 'type' | 'from'>, history: EpochRecord[], resumes = 0): PageState {
  return {
    ...s,
    running: true,
    paused: false,
    optionsError: '',
    offerCheckpoint: false,
    active: { kind: 'trained', label: 'being trained now' },
    modelHistory: undefined,
    run: newRun({ options: req.options, evalCount: req.evalCount, epochOffset: req.epochOffset, history, resumes, autotune: req.autotune }),
  };
}

/** A run before the worker has said anything of it (its sizes come with the 'start' event). */
function newRun(r: Pick<Run, 'options' | 'evalCount' | 'epochOffset' | 'history' | 'resumes' | 'autotune' | 'tuning'>): Run {
  return { ...r, history: r.history.slice(), stepsPerEpoch: 0, trainCount: 0, validationCount: 0, tuneWarnings: [] };
}

export function optionsRejected(s: PageState, error: string): PageState {
  return { ...s, optionsError: error };
}

/** Evaluating or loading weights began; `next` is the model a load will make active. */
export function busyStarted(s: PageState, next?: ActiveModel): PageState {
  return { ...s, busy: true, pendingActive: next ?? s.pendingActive };
}

export function messageShown(s: PageState, text: string, kind: MessageKind = 'info'): PageState {
  return { ...s, message: { text, kind } };
}

export function loadRejected(s: PageState, text: string): PageState {
  return { ...s, modelStatus: text, message: { text: `Could not load the weights; nothing was changed. ${text}`, kind: 'error' } };
}

/** An autosave was found after a reload, or written after an epoch. */
export function checkpointFound(s: PageState, c: Checkpoint): PageState {
  return { ...s, checkpoint: c, offerCheckpoint: true };
}

export function autosaved(s: PageState, c: Checkpoint, error?: string): PageState {
  return {
    ...s,
    checkpoint: error ? s.checkpoint : c,
    modelStatus: error ? `Autosave failed: ${error}` : `Autosaved after epoch ${c.epoch} (${new Date(c.savedAt).toLocaleTimeString()}).`,
  };
}

export function checkpointDismissed(s: PageState, discard: boolean): PageState {
  return { ...s, offerCheckpoint: false, checkpoint: discard ? undefined : s.checkpoint };
}

/** The autosaved weights are being made the model (its history shown in the charts). */
export function checkpointRestoring(s: PageState, c: Checkpoint): PageState {
  return {
    ...busyStarted(s, { kind: 'autosave', label: `restored from the autosave of ${new Date(c.savedAt).toLocaleString()} (epoch ${c.epoch} of ${c.options.epochs})` }),
    modelHistory: undefined,
    run: newRun({ options: c.options, evalCount: c.evalCount, epochOffset: 0, history: c.history, resumes: 0, autotune: c.autotune ?? DEFAULT_AUTOTUNE, tuning: c.tuning }),
  };
}

/** The pad's drawing changed to `drawing` (the model's input; null: the pad is empty). */
export function drawingChanged(s: PageState, drawing: Uint8Array | null): PageState {
  return drawing ? { ...s, drawing } : { ...s, drawing, prediction: null, predictionError: '' };
}

/** A Why? button asked the "Inside the network" card to explain `subject`. */
export function explainAsked(s: PageState, subject: ExplainSubject): PageState {
  return { ...s, explainSubject: subject };
}

/** The user gave the page a dataset: the worker reads it. */
export function ownDatasetGiven(s: PageState, name: string): PageState {
  return { ...s, ownReading: { name, done: 0, total: 0 }, ownError: '' };
}

/** What the user gave could not be made into a dataset before the worker saw it (nothing given, a drop of no files). */
export function ownDatasetRefused(s: PageState, message: string): PageState {
  return { ...s, ownReading: undefined, ownError: message };
}

/** A run's dataset by name: a built-in's title, or the user's folder or file. */
export function dataTitle(options: TrainOptions, own: DatasetSummary | undefined): string {
  const choice = dataChoiceOf(options);
  return choice === 'own' ? (options.ownDataset?.path ?? own?.name ?? 'your dataset') : DATASET_TITLES[choice];
}

export function datasetChosen(s: PageState, dataset: DataChoice): PageState {
  return { ...s, dataset };
}

/** The server was asked which datasets it serves; a chosen one it lacks falls back to the first it has. */
export function datasetsProbed(s: PageState, served: DatasetName[]): PageState {
  return { ...s, datasetsServed: served, dataset: s.dataset === 'own' || served.includes(s.dataset) || !served.length ? s.dataset : served[0] };
}

export function configChanged(s: PageState, config: ModelConfigState): PageState {
  return { ...s, config };
}

/** Which run's options the Train form shows: the options object and the epoch the run started from. */
export interface ShownRun {
  options: TrainOptions | undefined;
  epochOffset: number;
}

/**
 * Whether the form must now show `run`'s options: a resumed run (epochOffset > 0) not shown yet.
 * A resume of a restored autosave keeps the restored run's options object with a new starting
 * epoch, so both are compared.
 */
export function formShowsNewResume(run: Run | undefined, shown: ShownRun): boolean {
  return !!run && run.epochOffset > 0 && (run.options !== shown.options || run.epochOffset !== shown.epochOffset);
}
