// Node-only: the dataset of a `npm run train` or `npm run evaluate` run, made ready before any
// GPU work: a built-in by name, or the user's own images (--dataset PATH) decoded once into a
// pack (own-dataset-node.ts; a progress line while decoding), split, checked against the model
// (shape and classes) and described. Every problem is one line naming --dataset and the path
// (exit code 2); files skipped and a model that does not start by scaling its input are warned
// about on stderr.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { DatasetFolderError, skippedLine } from '../data/image-folder.ts';
import { builtinDescription, datasetMismatch, listNames, shapeText, type DatasetDescription } from '../data/image-dataset.ts';
import { packSplits, PackFormatError } from '../data/image-pack.ts';
import { colorModeOfChannels } from '../data/images/color-mode.ts';
import { NpzFormatError } from '../data/npz.ts';
import { preparePack, type PackRequest } from '../data/own-dataset-node.ts';
import { DATASET_SIZES } from '../data/datasets.ts';
import { fsReason } from '../io/fs-reason.ts';
import { formatCount } from '../io/load-limits.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { datasetModelProblem } from '../train/dataset-fit.ts';
import type { OwnDatasetOptions, TrainOptions } from '../train/types.ts';
import { CliError, UsageError } from './cli-error.ts';
import { DecodeProgressLine } from './decode-progress.ts';
import { DATA_PACK_URL_PATH, type DataPackRef } from './protocol.ts';

export interface RunDataset {
  description: DatasetDescription;
  /** The pack of the user's own dataset (null: a built-in). */
  dataPack: DataPackRef | null;
  trainCount: number;
  testCount: number;
}

export interface DatasetReport {
  /** A line for stdout (what the dataset is). */
  note(line: string): void;
  /** A line for stderr (skipped files, the model's input scaling). */
  warn(line: string): void;
}

/** The pack request of --dataset PATH for `model`: a folder's size and colour mode from the options or the model. */
async function packRequest(own: OwnDatasetOptions, model: ModelInfo): Promise<PackRequest> {
  const named = `--dataset ${own.path}`;
  const info = await stat(own.path).catch((e: unknown) => {
    throw new UsageError(`${named}: ${fsReason(e)}`);
  });
  if (info.isFile()) {
    if (!own.path.toLowerCase().endsWith('.npz')) throw new UsageError(`${named}: not a folder of class folders or a Keras .npz file`);
    const flag = own.imageSize ? '--image-size' : own.colorMode ? '--color-mode' : null;
    if (flag) throw new UsageError(`${flag} applies to a folder of pictures; the images of ${basename(own.path)} are used as they are`);
    return { path: own.path, kind: 'npz', target: null };
  }
  if (!info.isDirectory()) throw new UsageError(`${named}: not a folder or a regular file`);
  const [height, width, channels] = model.inputShape;
  const colorMode = own.colorMode ?? colorModeOfChannels(channels);
  if (!colorMode) throw new UsageError(`${named}: the model's input has ${channels} channels; pictures give 1 (--color-mode grayscale), 3 (rgb) or 4 (rgba)`);
  const [h, w] = own.imageSize ?? [height, width];
  return { path: own.path, kind: 'folder', target: { height: h, width: w, colorMode } };
}

/** The user's own dataset, packed (from the cache or decoded now) and split. */
async function ownDataset(own: OwnDatasetOptions, model: ModelInfo, report: DatasetReport): Promise<RunDataset> {
  const request = await packRequest(own, model);
  const progress = new DecodeProgressLine(basename(own.path));
  let prepared;
  try {
    prepared = await preparePack(request, { progress: (p) => progress.update(p), note: report.warn });
  } catch (e) {
    progress.end();
    if (e instanceof DatasetFolderError || e instanceof NpzFormatError || e instanceof PackFormatError) throw new UsageError(`--dataset: ${e.message}`);
    throw e;
  }
  const seconds = progress.end();
  const { header } = prepared.pack;
  let data;
  try {
    data = packSplits(prepared.pack, own.testSplit);
  } catch (e) {
    throw new UsageError(`--test-split ${own.testSplit}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const how = prepared.built ? `decoded in ${seconds.toFixed(1)} s into ${prepared.file}` : `loaded from ${prepared.file}`;
  const split = header.trainCount === null ? `, ${own.testSplit} of each class held out for testing` : ' (its train/ and test/)';
  report.note(
    `Dataset: ${header.name}: ${header.classNames.length} classes ${listNames(header.classNames)}, ` +
      `${formatCount(data.train.count)} training and ${formatCount(data.test.count)} test images of ${shapeText(header.imageShape)}${split}; ${how}`,
  );
  if (header.skipped.count > 0) report.warn(`warning: ${skippedLine(header.skipped.first, header.skipped.count)}`);
  const description: DatasetDescription = { name: header.name, classNames: header.classNames, imageShape: header.imageShape, scaling: 'none', ...(header.trainCount === null ? { testSplit: own.testSplit } : {}) };
  return { description, dataPack: { file: prepared.file, url: `${DATA_PACK_URL_PATH}/${basename(prepared.file)}` }, trainCount: data.train.count, testCount: data.test.count };
}

/** Refuses (exit 2) or, when allowed, warns about a dataset other than the one the model was trained on. */
function checkTrainedOn(given: DatasetDescription, trained: DatasetDescription, allow: boolean, report: DatasetReport): void {
  const mismatch = datasetMismatch(trained, given);
  if (!mismatch) return;
  const line = `--dataset ${given.name}: the model was trained on ${trained.name}, another dataset: ${mismatch}`;
  if (allow) report.warn(`warning: ${line}; evaluating anyway (--allow-dataset-mismatch)`);
  else throw new UsageError(`${line}; give --dataset ${trained.name}, or --allow-dataset-mismatch to evaluate anyway`);
}

/**
 * The run's dataset (options.ownDataset, else the built-in options.dataset), checked against
 * `model`: its images' shape and its classes (exit 2 naming both), --limit against its size; a
 * model without a Rescaling layer first, on the user's own bytes 0..255, is warned about.
 */
export async function prepareRunDataset(
  options: Pick<TrainOptions, 'dataset' | 'ownDataset' | 'limit' | 'validationSplit'>,
  model: ModelInfo,
  report: DatasetReport,
  /** Evaluation: the dataset the model records; the run's must be the same, or the mismatch is allowed (a warning). */
  trainedOn?: { description: DatasetDescription; allowMismatch: boolean },
): Promise<RunDataset> {
  const run = options.ownDataset
    ? await ownDataset(options.ownDataset, model, report)
    : { description: builtinDescription(options.dataset), dataPack: null, trainCount: DATASET_SIZES[options.dataset].train, testCount: DATASET_SIZES[options.dataset].test };
  if (trainedOn) checkTrainedOn(run.description, trainedOn.description, trainedOn.allowMismatch, report);
  const problem = datasetModelProblem(run.description, model);
  if (problem) throw new CliError(`--dataset: ${problem}`, 2);
  if (options.limit !== null && options.limit > run.trainCount) throw new UsageError(`--limit ${options.limit}: the dataset has ${formatCount(run.trainCount)} training images`);
  const total = options.limit ?? run.trainCount;
  if (Math.floor(total * (1 - options.validationSplit)) < 1) throw new UsageError(`--validation-split ${options.validationSplit} leaves no training images out of ${total}`);
  const first = model.layers[0];
  if (run.description.scaling === 'none' && first?.spec.type !== 'Rescaling') {
    report.warn(`warning: the model's first layer ${first?.spec.name ?? ''} (${first?.spec.type ?? 'none'}) is not Rescaling: it gets the images' bytes 0..255 as they are, as Keras gives them (start the model with Rescaling(1/255) to train on 0..1)`);
  }
  return run;
}
