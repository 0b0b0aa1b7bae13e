// The page side of `npm run train`: runs one headless training run with the browser's
// WebGPU and its dataset from the dev server (MNIST, Fashion-MNIST, or the pack of the user's
// own images), streaming events to Node through the exposed binding.
// Node calls `window.mnistHeadless.run(config)` and gets a HeadlessResult (never a rejection).
import { fetchDataset } from '../data/fetch-dataset.ts';
import { builtinDataset, type ImageDataset } from '../data/image-dataset.ts';
import { fetchPackDataset } from '../data/pack-fetch.ts';
import { DEFAULT_TEST_SPLIT } from '../train/types.ts';
import type { TrainEvent } from '../train/types.ts';
import { runHeadless } from './headless-run.ts';
import { browserRuntime } from '../tune/key.ts';
import { CHECKPOINT_BINDING, EVENT_BINDING, PAGE_API, type CheckpointSink, type HeadlessConfig, type HeadlessResult } from './protocol.ts';

function send(event: TrainEvent): void {
  const sink = (globalThis as Record<string, unknown>)[EVENT_BINDING] as ((e: TrainEvent) => Promise<void>) | undefined;
  // Fire and forget: the binding delivers in order; awaiting it would slow training down.
  void sink?.(event);
}

/** Awaits the driver's write of the epoch's checkpoint. */
const checkpoint: CheckpointSink = async (state, record) => {
  const sink = (globalThis as Record<string, unknown>)[CHECKPOINT_BINDING] as CheckpointSink | undefined;
  if (!sink) throw new Error('the driver exposed no checkpoint binding');
  await sink(state, record);
};

async function loadData(config: HeadlessConfig): Promise<ImageDataset> {
  const { dataPack, options } = config;
  if (dataPack) return fetchPackDataset(import.meta.env.BASE_URL + dataPack.url, options.ownDataset?.testSplit ?? DEFAULT_TEST_SPLIT);
  return builtinDataset(options.dataset, await fetchDataset(options.dataset, import.meta.env.BASE_URL));
}

function run(config: HeadlessConfig): Promise<HeadlessResult> {
  return runHeadless(config, {
    gpu: navigator.gpu,
    loadData: () => loadData(config),
    send,
    checkpoint,
    runtime: browserRuntime(navigator.userAgent),
    // Tests only: a stand-in Trainer (the driver adds it to Vite's dependency scan).
    loadTrainer: async (path) => ((await import(/* @vite-ignore */ path)) as { Trainer: never }).Trainer,
  });
}

(globalThis as Record<string, unknown>)[PAGE_API] = { run };
