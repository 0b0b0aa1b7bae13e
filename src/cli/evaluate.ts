// `npm run evaluate -- PATH`: the test loss and accuracy of a saved model (a Keras 3 .keras
// file, or a TensorFlow.js model.json or the folder holding one), computed on the GPU through
// the same back ends as training (headless Chromium, or Dawn with --node) with an evaluation-
// only model (no gradients, optimizer state or training plan are built). The dataset is
// --dataset, else the one the model records (files this trainer wrote), else MNIST; one other
// than the model's is refused unless --allow-dataset-mismatch.
import { DATASET_NAMES, type DatasetName } from '../data/datasets.ts';
import type { DatasetDescription } from '../data/image-dataset.ts';
import { DEFAULT_TEST_SPLIT, DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../train/types.ts';
import { summary } from '../model/summary.ts';
import { commandMain } from './command-main.ts';
import { EVALUATE_USAGE, parseEvaluateArgs, type EvaluateOptions } from './evaluate-options.ts';
import { checkOutputFile, writeJsonFile } from './json-out.ts';
import { EventPrinter } from './event-printer.ts';
import { loadInitialModel } from './model-source.ts';
import { floatsToBase64, type HeadlessConfig } from './protocol.ts';
import { prepareRunDataset } from './dataset-source.ts';
import { UsageError } from './cli-error.ts';
import { runOnce } from './single-run.ts';

/** The dataset options of the run: --dataset, else the dataset `recorded` in the model, else MNIST. */
function datasetOptions(o: EvaluateOptions, recorded: DatasetDescription | null): Pick<TrainOptions, 'dataset' | 'ownDataset'> {
  const { dataset: args } = o;
  if (args.given === null && recorded) {
    const builtin = DATASET_NAMES.find((n) => n === recorded.name);
    if (builtin) return { dataset: builtin, ownDataset: null };
    return { dataset: 'mnist', ownDataset: { path: recorded.name, imageSize: null, colorMode: null, testSplit: args.testSplit ?? recorded.testSplit ?? DEFAULT_TEST_SPLIT } };
  }
  if (args.path === null) return { dataset: (args.builtin ?? 'mnist') as DatasetName, ownDataset: null };
  const sameFolder = recorded?.name === args.path ? recorded.testSplit : undefined;
  return { dataset: 'mnist', ownDataset: { path: args.path, imageSize: args.imageSize, colorMode: args.colorMode, testSplit: args.testSplit ?? sameFolder ?? DEFAULT_TEST_SPLIT } };
}

async function evaluate(o: EvaluateOptions): Promise<void> {
  if (o.jsonOut !== null) await checkOutputFile('--json-out', o.jsonOut);
  const loaded = await loadInitialModel(o.path, null);
  const printer = new EventPrinter();
  if (o.json) printer.mute();
  else process.stdout.write(`${summary(loaded.model)}\n\n`);
  const recorded = loaded.dataset;
  const options = datasetOptions(o, recorded);
  const report = { note: (line: string) => printer.note(line), warn: (line: string) => process.stderr.write(`${line}\n`) };
  if (o.dataset.given === null && recorded) report.note(`Evaluating on ${recorded.name}, the dataset the model records it was trained on`);
  let dataset;
  try {
    const trainedOn = recorded ? { description: recorded, allowMismatch: o.allowDatasetMismatch } : undefined;
    dataset = await prepareRunDataset({ ...options, limit: null, validationSplit: 0 }, loaded.model, report, trainedOn);
  } catch (e) {
    // The recorded folder or file may have moved: say where the path came from.
    if (o.dataset.given === null && e instanceof UsageError) throw new UsageError(`${e.message} (the dataset recorded in ${loaded.path}; give --dataset to evaluate on another path)`);
    throw e;
  }
  const config: HeadlessConfig = {
    options: { ...DEFAULT_TRAIN_OPTIONS, ...options, model: loaded.model.spec },
    dataPack: dataset.dataPack,
    initialWeights: floatsToBase64(loaded.params),
    samples: 0,
    testLimit: o.testLimit,
    trainerModule: null,
    resume: null,
    evaluateOnly: true,
  };
  const result = await runOnce(config, printer, o);
  const { loss, accuracy, count } = result.test;
  const figures = { path: loaded.path, dataset: dataset.description.name, loss, accuracy, count, adapter: result.adapter };
  if (o.jsonOut !== null) await writeJsonFile(o.jsonOut, figures);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    process.stdout.write(`${loaded.path}: test loss ${loss.toFixed(6)} - test accuracy ${accuracy.toFixed(4)} (${count.toLocaleString('en-US')} images)\n`);
  }
}

commandMain({ name: 'evaluate', usage: EVALUATE_USAGE, parse: parseEvaluateArgs, run: evaluate }, process.argv.slice(2)).then((code) => process.exit(code));
