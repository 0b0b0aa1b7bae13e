/// <reference lib="webworker" />
// The training worker: owns the GPU device, the datasets and the Trainer. Everything GPU
// happens here so the page never freezes. Speaks the protocol in protocol.ts. A run is the
// CLI's run session (src/train/run-session.ts); the worker adds pausing, the estimate, the
// page's autosave transport and keeps the model afterwards for predictions.
import { modelInfo, type ModelInfo } from '../model/model-info.ts';
import { acquireGpu, describeAdapter, WebGpuUnavailableError, type Gpu } from '../gpu/device.ts';
import { liveGpuObjects, type GpuObjectKind } from '../gpu/gpu-objects.ts';
import type { Mnist, MnistSplit } from '../data/mnist.ts';
import { dataChoiceOf, DATASET_SIZES, DATASET_TITLES, scalingOfChoice, type DataChoice, type DatasetName } from '../data/datasets.ts';
import { builtinDescription, describeDataset, type DatasetDescription, type ImageDataset, type InputScaling } from '../data/image-dataset.ts';
import { readOwnDataset } from './own-dataset.ts';
import { keepOwnDataset, loadKeptDataset, type KeptDataset } from './own-dataset-store.ts';
import { datasetFacts } from '../data/dataset-facts.ts';
import { datasetModelProblem } from '../train/dataset-fit.ts';
import { fetchDataset } from '../data/fetch-dataset.ts';
import { DeviceLostError, NonFiniteError, Trainer } from '../train/trainer.ts';
import { asDeviceLoss, runTrainingSession } from '../train/run-session.ts';
import { blankSplit, GpuModel } from '../train/gpu-model.ts';
import type { EpochRecord, TrainEvent, TrainOptions } from '../train/types.ts';
import { describeEstimate, estimateRun, fitRun, offerQuickRun, runShape, shortAdapterName } from '../train/run-estimate.ts';
import { exportModel, readModel } from '../io/tfjs-model.ts';
import { EVAL_BATCH } from '../train/gpu-model.ts';
import { ExplainService } from './explain-service.ts';
import { testResults } from './metrics.ts';
import type { BuildProgress } from '../gpu/pipeline-build.ts';
import type { PageToWorker, StartRequest, WorkerPhase, WorkerToPage } from './protocol.ts';
import { fetchShippedModel, SHIPPED_MODEL_PATH } from './shipped-model.ts';
import { NumberReaderModel, READER_MODEL_PATH } from './numbers/reader-model.ts';
import { withDigitsFrom } from './numbers/read-number.ts';
import type { PlanKernelChoices } from '../gpu/kernel-registry.ts';
import { modelOf } from '../train/options.ts';
import { autotuneModel } from '../tune/autotune-run.ts';
import { tuneCacheIndexedDb } from '../tune/idb-store.ts';
import { browserRuntime } from '../tune/key.ts';
import { activeTuning, type AutotuneMode } from '../tune/mode.ts';
import { tunedChoices } from '../tune/report.ts';
import { TuneCacheStore } from '../tune/store.ts';
import { runFineTuneJob, warmFineTuneJob } from './handwriting/fine-tune-job.ts';
import { mapTestSet } from './test-map-job.ts';
import type { FineTuneRequest } from './handwriting/fine-tune-messages.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(message: WorkerToPage, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let gpu: Gpu | undefined;
let gpuLost = false;
/** Why the device was lost (the browser's words), once it was. */
let lostReason = '';
const data = new Map<DatasetName, Promise<Mnist>>();
/** The user's own dataset, once one was read (another one read later replaces it; a failed read keeps it). */
let own: ImageDataset | undefined;
/** The user's dataset being read. */
let readingOwn = false;
/**
 * The current model: the one being trained (a Trainer), or an evaluation-only GpuModel built
 * for loaded weights (no training state, no dataset).
 */
let trainer: Trainer | GpuModel | undefined;
/**
 * What the current model was trained on, where known (a run here, or the record of a loaded
 * file; 'own': a restored run on the user's own dataset, whichever is held here when it is
 * saved): saved with it, so its files name the classes and the input scaling.
 */
let modelData: DatasetDescription | 'own' | undefined;

/** The dataset record saved with the current model (the own dataset only where it fits the model). */
function savedDataset(model: ModelInfo): { dataset: DatasetDescription } | Record<string, never> {
  const d = modelData === 'own' ? own && describeDataset(own) : modelData;
  return d && !datasetModelProblem(d, model) ? { dataset: d } : {};
}
let training = false;
let busy = false; // evaluating / building
let abort: AbortController | undefined;
let resumeWaiters: (() => void)[] = [];
let paused = false;
/** Serializes predict/evaluate/save on the trainer (one mapAsync on its staging buffer at a time). */
let queue: Promise<unknown> = Promise.resolve();
/** The "Layers" and "Why?" views' explainer of the current model. */
const explaining = new ExplainService();
function exclusive<T>(job: () => Promise<T>): Promise<T> {
  const next = queue.then(job, job);
  queue = next.catch(() => undefined);
  return next;
}

function phase(p: WorkerPhase, detail?: string, progress?: { done: number; total: number }): void {
  post({ type: 'phase', phase: p, detail, progress });
}

/** Reports a trainer's pipeline build as 'building' phases with progress ("Building the trainer: 12 of 68 kernels"). */
function buildProgress(what: string): (p: BuildProgress) => void {
  return ({ built, total }) => phase('building', `Building ${what}: ${built} of ${total} kernels compiled…`, { done: built, total });
}

/** The device being acquired: callers arriving meanwhile share it (one device, not two). */
let acquiring: Promise<Gpu> | undefined;

function getGpu(): Promise<Gpu> {
  if (gpu && !gpuLost) return Promise.resolve(gpu);
  acquiring ??= acquireNewGpu().finally(() => (acquiring = undefined));
  return acquiring;
}

/**
 * Diagnostics, read from devtools or a test in the worker's scope: the live GPU objects of the
 * worker's device by kind (src/gpu/gpu-objects.ts; empty before a device is acquired). Bind
 * groups and pipelines count down when they are collected: where the browser exposes `gc`
 * (Chromium with --js-flags=--expose-gc), it collects first and lets the finalizers run.
 */
(scope as unknown as { mnistWorker: { liveGpuObjects(): Promise<Partial<Record<GpuObjectKind, number>>> } }).mnistWorker = {
  async liveGpuObjects() {
    const gc = (scope as unknown as { gc?: () => void }).gc;
    for (let i = 0; gc && i < 3; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    return gpu ? liveGpuObjects(gpu.device) : {};
  },
};

async function acquireNewGpu(): Promise<Gpu> {
  gpu = await acquireGpu(scope.navigator.gpu);
  gpuLost = false;
  lostReason = '';
  const mine = gpu;
  void mine.lost.then((info) => {
    if (gpu !== mine) return;
    gpuLost = true;
    lostReason = info.message || `reason: ${info.reason}`;
    trainer = undefined; // its buffers are gone with the device
    explaining.reset();
    numberReader.forget();
    // While training, fit() throws DeviceLostError and the start handler reports it.
    if (!training) post({ type: 'device-lost', message: info.message || info.reason });
  });
  post({ type: 'adapter', adapter: gpu.adapter, description: describeAdapter(gpu.adapter) });
  return gpu;
}

/** Throws unless a predictBatch holds 1..EVAL_BATCH whole images of `model`'s input. */
function checkBatch(msg: Extract<PageToWorker, { type: 'predictBatch' }>, model: ModelInfo): void {
  if (!(Number.isInteger(msg.count) && msg.count >= 1 && msg.count <= EVAL_BATCH && msg.images.length === msg.count * model.inputSize)) {
    throw new Error(`predictBatch: expected 1..${EVAL_BATCH} images of ${model.inputSize} bytes, got ${msg.images.length} bytes for ${msg.count}`);
  }
}

/** The number reader's own model (built on the first reading, again after a device loss). */
const numberReader = new NumberReaderModel(new URL(import.meta.env.BASE_URL + READER_MODEL_PATH, scope.location.href).href);

/** The number reader: all the candidate digits of one picture in one GPU batch (two when the page's model reads the digits). */
async function readNumberFields(msg: Extract<PageToWorker, { type: 'predictBatch' }>): Promise<void> {
  try {
    const g = await getGpu();
    const reader = await numberReader.get({ device: g.device, root: g.root });
    const model = msg.reader === "model's digits" ? trainer : undefined;
    if (msg.reader === "model's digits" && !model) throw new Error('there is no model yet: train one or load weights');
    for (const m of model ? [reader, model] : [reader]) checkBatch(msg, m.model);
    const probabilities = await exclusive(async () => {
      const answer = await reader.predict(msg.images, msg.count);
      return model ? withDigitsFrom(answer, await model.predict(msg.images, msg.count), msg.count) : answer;
    });
    post({ type: 'batchPrediction', id: msg.id, probabilities }, [probabilities.buffer]);
  } catch (e) {
    post({ type: 'batchPredictionFailed', id: msg.id, message: errorMessage(e) });
  }
}

/** Makes `read` the own dataset and tells the page (its facts, then its summary; the sample images are transferred). */
function useOwn(read: KeptDataset, kept: boolean): void {
  own = read.data;
  post({ type: 'dataset', name: 'own', facts: datasetFacts(read.data) });
  post({ type: 'own-dataset', summary: read.summary, kept }, read.summary.samples.map((x) => x.image.buffer));
}

/** A dataset's title in messages: the built-in's name, or the user's folder or file. */
function dataTitle(choice: DataChoice): string {
  return choice === 'own' ? (own?.name ?? 'your dataset') : DATASET_TITLES[choice];
}

function getData(dataset: DataChoice): Promise<Mnist> {
  if (dataset === 'own') return own ? Promise.resolve(own) : Promise.reject(new Error('your own dataset is not loaded in this page: give it your folder, zip or .npz file again'));
  let loading = data.get(dataset);
  if (!loading) {
    phase('loading-data', `Downloading ${DATASET_TITLES[dataset]}…`);
    loading = fetchDataset(dataset, new URL(import.meta.env.BASE_URL, scope.location.href).href);
    data.set(dataset, loading);
    loading.then(
      (d) => post({ type: 'dataset', name: dataset, facts: datasetFacts(d) }),
      () => data.delete(dataset),
    );
  }
  return loading;
}

/** Tells the page the input and classes of the model that now predicts. */
function announceModel(model: ModelInfo): void {
  const [h, w, c] = model.inputShape;
  post({ type: 'model-input', input: { shape: [h, w, c], classes: model.classes } });
}

/** Makes `weights` of `model` the current model, reading its images' bytes as `scaling` says, without downloading any dataset. */
async function replaceModel(model: ModelInfo, weights: Float32Array, scaling: InputScaling = 'divide-255'): Promise<void> {
  if (trainer && !gpuLost && trainer.model.params.sameLayout(model.params) && trainer.scaling === scaling) {
    // Same parameter table: just overwrite the parameters (queued after any pending predict).
    const same = trainer;
    await exclusive(async () => same.setWeights(weights));
    return;
  }
  const g = await getGpu();
  phase('building', 'Building the model…');
  const { device } = g;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let next: GpuModel | undefined;
  try {
    next = new GpuModel({ device, root: g.root }, model, weights, blankSplit(model), undefined, undefined, scaling);
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (validation || oom) {
      next?.destroy();
      next = undefined;
      throw new Error(`GPU error while building the model: ${(validation ?? oom)!.message}`);
    }
  }
  const old = trainer;
  trainer = next;
  announceModel(next.model);
  await exclusive(async () => old?.destroy());
}

/** Loading weights: one at a time, never during a run; reports 'loaded' and 'model-ready', or the error. */
async function loadWeights(
  read: () => Promise<{ model: ModelInfo; params: Float32Array; message: string; testAccuracy?: number; history?: EpochRecord[]; dataset?: DatasetDescription | 'own' | null }>,
  context: 'load' | 'shipped',
): Promise<void> {
  if (training || busy) return post({ type: 'error', context, message: 'stop the current run before loading weights' });
  busy = true;
  try {
    const r = await read();
    // a model of the user's own images reads their bytes as they are (its dataset record, or the run it came from, says so)
    await replaceModel(r.model, r.params, r.dataset === 'own' ? scalingOfChoice('own') : (r.dataset?.scaling ?? 'divide-255'));
    modelData = r.dataset ?? undefined;
    post({ type: 'loaded', message: r.message, spec: r.model.spec, testAccuracy: r.testAccuracy, history: r.history });
    explaining.weightsChanged();
    post({ type: 'model-ready' });
  } catch (e) {
    post({ type: 'error', context, message: errorMessage(e) });
  } finally {
    busy = false;
    phase('idle');
  }
}

/** A trainer built only to time steps of a model and batch size the worker had no trainer for. */
let probe: { key: string; trainer: Trainer } | undefined;
/** The estimate being measured (a run waits for it: both use the GPU). */
let estimating: Promise<void> | undefined;

/** What a trainer must share with a run for its step time to stand for the run's. */
const timingKey = (o: TrainOptions) => JSON.stringify([o.model, o.dropout, o.batchSize, dataChoiceOf(o), o.ownDataset ?? null]);

/**
 * Blank images of the model's input size standing in for the dataset while it is not
 * downloaded: a step's time does not depend on the pixels, so the estimate needs no download.
 */
function timingData(options: TrainOptions): Mnist {
  const model = modelOf(options);
  const blank = (count: number): MnistSplit => ({ images: new Uint8Array(count * model.inputSize), labels: new Uint8Array(count), count }); // (count, ...input shape)
  const [h, w, c] = model.inputShape;
  return { train: blank(options.batchSize * 4), test: blank(EVAL_BATCH), imageShape: [h, w, c], classNames: Array.from({ length: model.classes }, (_, i) => String(i)) };
}

async function estimate(req: Extract<PageToWorker, { type: 'estimate' }>): Promise<void> {
  const g = await getGpu();
  const choice = dataChoiceOf(req.options);
  const d = choice === 'own' ? (own ?? timingData(req.options)) : data.has(choice) ? await getData(choice) : timingData(req.options);
  const sizes = choice === 'own' ? { train: own?.train.count ?? 0, test: own?.test.count ?? 0 } : DATASET_SIZES[choice];
  const key = timingKey(req.options);
  let timed = trainer instanceof Trainer && !gpuLost && timingKey(trainer.options) === key ? trainer : probe?.key === key ? probe.trainer : undefined;
  if (!timed) {
    probe?.trainer.destroy();
    probe = undefined;
    const limit = Math.min(d.train.count, req.options.batchSize * 4);
    const options: TrainOptions = { ...req.options, epochs: 1, limit, validationSplit: 0 };
    timed = await Trainer.create(g, d, options, undefined, { onBuild: buildProgress('a trainer to time this run') });
    probe = { key, trainer: timed };
    phase('idle');
  }
  const model = timed;
  const stepMs = await exclusive(() => model.timeSteps(3));
  // The first evaluation pays for its kernels' first use (timeSteps warms up the same way):
  // the faster of the next two counts (as in timeSteps, other work can only slow a timing).
  await exclusive(() => model.evaluate(EVAL_BATCH));
  let evalMs = Infinity;
  for (let r = 0; r < 2; r++) {
    const t0 = performance.now();
    await exclusive(() => model.evaluate(EVAL_BATCH));
    evalMs = Math.min(evalMs, performance.now() - t0);
  }
  const evalImageMs = evalMs / EVAL_BATCH;
  const testCount = Math.min(req.evalCount, sizes.test);
  const est = estimateRun(runShape(req.options, sizes.train, testCount), { stepMs, evalImageMs });
  const software = g.adapter.isFallback;
  const fit = req.fitSeconds ? fitRun(req.options, sizes.train, testCount, { stepMs, evalImageMs }, req.fitSeconds) : undefined;
  const fitted =
    fit && fit.estimate.seconds < est.seconds
      ? {
          options: { ...req.options, epochs: fit.epochs, limit: fit.limit },
          evalCount: fit.evalCount,
          seconds: fit.estimate.seconds,
          text: describeEstimate(fit.estimate, shortAdapterName(g.adapter), software),
        }
      : undefined;
  post({
    type: 'estimate',
    options: req.options,
    seconds: est.seconds,
    epochSeconds: est.epochSeconds,
    stepMs,
    text: describeEstimate(est, shortAdapterName(g.adapter), software),
    offerQuickRun: offerQuickRun(est, software, req.options),
    fitted,
  });
}

/**
 * The run's kernels as the "Kernels" choice asks: tuned on this adapter (src/tune/) against the
 * cache in IndexedDB, or the fixed rules. Reports the tuning as an 'autotune' train event and
 * writes what it measured to the cache; a cache that cannot be read or written is a warning.
 */
async function chooseKernels(g: Gpu, options: TrainOptions, mode: AutotuneMode): Promise<PlanKernelChoices> {
  const warn = (message: string) => post({ type: 'tune-warning', message });
  const tuning = activeTuning(mode, g.adapter.isFallback) !== 'off';
  let store: TuneCacheStore | undefined;
  if (tuning) {
    phase('building', 'Tuning the kernels for this GPU: checking and timing each candidate…');
    store = new TuneCacheStore(tuneCacheIndexedDb(), warn);
    await store.load();
  }
  const report = await autotuneModel(g, modelOf(options), options.batchSize, { mode, cache: store?.current ?? null }, browserRuntime(scope.navigator.userAgent));
  post({ type: 'train', event: { type: 'autotune', report } });
  const cache = store;
  cache?.record(report.updates).catch((e: unknown) => warn(`warning: could not write the autotuning cache ${cache.backend.where}: ${errorMessage(e)}`));
  return tunedChoices(report);
}

/** Settles the run's wait for the page to keep an epoch's checkpoint ('checkpoint-kept'). */
let checkpointKept: ((epoch: number) => void) | undefined;

/**
 * Hands the page an epoch's checkpoint with the events that announce the epoch, and waits
 * until the page has kept it (and shown them) or the run is stopped.
 */
function keepCheckpoint(message: Extract<WorkerToPage, { type: 'checkpoint' }>, signal: AbortSignal): Promise<void> {
  const buffers = new Set<ArrayBufferLike>([message.weights.buffer]);
  if (message.state) for (const a of [message.state.params, message.state.moment1, message.state.moment2]) if (a) buffers.add(a.buffer);
  return new Promise<void>((resolve) => {
    const done = (): void => {
      checkpointKept = undefined;
      signal.removeEventListener('abort', done);
      resolve();
    };
    checkpointKept = (epoch) => epoch === message.epoch && done();
    signal.addEventListener('abort', done);
    post(message, [...buffers] as Transferable[]);
  });
}

/** Whether a train event says an epoch's steps are done: held back until its checkpoint is kept. */
function announcesEpochEnd(e: TrainEvent): boolean {
  return e.type === 'progress' && e.step === e.steps;
}

async function start(req: StartRequest): Promise<void> {
  if (training || busy) throw new Error('a run is already in progress');
  training = true;
  paused = false;
  abort = new AbortController();
  const signal = abort.signal;
  let run: Trainer | undefined;
  // A run resumed from a trainer state counts its epochs as the stopped run did; one resumed
  // from weights alone counts from the resume point (its events are shifted by the epochs done).
  const exact = req.from.kind === 'state' ? req.from.state : undefined;
  const shift = exact ? 0 : req.epochOffset;
  try {
    await estimating; // a measurement in progress finishes first (both use the GPU)
    probe?.trainer.destroy();
    probe = undefined;
    const g = await getGpu();
    const d = await getData(dataChoiceOf(req.options));
    let initial: Float32Array | undefined;
    if (req.from.kind === 'given') initial = req.from.weights;
    else if (req.from.kind === 'state') initial = req.from.state.params;
    else if (req.from.kind === 'current' && trainer) initial = await exclusive(() => trainer!.getWeights());
    // Resumed from weights alone, a run trains only the remaining epochs; a fresh seed per
    // resume point keeps it from replaying epoch 1's shuffle and dropout masks.
    const options: TrainOptions = exact ? req.options : { ...req.options, epochs: req.options.epochs - shift, seed: (req.options.seed + shift) >>> 0 };
    if (options.epochs <= (exact?.epoch ?? 0)) throw new Error(`nothing to do: ${req.epochOffset} of ${req.options.epochs} epochs are done`);
    const kernels = await chooseKernels(g, options, req.autotune);
    phase('building', 'Building the trainer…');
    let held: TrainEvent[] = [];
    const onEvent = (e: TrainEvent): void => {
      if (e.type === 'start') post({ type: 'train', event: { ...e, options: req.options } });
      else if (e.type === 'epoch') return; // the trainer sends it once kept: the page had it with the checkpoint
      else if (e.type === 'progress') {
        const shifted = { ...e, epoch: e.epoch + shift };
        if (announcesEpochEnd(e)) held.push(shifted);
        else post({ type: 'train', event: shifted });
      } else post({ type: 'train', event: e });
    };
    const { reason } = await runTrainingSession({
      gpu: g,
      data: d,
      options,
      initial,
      resume: exact,
      setup: { onBuild: buildProgress('the trainer'), kernels },
      built: (built) => {
        run = built;
        if (trainer !== built) trainer?.destroy();
        trainer = built;
        modelData = describeDataset(d);
        announceModel(built.model);
      },
      stage: () => phase('training'),
      send: onEvent,
      // The epoch is announced only once the page has kept its checkpoint (the session checked it is finite).
      keep: (state, epoch, record) => {
        const events: TrainEvent[] = [...held, { type: 'epoch', epoch: epoch + shift, ...record }];
        held = [];
        // An open "Layers" or "Why?" view shows the epoch's model next (the weights as kept).
        if (run) explaining.weightsChanged(run, state.params);
        return keepCheckpoint({ type: 'checkpoint', epoch: epoch + shift, record, weights: state.params, state: shift === 0 ? state : null, events }, signal);
      },
      control: {
        signal,
        isPaused: () => paused,
        // Called once the steps already submitted have finished: only now is the run held.
        waitIfPaused: (at) => {
          if (!paused) return Promise.resolve();
          phase('paused', `Paused after batch ${at.step} of epoch ${at.epoch + shift}`);
          return new Promise<void>((r) => resumeWaiters.push(r));
        },
      },
    });
    training = false;
    post({ type: 'done', reason });
    explaining.weightsChanged();
    post({ type: 'model-ready' });
    if (reason === 'finished') await evaluate(req.evalCount, dataChoiceOf(req.options));
    else phase('idle');
  } catch (e) {
    training = false;
    // A lost device can surface first as a failed mapAsync; device.lost is given a moment to say so.
    const named = gpu && !gpuLost ? await asDeviceLoss(gpu, e) : e;
    if (named instanceof DeviceLostError || gpuLost) {
      gpuLost = true;
      if (trainer === run) trainer = undefined;
      post({ type: 'device-lost', message: lostReason || errorMessage(e) });
    } else if (e instanceof NonFiniteError) {
      // Name the epoch as the page shows it.
      const shown = new NonFiniteError(e.epoch + shift, e.step, e.what);
      post({ type: 'error', context: 'train', message: `${shown.message}. The last autosave is kept.` });
    } else if (e instanceof WebGpuUnavailableError) {
      post({ type: 'unavailable', message: e.message });
    } else {
      post({ type: 'error', context: 'train', message: errorMessage(e) });
    }
    phase('idle');
  } finally {
    training = false;
    abort = undefined;
  }
}

async function evaluate(count: number, dataset: DataChoice): Promise<void> {
  const model = trainer;
  if (!model) throw new Error('there is no model yet: train one or load weights');
  busy = true;
  try {
    const d = await getData(dataset);
    const mismatch = datasetModelProblem(d, model.model);
    if (mismatch) throw new Error(`cannot evaluate on ${dataTitle(dataset)}: ${mismatch}`);
    const n = Math.max(1, Math.min(d.test.count, Math.floor(count)));
    phase('evaluating', `Evaluating on ${n.toLocaleString('en-US')} test images…`);
    const t0 = performance.now();
    const probabilities = await exclusive(() => model.predict(d.test.images, n));
    const { labels, images } = d.test;
    const predictions = { probabilities, labels, images, count: n, imageShape: d.imageShape, classNames: d.classNames };
    const results = testResults(predictions, 40, 16, (performance.now() - t0) / 1000);
    post({ type: 'results', results });
  } finally {
    busy = false;
    phase('idle');
  }
}

/** A map of the test set is being made (one at a time). */
let mapping = false;

/** The map of what the current model learned (test-map-job.ts), answered to request `id`. */
async function mapCurrent(msg: Extract<PageToWorker, { type: 'mapTestSet' }>): Promise<void> {
  const failed = (message: string) => post({ type: 'testMapFailed', id: msg.id, message });
  if (mapping) return failed('a map is being made: wait for it');
  if (training) return failed('wait for the current run to end');
  const source = trainer;
  if (!source || gpuLost) return failed('there is no model yet: train one or load weights');
  mapping = true;
  const downloading = msg.dataset !== 'own' && !data.has(msg.dataset);
  try {
    const d = await getData(msg.dataset);
    if (downloading && !training && !busy) phase('idle'); // the download's phase is over
    const mismatch = datasetModelProblem(d, source.model);
    if (mismatch) throw new Error(`cannot map ${dataTitle(msg.dataset)}: ${mismatch}`);
    const map = await mapTestSet(
      { source, data: d, exclusive, progress: (stage, done, total) => post({ type: 'testMapProgress', id: msg.id, stage, done, total }) },
      msg.count,
    );
    post({ type: 'testMap', id: msg.id, map }, [map.points.buffer, map.labels.buffer, map.predicted.buffer, map.images.buffer]);
  } catch (e) {
    failed(errorMessage(e));
    if (downloading && !training && !busy) phase('idle');
  } finally {
    mapping = false;
  }
}

/** Stops the fine-tune in progress. */
let fineTuneAbort: AbortController | undefined;
/** A fine-tune's kernels being compiled ahead (the fine-tune waits for it). */
let fineTuneWarming: Promise<void> | undefined;
const currentModel = () => (trainer && !gpuLost ? trainer : undefined);

/** Fine-tunes the current model on the user's handwriting; the model keeps predicting meanwhile. */
async function fineTuneCurrent(req: FineTuneRequest): Promise<void> {
  const send = (event: Extract<WorkerToPage, { type: 'fineTune' }>['event']) => post({ type: 'fineTune', event });
  if (training || busy) return send({ kind: 'failed', message: 'wait for the current run to end' });
  busy = true;
  fineTuneAbort = new AbortController();
  try {
    await fineTuneWarming;
    const installed = await runFineTuneJob(
      {
        gpu: getGpu,
        mnist: () => getData('mnist'),
        current: currentModel,
        exclusive,
        install: replaceModel,
        send,
        signal: fineTuneAbort.signal,
      },
      req,
    );
    if (installed) post({ type: 'model-ready' });
  } catch (e) {
    send({ kind: 'failed', message: errorMessage(e) });
  } finally {
    busy = false;
    fineTuneAbort = undefined;
    phase('idle');
  }
}

async function handle(msg: PageToWorker): Promise<void> {
  switch (msg.type) {
    case 'start':
      return start(msg);
    case 'pause':
      if (training) {
        paused = true;
        phase('pausing');
      }
      return;
    case 'resume': {
      paused = false;
      const waiters = resumeWaiters;
      resumeWaiters = [];
      waiters.forEach((r) => r());
      if (training) phase('training');
      return;
    }
    case 'checkpoint-kept':
      checkpointKept?.(msg.epoch);
      return;
    case 'stop':
      abort?.abort();
      if (paused) await handle({ type: 'resume' });
      return;
    case 'predict': {
      const model = trainer;
      if (!model) return post({ type: 'error', context: 'predict', message: 'there is no model yet: train one or load weights' });
      try {
        const probabilities = await exclusive(() => model.predict(msg.image, 1));
        post({ type: 'prediction', id: msg.id, probabilities }, [probabilities.buffer]);
      } catch (e) {
        post({ type: 'error', context: 'predict', message: errorMessage(e) });
      }
      return;
    }
    case 'explain': {
      const model = trainer;
      try {
        if (!model || !gpu) throw new Error('there is no model yet: train one or load weights');
        const ctx = { device: gpu.device, root: gpu.root };
        const answer = await exclusive(() => explaining.explain(ctx, model, msg.image, { classIndex: msg.classIndex, camLayer: msg.camLayer }));
        post({ type: 'explanation', id: msg.id, answer });
      } catch (e) {
        post({ type: 'explanationFailed', id: msg.id, message: errorMessage(e) });
      }
      return;
    }
    case 'predictBatch': {
      if (msg.reader) return readNumberFields(msg);
      const model = trainer;
      try {
        if (!model) throw new Error('there is no model yet: train one or load weights');
        checkBatch(msg, model.model);
        const probabilities = await exclusive(() => model.predict(msg.images, msg.count));
        post({ type: 'batchPrediction', id: msg.id, probabilities }, [probabilities.buffer]);
      } catch (e) {
        post({ type: 'batchPredictionFailed', id: msg.id, message: errorMessage(e) });
      }
      return;
    }
    case 'evaluate':
      if (training || busy) return post({ type: 'error', context: 'evaluate', message: 'wait for the current run to end' });
      try {
        await evaluate(msg.count, msg.dataset);
      } catch (e) {
        post({ type: 'error', context: 'evaluate', message: errorMessage(e) });
      }
      return;
    case 'save': {
      const model = trainer;
      if (!model) return post({ type: 'error', context: 'save', message: 'there is no model to save yet' });
      try {
        const flat = await exclusive(() => model.getWeights());
        const { modelJson, weightsBin } = exportModel(model.model, flat, savedDataset(model.model));
        post({ type: 'saved', modelJson: JSON.stringify(modelJson, null, 1), weights: weightsBin }, [weightsBin.buffer]);
      } catch (e) {
        post({ type: 'error', context: 'save', message: errorMessage(e) });
      }
      return;
    }
    case 'saveKeras': {
      const model = trainer;
      if (!model) return post({ type: 'error', context: 'save', message: 'there is no model to save yet' });
      try {
        const flat = await exclusive(() => model.getWeights());
        // h5wasm (about 5 MB) is loaded only when a .keras file is saved or loaded.
        const [{ writeKerasFile }, { kerasFileOfModel }] = await Promise.all([import('../io/keras-file.ts'), import('../io/keras-model.ts')]);
        const learningRate = model instanceof Trainer ? { learningRate: model.options.learningRate } : {};
        const data = await writeKerasFile(kerasFileOfModel(model.model, flat, { ...learningRate, ...savedDataset(model.model) }));
        post({ type: 'savedKeras', data }, [data.buffer]);
      } catch (e) {
        post({ type: 'error', context: 'save', message: errorMessage(e) });
      }
      return;
    }
    case 'loadKeras':
      return loadWeights(async () => {
        // h5wasm (about 5 MB) is loaded only when a .keras file is saved or loaded; its weights are read in a worker of their own, ended when the read hangs
        const [{ readKerasFile }, { modelFromKerasFile }, { workerWeightsReader }] = await Promise.all([import('../io/keras-file.ts'), import('../io/keras-model.ts'), import('../io/h5-isolated-browser.ts')]);
        const read = modelFromKerasFile(await readKerasFile(new Uint8Array(msg.data), msg.name, workerWeightsReader()), msg.name);
        return { ...read, message: `Loaded ${msg.name}.` };
      }, 'load');
    case 'load':
      return loadWeights(async () => {
        // One binary file: take it whatever its name (downloads get renamed, e.g. "weights (1).bin").
        const weights = msg.weights.length === 1 ? msg.weights[0].data : new Map(msg.weights.map((w) => [w.name, w.data] as const));
        const imported = readModel(msg.modelJson, weights, { source: msg.modelJsonName });
        const notes = imported.renamed.length ? ` (${imported.renamed.length} weights matched by layer order)` : '';
        return { ...imported, message: `Loaded ${msg.modelJsonName} + ${msg.weights.map((w) => w.name).join(' + ')}${notes}.` };
      }, 'load');
    case 'useWeights':
      return loadWeights(async () => {
        const model = modelInfo(msg.model);
        const choice = msg.data ?? 'mnist';
        const dataset = choice === 'own' ? 'own' : builtinDescription(choice);
        return { model, params: msg.weights, message: `Using ${msg.label}.`, dataset };
      }, 'load');
    case 'loadShipped':
      return loadWeights(async () => {
        const shipped = await fetchShippedModel(new URL(import.meta.env.BASE_URL + SHIPPED_MODEL_PATH, scope.location.href).href);
        return { ...shipped, message: 'Using the model shipped with the page.', testAccuracy: shipped.test?.accuracy, history: shipped.history };
      }, 'shipped');
    case 'estimate':
      if (training || busy || estimating) return; // the page asks again when it is idle
      estimating = estimate(msg)
        .catch((e: unknown) => post({ type: 'error', context: 'estimate', message: errorMessage(e) }))
        .finally(() => (estimating = undefined));
      return;
    case 'loadDataset': {
      if (readingOwn) return post({ type: 'error', context: 'dataset', message: 'a dataset is being read: wait for it to finish' });
      if (training) return post({ type: 'error', context: 'dataset', message: 'stop the current run before reading another dataset' });
      readingOwn = true;
      try {
        const read = await readOwnDataset(msg.upload, (p) => post({ type: 'dataset-progress', name: msg.upload.name, ...p }));
        const keeping = keepOwnDataset(read); // copies the sample images, which useOwn transfers
        useOwn(read, false);
        await keeping.catch((e: unknown) => post({ type: 'error', context: 'dataset', message: `${read.data.name} was read but could not be kept in this browser (${errorMessage(e)}): after a reload, give it again` }));
      } catch (e) {
        post({ type: 'error', context: 'dataset', message: errorMessage(e) });
      } finally {
        readingOwn = false;
      }
      return;
    }
    case 'mapTestSet':
      return mapCurrent(msg);
    case 'fineTune':
      return fineTuneCurrent(msg);
    case 'fineTuneWarm':
      if (training || busy || fineTuneWarming) return;
      fineTuneWarming = warmFineTuneJob({ gpu: getGpu, current: currentModel }, msg.settings)
        .catch((e: unknown) => console.warn(`compiling the fine-tune's kernels ahead: ${errorMessage(e)}`))
        .finally(() => (fineTuneWarming = undefined));
      return;
    case 'fineTuneStop':
      fineTuneAbort?.abort();
      return;
    case 'simulateDeviceLoss':
      gpu?.device.destroy();
      return;
  }
}

// Readbacks still pending when the device goes away reject with nobody awaiting them (the
// trainer stops awaiting once it sees the loss); they say nothing the device-lost report
// does not, and they may come before device.lost resolves.
scope.addEventListener('unhandledrejection', (ev) => {
  const r = ev.reason as { name?: string; message?: string } | undefined;
  if (gpuLost || (r?.name === 'AbortError' || r?.name === 'OperationError') && /mapAsync/.test(r?.message ?? '')) {
    ev.preventDefault();
    console.warn('after the GPU device was lost:', r?.message);
  }
});

scope.onmessage = (ev: MessageEvent<PageToWorker>) => {
  void handle(ev.data);
};

// The dataset the user gave on an earlier visit, kept in this browser (unless one was given meanwhile).
loadKeptDataset().then((kept) => {
  if (kept && !own && !readingOwn) useOwn(kept, true);
});

// Say at once which adapter we will use (or why there is none).
getGpu().catch((e: unknown) => {
  if (e instanceof WebGpuUnavailableError) post({ type: 'unavailable', message: e.message });
  else post({ type: 'error', context: 'gpu', message: `Could not start WebGPU: ${errorMessage(e)}` });
});
