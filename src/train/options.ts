// Validation of trainer options: one clear message per bad value.
import type { OwnDatasetOptions, TrainOptions } from './types.ts';
import { COLOR_MODES } from '../data/images/color-mode.ts';

/** Largest height or width --image-size takes (a model's input is at most 64; this only refuses nonsense). */
export const MAX_IMAGE_SIDE = 8192;
import { DATASET_NAMES } from '../data/datasets.ts';
import { withDropout, type ModelSpec } from '../model/model-spec.ts';
import { modelInfo, type ModelInfo } from '../model/model-info.ts';

/** Largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** Smallest normal float32 (smaller learning rates lose precision, below ~1.4e-45 they are 0). */
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

export function validateOptions(o: TrainOptions): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new OptionsError(`${name}: expected a positive integer, got ${v}`);
  };
  if (!DATASET_NAMES.includes(o.dataset)) throw new OptionsError(`dataset: expected one of ${DATASET_NAMES.join(', ')}, got ${String(o.dataset)}`);
  positiveInt('epochs', o.epochs);
  positiveInt('batchSize', o.batchSize);
  if (o.batchSize > 4096) throw new OptionsError(`batchSize: at most 4096, got ${o.batchSize}`);
  if (o.optimizer !== 'adam' && o.optimizer !== 'sgd') {
    throw new OptionsError(`optimizer: expected adam or sgd, got ${String(o.optimizer)}`);
  }
  // The GPU computes in float32: the values must hold there (1e39 is infinite, 1e-50 is 0,
  // 0.999999999 is 1).
  const lr32 = Math.fround(o.learningRate);
  if (!(lr32 >= FLOAT32_MIN_NORMAL) || !Number.isFinite(lr32)) {
    throw new OptionsError(
      `learningRate: expected a positive number that is finite and non-zero in float32 (${FLOAT32_MIN_NORMAL} to ${FLOAT32_MAX}), got ${o.learningRate}`,
    );
  }
  if (!(o.momentum >= 0 && Math.fround(o.momentum) < 1)) {
    throw new OptionsError(`momentum: expected 0 <= m < 1 (in float32), got ${o.momentum}`);
  }
  if (o.dropout !== null && o.dropout.some((r) => !(r >= 0 && Math.fround(r) < 1))) {
    throw new OptionsError(`dropout: expected rates in [0, 1) (in float32), got ${o.dropout.join(',')}`);
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
    throw new OptionsError(`seed: expected an integer in [0, 2^32), got ${o.seed}`);
  }
  if (o.limit !== null) positiveInt('limit', o.limit);
  if (!(o.validationSplit >= 0 && o.validationSplit < 1)) {
    throw new OptionsError(`validationSplit: expected 0 <= f < 1, got ${o.validationSplit}`);
  }
  if (o.ownDataset) validateOwnDataset(o.ownDataset);
}

function validateOwnDataset(d: OwnDatasetOptions): void {
  if (typeof d.path !== 'string' || d.path.length === 0) throw new OptionsError(`ownDataset.path: expected a path, got ${JSON.stringify(d.path)}`);
  if (d.imageSize !== null && !(Array.isArray(d.imageSize) && d.imageSize.length === 2 && d.imageSize.every((v) => Number.isInteger(v) && v >= 1 && v <= MAX_IMAGE_SIDE))) {
    throw new OptionsError(`ownDataset.imageSize: expected [height, width] from 1 to ${MAX_IMAGE_SIDE}, got ${JSON.stringify(d.imageSize)}`);
  }
  if (d.colorMode !== null && !COLOR_MODES.includes(d.colorMode)) throw new OptionsError(`ownDataset.colorMode: expected ${COLOR_MODES.join(', ')}, got ${JSON.stringify(d.colorMode)}`);
  if (!(d.testSplit > 0 && d.testSplit < 1)) throw new OptionsError(`ownDataset.testSplit: expected 0 < f < 1, got ${d.testSplit}`);
}

/** The model the options describe: the spec with the Dropout rates of `dropout` applied, its shapes inferred. */
export function modelOf(o: Pick<TrainOptions, 'model' | 'dropout'>): ModelInfo {
  let spec: ModelSpec = o.model;
  if (o.dropout !== null) {
    try {
      spec = withDropout(spec, o.dropout);
    } catch (e) {
      throw new OptionsError(e instanceof Error ? e.message : String(e));
    }
  }
  return modelInfo(spec);
}
