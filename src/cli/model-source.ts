// The model a run trains (--model): a preset by name, a Keras Sequential config from a file
// (a .keras file's config.json, a .keras file itself, or a TF.js model.json), or, with --init
// alone, the model of the file it starts from (--init: a .keras file or a TF.js model.json). Every problem is a UsageError (exit 2) naming the file and,
// for a bad config, the layer and option.
import { readFile, stat } from 'node:fs/promises';
import { isPresetName, presetSpec, DEFAULT_SPEC, PRESET_NAMES } from '../model/presets.ts';
import { parseModelConfig, type ModelSpec } from '../model/model-spec.ts';
import { UsageError } from './cli-error.ts';
import { checkInputPath, inputError } from './input-path.ts';
import { closestName } from './suggest.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { loadModelFiles } from '../io/files.ts';
import { loadKerasModelFile } from '../io/keras-disk.ts';
import { parseJsonContent } from '../io/json-content.ts';
import { MAX_JSON_BYTES } from '../io/load-limits.ts';
import type { AdamState } from '../io/keras-mapping.ts';
import type { DatasetDescription } from '../data/image-dataset.ts';

/** Largest model config file read (a config is a few kilobytes; this refuses /dev/zero and the like). */
const MAX_CONFIG_BYTES = MAX_JSON_BYTES;

/** A --model value with no path separator or dot is meant as a preset name. */
const looksLikeName = (model: string) => !/[/\\.]/.test(model);

/** --model NAME that is neither a preset nor a file: the closest preset and the list. */
function unknownPreset(model: string): UsageError {
  const near = closestName(model, PRESET_NAMES);
  return new UsageError(`--model ${model}: no such preset or file (${near ? `did you mean ${near}? ` : ''}presets: ${PRESET_NAMES.join(', ')})`);
}

/** Checks that --model names a readable file (or says which preset was meant). */
async function checkModelFile(model: string): Promise<void> {
  if (looksLikeName(model)) {
    const exists = await stat(model).then(() => true, () => false);
    if (!exists) throw unknownPreset(model);
  }
  await checkInputPath('--model', model);
}

async function readConfigFile(path: string): Promise<unknown> {
  await checkModelFile(path);
  let bytes: Buffer;
  try {
    const st = await stat(path);
    if (st.size > MAX_CONFIG_BYTES) throw new UsageError(`--model ${path}: ${st.size.toLocaleString('en-US')} bytes is too large for a model config`);
    bytes = await readFile(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw inputError('--model', path, e);
  }
  try {
    return parseJsonContent(bytes);
  } catch (e) {
    throw new UsageError(`--model ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * The spec of --model (a preset name or a file), else `fromInit` (the --init model's own
 * topology), else the default preset.
 */
export async function resolveModelSpec(model: string | null, fromInit?: ModelSpec): Promise<ModelSpec> {
  if (model === null) return fromInit ?? DEFAULT_SPEC;
  if (isPresetName(model)) return presetSpec(model);
  if (model.toLowerCase().endsWith('.keras')) {
    await checkInputPath('--model', model);
    try {
      return (await loadKerasModelFile(model)).model.spec;
    } catch (e) {
      throw inputError('--model', model, e);
    }
  }
  const json = await readConfigFile(model);
  try {
    return parseModelConfig(json);
  } catch (e) {
    throw new UsageError(`--model ${model}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The model and weights --init starts from. */
export interface InitialModel {
  /** The file read. */
  path: string;
  model: ModelInfo;
  params: Float32Array;
  /** Lines worth telling the user (weights matched by layer order, weights ignored). */
  notes: string[];
  /** Adam's state, when a .keras file holds one (training continues with it). */
  adam?: AdamState;
  /** The dataset the file records it was trained on (files this trainer wrote), else null. */
  dataset: DatasetDescription | null;
}

/**
 * A saved model: a .keras file (Keras 3) or a TF.js model.json (or a folder holding one).
 * `option` names it in errors (--init; null for a command's own argument); every problem is a
 * UsageError naming the path once.
 */
export async function loadInitialModel(path: string, option: string | null): Promise<InitialModel> {
  const keras = path.toLowerCase().endsWith('.keras');
  await checkInputPath(option, path, keras ? undefined : 'model.json');
  try {
    return keras ? await loadKeras(path) : await loadTfjs(path);
  } catch (e) {
    throw inputError(option, path, e);
  }
}

async function loadKeras(path: string): Promise<InitialModel> {
  const k = await loadKerasModelFile(path);
  return { path: k.path, model: k.model, params: k.params, notes: [], dataset: k.dataset, ...(k.adam ? { adam: k.adam } : {}) };
}

async function loadTfjs(path: string): Promise<InitialModel> {
  const loaded = await loadModelFiles(path);
  const notes = [
    ...loaded.renamed.map((r) => `weight ${r.from} used as ${r.to}`),
    ...(loaded.ignored.length ? [`ignored weights: ${loaded.ignored.join(', ')}`] : []),
  ];
  return { path: loaded.path, model: loaded.model, params: loaded.params, notes, dataset: loaded.dataset };
}
