// One headless training run, independent of where WebGPU comes from: the page
// (headless-entry.ts, navigator.gpu) and Node (node-entry.ts, the `webgpu` package) both call
// it. Acquires the device, loads the dataset, trains (src/train/run-session.ts, as the page does),
// evaluates, predicts samples and returns the weights (or, for `npm run predict`, only
// classifies the images it is given); never rejects (errors come back with
// the stage that failed).
import { acquireGpu, describeAdapter, type Gpu } from '../gpu/device.ts';
import type { Mnist } from '../data/mnist.ts';
import { describeDataset, type ImageDataset } from '../data/image-dataset.ts';
import type { Trainer } from '../train/trainer.ts';
import { asDeviceLoss, runTrainingSession, type TrainerFactory } from '../train/run-session.ts';
import type { EpochRecord, TrainEvent } from '../train/types.ts';
import { blankSplit, checkDataMatchesModel, GpuModel } from '../train/gpu-model.ts';
import { Explainer } from '../explain/explainer.ts';
import { modelOf } from '../train/options.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { autotuneModel } from '../tune/autotune-run.ts';
import { tunedChoices } from '../tune/report.ts';
import type { PlanKernelChoices } from '../gpu/kernel-registry.ts';
import {
  base64ToBytes,
  base64ToFloats,
  bytesToBase64,
  decodeTrainerState,
  encodeTrainerState,
  floatsToBase64,
  type CheckpointSink,
  type EncodedExplanation,
  type HeadlessConfig,
  type HeadlessResult,
  type PredictRequest,
} from './protocol.ts';


export interface HeadlessDeps {
  gpu: GPU | undefined;
  loadData(): Promise<Mnist | ImageDataset>;
  send(event: TrainEvent): void;
  /** Keeps each finished epoch's state (the driver writes the checkpoint); awaited before the epoch's event is sent. */
  checkpoint: CheckpointSink;
  /** The WebGPU implementation, for the autotuning key: the browser's version or Dawn's. */
  runtime: string;
  /** Tests only: loads a stand-in Trainer module. */
  loadTrainer?(path: string): Promise<TrainerFactory>;
}

export async function runHeadless(config: HeadlessConfig, deps: HeadlessDeps): Promise<HeadlessResult> {
  let stage = 'acquiring a WebGPU device';
  let trainer: Trainer | undefined;
  let gpu: Gpu | undefined;
  try {
    gpu = await acquireGpu(deps.gpu);
    if (config.predict) return await predictOnly(gpu, config, config.predict, (s) => (stage = s));
    stage = 'loading the dataset';
    const data = await deps.loadData();
    let factory: TrainerFactory | undefined;
    if (config.trainerModule && deps.loadTrainer) {
      stage = 'loading the trainer';
      factory = await deps.loadTrainer(config.trainerModule);
    }
    const initial = config.initialWeights ? base64ToFloats(config.initialWeights) : undefined;
    if (config.evaluateOnly) return await evaluateOnly(gpu, data, config, initial, deps, (s) => (stage = s));
    let kernels: PlanKernelChoices = {};
    if (config.autotune) {
      stage = 'autotuning the kernels';
      const report = await autotuneModel(gpu, modelOf(config.options), config.options.batchSize, config.autotune, deps.runtime);
      deps.send({ type: 'autotune', report });
      kernels = tunedChoices(report);
    }
    stage = 'building the trainer';
    const run = await runTrainingSession({
      gpu,
      data,
      options: config.options,
      initial,
      resume: config.resume ? decodeTrainerState(config.resume) : undefined,
      setup: { kernels },
      factory,
      built: (t) => (trainer = t),
      stage: (s) => (stage = s),
      send: deps.send,
      keep: (state, _epoch, record) => deps.checkpoint(encodeTrainerState(state), record),
    });
    return await finish(run.trainer, gpu, data, config, run.epochs, deps, (s) => (stage = s));
  } catch (e) {
    const err = gpu ? await asDeviceLoss(gpu, e) : e instanceof Error ? e : new Error(String(e));
    return { ok: false, stage, error: { name: err.name, message: err.message, stack: err.stack } };
  } finally {
    trainer?.destroy();
  }
}

/** What both kinds of run end with: the test figures, sample predictions and the weights. */
async function finish(
  model: Pick<GpuModel, 'evaluate' | 'predict' | 'getWeights' | 'model'>,
  gpu: Gpu,
  data: Mnist | ImageDataset,
  config: HeadlessConfig,
  epochs: EpochRecord[],
  deps: HeadlessDeps,
  stage: (s: string) => void,
): Promise<HeadlessResult> {
  stage('evaluating');
  const test = await model.evaluate(config.testLimit ?? undefined);
  deps.send({ type: 'test', loss: test.loss, accuracy: test.accuracy });
  stage('predicting');
  const { inputSize, classes } = model.model;
  const n = Math.min(config.samples, data.test.count);
  const images = data.test.images.slice(0, n * inputSize);
  const probs = await model.predict(images, n);
  const probabilities: number[][] = [];
  for (let i = 0; i < n; i++) probabilities.push(Array.from(probs.subarray(i * classes, (i + 1) * classes)));
  stage('reading the weights');
  const weights = await model.getWeights();
  return {
    ok: true,
    adapter: describeAdapter(gpu.adapter),
    epochs,
    test,
    weights: floatsToBase64(weights),
    samples: {
      images: bytesToBase64(images),
      shape: [...data.imageShape],
      labels: Array.from(data.test.labels.subarray(0, n)),
      classNames: [...data.classNames],
      probabilities,
    },
  };
}

/** npm run evaluate: the given weights on the test set, through a GpuModel (no training state built). */
async function evaluateOnly(
  gpu: Gpu,
  data: Mnist | ImageDataset,
  config: HeadlessConfig,
  weights: Float32Array | undefined,
  deps: HeadlessDeps,
  stage: (s: string) => void,
): Promise<HeadlessResult> {
  if (!weights) throw new Error('evaluation needs weights');
  stage('building the model');
  const model = modelOf(config.options);
  checkDataMatchesModel(data, model);
  const gpuModel = new GpuModel({ device: gpu.device, root: gpu.root }, model, weights, data.test, undefined, undefined, describeDataset(data).scaling);
  try {
    return await finish(gpuModel, gpu, data, config, [], deps, stage);
  } finally {
    gpuModel.destroy();
  }
}

/** npm run predict: the given images classified in one batch (EVAL_BATCH at a time) with the given weights; no dataset, no trainer. */
async function predictOnly(gpu: Gpu, config: HeadlessConfig, request: PredictRequest, stage: (s: string) => void): Promise<HeadlessResult> {
  if (!config.initialWeights) throw new Error('prediction needs weights');
  stage('building the model');
  const model = modelOf(config.options);
  const gpuModel = new GpuModel({ device: gpu.device, root: gpu.root }, model, base64ToFloats(config.initialWeights), blankSplit(model), undefined, undefined, request.scaling);
  try {
    stage('predicting');
    const pictures = base64ToBytes(request.images);
    const probs = await gpuModel.predict(pictures, request.count);
    const explanations = request.explain ? await explainAll(gpu, model, gpuModel.params, pictures, request, stage) : undefined;
    const { classes } = model;
    const probabilities = Array.from({ length: request.count }, (_, i) => Array.from(probs.subarray(i * classes, (i + 1) * classes)));
    return {
      ok: true,
      adapter: describeAdapter(gpu.adapter),
      epochs: [],
      test: { loss: 0, accuracy: 0, count: 0 },
      weights: '',
      samples: { images: '', shape: [...model.inputShape] as [number, number, number], labels: [], classNames: [], probabilities },
      explanations,
    };
  } finally {
    gpuModel.destroy();
  }
}

/** Saliency and Grad-CAM of each image's most probable class, one explainer for all of them. */
async function explainAll(gpu: Gpu, model: ModelInfo, params: GPUBuffer, pictures: Uint8Array, request: PredictRequest, stage: (s: string) => void): Promise<EncodedExplanation[]> {
  stage('explaining');
  const explainer = new Explainer({ device: gpu.device, root: gpu.root }, model, params, { gradCamLayer: request.camLayer });
  try {
    const out: EncodedExplanation[] = [];
    const size = model.inputSize;
    for (let i = 0; i < request.count; i++) {
      const e = await explainer.explainPixels(pictures.subarray(i * size, (i + 1) * size), request.scaling);
      const cam = e.gradCam;
      out.push({
        classIndex: e.classIndex,
        saliency: floatsToBase64(e.saliency),
        gradCam: cam && { layer: cam.layer, height: cam.height, width: cam.width, map: floatsToBase64(cam.map), upsampled: floatsToBase64(cam.upsampled) },
      });
    }
    return out;
  } finally {
    explainer.destroy();
  }
}
