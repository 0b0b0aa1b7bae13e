// Between a .keras file and this project's model: the model of a file's config.json, and the
// KerasFile of a model with its flat parameters (and Adam's state). Browser-safe.
import { modelInfo, type ModelInfo } from '../model/model-info.ts';
import { parseModelConfig } from '../model/model-spec.ts';
import { KerasFileError, type KerasFile } from './keras-file.ts';
import { kerasConfig, kerasMetadata } from './keras-config.ts';
import { parameterCountProblem } from './load-limits.ts';
import { datasetMetadata, recordedDataset } from './model-dataset.ts';
import type { DatasetDescription } from '../data/image-dataset.ts';
import { adamFromKeras, kerasFileFrom, layoutOf, paramsFromKeras, type AdamState, type KerasExport } from './keras-mapping.ts';

/** The model a .keras file's config.json describes (an unsupported layer or option names the file, layer and option). */
export function modelOfKerasConfig(config: unknown, fileName: string): ModelInfo {
  let model: ModelInfo;
  try {
    model = modelInfo(parseModelConfig(config));
  } catch (e) {
    throw new KerasFileError(`${fileName}: config.json: ${e instanceof Error ? e.message : String(e)}`);
  }
  const tooLarge = parameterCountProblem(model.params.length);
  if (tooLarge) throw new KerasFileError(`${fileName}: config.json: ${tooLarge}`);
  return model;
}

/**
 * The model, weights, Adam state (when present) and recorded dataset (metadata.json, or null) of
 * a read .keras file; nothing is returned half-loaded.
 */
export function modelFromKerasFile(
  file: KerasFile,
  fileName: string,
): { model: ModelInfo; params: Float32Array; adam?: AdamState; dataset: DatasetDescription | null } {
  const model = modelOfKerasConfig(file.config, fileName);
  const layout = layoutOf(model);
  const params = paramsFromKeras(file, fileName, layout);
  const adam = adamFromKeras(file, fileName, layout);
  const dataset = recordedDataset(file.metadata);
  return adam ? { model, params, adam, dataset } : { model, params, dataset };
}

export interface KerasModelOptions {
  /** Adam's state to write (else a fresh one: step 0, zero moments). */
  adam?: AdamState;
  /** Adam's learning rate in compile_config (default: the state's, else 0.001). */
  learningRate?: number;
  date?: Date;
  /** The dataset the model was trained on, recorded in metadata.json (model-dataset.ts). */
  dataset?: DatasetDescription;
}

/** What a .keras file of a model holds: its Keras 3 config (compiled with Adam), weights and Adam's state. */
export function kerasExportOfModel(model: ModelInfo, params: Float32Array, options: KerasModelOptions = {}): KerasExport {
  return {
    params,
    config: kerasConfig(model, { learningRate: options.adam?.learningRate ?? options.learningRate }),
    metadata: { ...kerasMetadata(options.date), ...(options.dataset ? datasetMetadata(options.dataset) : {}) },
    layout: layoutOf(model),
    ...(options.adam ? { adam: options.adam } : {}),
  };
}

export function kerasFileOfModel(model: ModelInfo, params: Float32Array, options: KerasModelOptions = {}): KerasFile {
  return kerasFileFrom(kerasExportOfModel(model, params, options));
}
