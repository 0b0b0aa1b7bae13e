// The model the page trains, as the config editor holds it: a preset's Keras Sequential JSON
// or the user's edit of it, checked as typed. Pure (no DOM): the state keeps one of these.
import { parseJsonContent } from '../io/json-content.ts';
import { DEFAULT_PRESET, PRESETS, type PresetName } from '../model/presets.ts';
import { parseModelConfig, toKerasConfig, type ModelSpec } from '../model/model-spec.ts';
import { modelInfo, type ModelInfo } from '../model/model-info.ts';

/** Every dataset the page offers is 28x28 grayscale in 10 classes. */
const DATASET_INPUT = [28, 28, 1] as const;
const DATASET_CLASSES = 10;

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

/** Checks `text` as a Keras Sequential config the page can train on its datasets. */
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
  const [h, w, c] = model.inputShape;
  if (h !== DATASET_INPUT[0] || w !== DATASET_INPUT[1] || c !== DATASET_INPUT[2]) {
    return { error: `the model's input is (${h}, ${w}, ${c}); the datasets here are (28, 28, 1) images: set the InputLayer's batch_shape to [null, 28, 28, 1]` };
  }
  if (model.classes !== DATASET_CLASSES) {
    return { error: `the model ends in ${model.classes} classes; the datasets here have ${DATASET_CLASSES}: give the last Dense layer units 10` };
  }
  return { model, error: '' };
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
