// The model the page trains, as the config editor holds it: a preset's Keras Sequential JSON
// or the user's edit of it, checked as typed, and against the chosen dataset once the worker
// has said what that holds. Pure (no DOM): the state keeps one of these.
import { parseJsonContent } from '../io/json-content.ts';
import type { DatasetFacts } from '../data/dataset-facts.ts';
import { datasetModelProblem } from '../train/dataset-fit.ts';
import { DEFAULT_PRESET, PRESETS, type PresetName } from '../model/presets.ts';
import { parseModelConfig, toKerasConfig, type ModelSpec } from '../model/model-spec.ts';
import { modelInfo, type ModelInfo } from '../model/model-info.ts';

export interface ModelConfigState {
  /** The preset the text came from, or 'custom' once edited. */
  preset: PresetName | 'custom';
  text: string;
  /** The checked model when the text is valid. */
  model?: ModelInfo;
  /** Why the text is not a model the page can train ('' when valid). */
  error: string;
}

/** The editor's text for a config object: two-space indents, arrays of plain values on one line. */
function pretty(config: unknown): string {
  return JSON.stringify(config, null, 2).replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`);
}

/** Checks `text` as a Keras Sequential config the page can train (on a dataset of its input and classes: configProblem). */
export function checkConfigText(text: string): { model?: ModelInfo; error: string } {
  let json: unknown;
  try {
    json = parseJsonContent(text);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  let model: ModelInfo;
  try {
    model = modelInfo(parseModelConfig(json));
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  return { model, error: '' };
}

/**
 * What keeps the config from training on the dataset ('' when nothing): its own error, else
 * a mismatch with what the dataset holds (known once the worker has loaded it).
 */
export function configProblem(config: ModelConfigState, dataset: DatasetFacts | undefined): string {
  if (config.error || !config.model || !dataset) return config.error;
  return datasetModelProblem(dataset, config.model) ?? '';
}

export function presetConfig(name: PresetName): ModelConfigState {
  const text = pretty(PRESETS[name]);
  return { preset: name, text, ...checkConfigText(text) };
}

export function initialModelConfig(): ModelConfigState {
  return presetConfig(DEFAULT_PRESET);
}

/** The user typed `text` into the editor. */
export function editedConfig(text: string): ModelConfigState {
  return { preset: 'custom', text, ...checkConfigText(text) };
}

/** The editor showing a model that is already checked (e.g. an autosaved run's). */
export function configOfSpec(spec: ModelSpec): ModelConfigState {
  const preset = (Object.keys(PRESETS) as PresetName[]).find((name) => pretty(toKerasConfig(parseModelConfig(PRESETS[name]))) === pretty(toKerasConfig(spec)));
  return preset ? presetConfig(preset) : editedConfig(pretty(toKerasConfig(spec)));
}
