// A model config made to fit a dataset: its input shape set to the dataset's images, its last
// Dense layer given one unit per class and, for images given as bytes 0..255 (the user's own),
// a Rescaling(1/255) put first where the model does not start with one. The user's config is
// tried first, then each preset; the first that checks is offered. Pure (no DOM).
import type { DatasetFacts } from '../data/dataset-facts.ts';
import { datasetModelProblem } from '../train/dataset-fit.ts';
import { PRESET_NAMES, PRESETS } from '../model/presets.ts';
import { editedConfig, type ModelConfigState } from './model-config.ts';

interface RawLayer {
  class_name?: unknown;
  config?: Record<string, unknown>;
}

/** The layer list of a Keras Sequential config (Keras 3, tfjs, or the bare array), or null. */
function layersOf(json: unknown): RawLayer[] | null {
  if (Array.isArray(json)) return json as RawLayer[];
  const config = (json as { config?: unknown } | null)?.config;
  if (Array.isArray(config)) return config as RawLayer[];
  const layers = (config as { layers?: unknown } | null | undefined)?.layers;
  return Array.isArray(layers) ? (layers as RawLayer[]) : null;
}

/** `json` (a Keras Sequential config) fitted to `facts` in place; false where it has no layers to change. */
function fitJson(json: unknown, facts: Pick<DatasetFacts, 'imageShape' | 'classNames'>, rescale: boolean): boolean {
  const layers = layersOf(json);
  if (!layers || layers.length === 0) return false;
  const shape = [null, ...facts.imageShape];
  const first = layers[0];
  const hasInputLayer = first.class_name === 'InputLayer';
  const input = first.config ?? (first.config = {});
  if ('batch_input_shape' in input || !hasInputLayer) input.batch_input_shape = shape;
  else input.batch_shape = shape;
  delete input.input_shape;
  const build = (json as { build_config?: { input_shape?: unknown } }).build_config;
  if (build && typeof build === 'object' && 'input_shape' in build) build.input_shape = shape;
  const dense = [...layers].reverse().find((l) => l.class_name === 'Dense');
  if (!dense?.config) return false;
  dense.config.units = facts.classNames.length;
  const next = layers[hasInputLayer ? 1 : 0];
  if (rescale && hasInputLayer && next?.class_name !== 'Rescaling') {
    const names = new Set(layers.map((l) => l.config?.name));
    let name = 'rescaling';
    for (let i = 1; names.has(name); i++) name = `rescaling_${i}`;
    layers.splice(1, 0, { class_name: 'Rescaling', config: { name, scale: 1 / 255, offset: 0 } });
  }
  return true;
}

const pretty = (json: unknown) => JSON.stringify(json, null, 2).replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`);

/**
 * The config that fits the dataset (see the file comment) and where it came from, or null when
 * neither the user's config nor any preset can be made to fit it (images too small for the
 * convolutions). `rescale`: the images come as bytes 0..255.
 */
export function fittedConfig(config: ModelConfigState, facts: Pick<DatasetFacts, 'imageShape' | 'classNames'>, rescale: boolean): { config: ModelConfigState; from: string } | null {
  const candidates: { from: string; text: string }[] = [];
  if (config.preset === 'custom') candidates.push({ from: 'your config', text: config.text });
  const order = config.preset === 'custom' ? PRESET_NAMES : [config.preset, ...PRESET_NAMES.filter((n) => n !== config.preset)];
  for (const name of order) candidates.push({ from: `the ${name} preset`, text: JSON.stringify(PRESETS[name]) });
  for (const c of candidates) {
    let json: unknown;
    try {
      json = JSON.parse(c.text);
    } catch {
      continue;
    }
    if (!fitJson(json, facts, rescale)) continue;
    const fitted = editedConfig(pretty(json));
    if (fitted.model && !fitted.error && !datasetModelProblem(facts, fitted.model)) return { config: fitted, from: c.from };
  }
  return null;
}
