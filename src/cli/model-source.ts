// The model a run trains (--model): a preset by name, a Keras Sequential config from a file
// (a .keras file's config.json, a .keras file itself, or a TF.js model.json), or, with --init
// alone, the model of the file it starts from (--init: a .keras file or a TF.js model.json). Every problem is a UsageError (exit 2) naming the file and,
// for a bad config, the layer and option.
import { readFile, stat } from 'node:fs/promises';
import { isPresetName, presetSpec, DEFAULT_SPEC, PRESET_NAMES } from '../model/presets.ts';
import { parseModelConfig, type ModelSpec } from '../model/model-spec.ts';
import { UsageError } from './options.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { loadModelFiles } from '../io/files.ts';
import { loadKerasModelFile } from '../io/keras-disk.ts';
import { parseJsonContent } from '../io/json-content.ts';
import { MAX_JSON_BYTES } from '../io/load-limits.ts';
import type { AdamState } from '../io/keras-mapping.ts';

/** Largest model config file read (a config is a few kilobytes; this refuses /dev/zero and the like). */
const MAX_CONFIG_BYTES = MAX_JSON_BYTES;

async function readConfigFile(path: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new UsageError(`--model ${path}: not a regular file`);
    if (st.size > MAX_CONFIG_BYTES) throw new UsageError(`--model ${path}: ${st.size} bytes is too large for a model config`);
    bytes = await readFile(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const looksLikeName = !/[/\\.]/.test(path);
    const hint = looksLikeName ? ` (not a preset either: ${PRESET_NAMES.join(', ')})` : '';
    throw new UsageError(`--model ${path}: cannot read it${hint}: ${e instanceof Error ? e.message : String(e)}`);
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
    try {
      return (await loadKerasModelFile(model)).model.spec;
    } catch (e) {
      throw new UsageError(`--model ${model}: ${e instanceof Error ? e.message : String(e)}`);
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
}

/** --init: a .keras file (Keras 3) or a TF.js model.json (or a folder holding one). */
export async function loadInitialModel(path: string): Promise<InitialModel> {
  if (path.toLowerCase().endsWith('.keras')) {
    const k = await loadKerasModelFile(path);
    return { path: k.path, model: k.model, params: k.params, notes: [], ...(k.adam ? { adam: k.adam } : {}) };
  }
  const loaded = await loadModelFiles(path);
  const notes = [
    ...loaded.renamed.map((r) => `weight ${r.from} used as ${r.to}`),
    ...(loaded.ignored.length ? [`ignored weights: ${loaded.ignored.join(', ')}`] : []),
  ];
  return { path: loaded.path, model: loaded.model, params: loaded.params, notes };
}
