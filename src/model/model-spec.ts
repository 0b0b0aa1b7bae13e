// The model as data: a Keras Sequential config read into a ModelSpec (input shape and the
// layers with checked options), from either form Keras writes it in:
//   - Keras 3 (a .keras file's config.json): {class_name: 'Sequential', config: {layers:
//     [{class_name: 'InputLayer', config: {batch_shape}}, ...]}, build_config}
//   - TensorFlow.js / Keras 2 (model.json's modelTopology): the same with the input shape as
//     the first layer's batch_input_shape, or an old-style config that is the layer array.
// A layer's `trainable: false` (Keras's per-layer key) is kept and written back in both forms.
// and written back in both forms. Every error names the layer's index, name and option.
import { layerError, ModelSpecError, type LayerLocation } from './spec-error.ts';
import { OptionReader, type RawConfig } from './layers/options.ts';
import { isLayerTypeName, isTrainable, LAYER_TYPES, layerType, writeExtras, type KerasInitializer, type LayerSpec } from './layers/index.ts';

export { ModelSpecError };

export interface ModelSpec {
  /** The Sequential's name (Keras: "sequential"). */
  name: string;
  /** (H, W, C) of one input image. */
  inputShape: [number, number, number];
  layers: LayerSpec[];
}

/** Limits of the input: H and W up to 64, C up to 4. */
export const MAX_INPUT_SIDE = 64;
export const MAX_INPUT_CHANNELS = 4;
export const MAX_LAYERS = 64;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The Sequential inside a model.json (modelTopology), a converted Keras model (model_config) or a config.json. */
function sequentialOf(json: unknown): Record<string, unknown> {
  if (!isObject(json)) throw new ModelSpecError('the model config is not a JSON object');
  if (isObject(json.modelTopology)) return sequentialOf(json.modelTopology);
  if (isObject(json.model_config)) return sequentialOf(json.model_config);
  if (json.class_name !== 'Sequential') {
    throw new ModelSpecError(`only Keras Sequential models are supported, got class_name ${JSON.stringify(json.class_name)}`);
  }
  return json;
}

interface RawLayer {
  className: string;
  config: RawConfig;
}

function rawLayers(seq: Record<string, unknown>): RawLayer[] {
  const c = seq.config;
  const list = Array.isArray(c) ? c : isObject(c) && Array.isArray(c.layers) ? c.layers : undefined;
  if (!list) throw new ModelSpecError('the Sequential config has no layer list (config.layers)');
  return list.map((l, i) => {
    if (!isObject(l) || typeof l.class_name !== 'string') throw new ModelSpecError(`layer ${i}: not a Keras layer config (no class_name)`);
    return { className: l.class_name, config: isObject(l.config) ? l.config : {} };
  });
}

/** [null, H, W, C] from a batch shape option, else undefined. */
function imageShape(v: unknown, where: string): [number, number, number] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length !== 4 || v.slice(1).some((x) => !Number.isInteger(x))) {
    throw new ModelSpecError(`${where}: expected an input shape [null, H, W, C], got ${JSON.stringify(v)}`);
  }
  const [h, w, c] = v.slice(1) as number[];
  if (h < 1 || h > MAX_INPUT_SIDE || w < 1 || w > MAX_INPUT_SIDE || c < 1 || c > MAX_INPUT_CHANNELS) {
    throw new ModelSpecError(
      `${where}: input (${h}, ${w}, ${c}) is outside the supported H, W <= ${MAX_INPUT_SIDE}, C <= ${MAX_INPUT_CHANNELS}`,
    );
  }
  return [h, w, c];
}

function findInputShape(seq: Record<string, unknown>, layers: RawLayer[]): [number, number, number] {
  const first = layers[0];
  const fromLayer =
    first && (imageShape(first.config.batch_shape, 'InputLayer batch_shape') ?? imageShape(first.config.batch_input_shape, 'batch_input_shape'));
  const build = isObject(seq.build_config) ? seq.build_config.input_shape : undefined;
  const shape = fromLayer ?? imageShape(build, 'build_config.input_shape');
  if (!shape) throw new ModelSpecError('the model has no input shape (an InputLayer batch_shape, batch_input_shape or build_config)');
  return shape;
}

/** Reads a Keras Sequential config (either form, or a whole model.json) into a checked ModelSpec. */
export function parseModelConfig(json: unknown): ModelSpec {
  const seq = sequentialOf(json);
  const all = rawLayers(seq);
  const inputShape = findInputShape(seq, all);
  const raw = all.filter((l) => l.className !== 'InputLayer');
  if (raw.length === 0) throw new ModelSpecError('the model has no layers');
  if (raw.length > MAX_LAYERS) throw new ModelSpecError(`the model has ${raw.length} layers, at most ${MAX_LAYERS} are supported`);
  const counts = new Map<string, number>();
  const names = new Set<string>();
  const layers = raw.map((l, index): LayerSpec => {
    const type = l.className;
    const given = typeof l.config.name === 'string' ? l.config.name : undefined;
    const at: LayerLocation = { index, name: given ?? '?', type };
    if (!isLayerTypeName(type)) {
      throw layerError(at, undefined, `layer type ${type} is not supported (supported: ${Object.keys(LAYER_TYPES).join(', ')})`);
    }
    const lt = LAYER_TYPES[type];
    const n = counts.get(lt.namePrefix) ?? 0;
    counts.set(lt.namePrefix, n + 1);
    const name = given ?? (n === 0 ? lt.namePrefix : `${lt.namePrefix}_${n}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw layerError({ ...at, name }, 'name', 'use letters, digits, _ . - only');
    if (names.has(name)) throw layerError({ ...at, name }, 'name', 'another layer has the same name');
    names.add(name);
    const reader = new OptionReader({ ...at, name }, l.config);
    const frozen = !reader.bool('trainable', true);
    const options = lt.parse(reader, index === raw.length - 1);
    return (frozen ? { type, name, options, trainable: false } : { type, name, options }) as LayerSpec;
  });
  const spec = { name: typeof (seq.config as RawConfig)?.name === 'string' ? String((seq.config as RawConfig).name) : 'sequential', inputShape, layers };
  checkEndsInSoftmax(spec);
  return spec;
}

/** The loss is categorical cross-entropy on a final softmax: the last layer must provide it. */
function checkEndsInSoftmax(spec: ModelSpec): void {
  const last = spec.layers[spec.layers.length - 1];
  const act = last.type === 'Dense' || last.type === 'Activation' ? last.options.activation : undefined;
  if (act !== 'softmax') {
    const at = { index: spec.layers.length - 1, name: last.name, type: last.type };
    throw layerError(at, 'activation', 'the last layer must end in softmax (the loss is categorical cross-entropy on it)');
  }
}

/** A copy of the spec with the given Dropout rates: one for every Dropout layer, or one per layer in order. */
export function withDropout(spec: ModelSpec, rates: readonly number[]): ModelSpec {
  const count = spec.layers.filter((l) => l.type === 'Dropout').length;
  if (count === 0 && rates.length > 1) throw new ModelSpecError(`dropout: the model has no Dropout layer, got ${rates.length} rates`);
  if (rates.length !== 1 && rates.length !== count) {
    throw new ModelSpecError(`dropout: give one rate or ${count} (one per Dropout layer), got ${rates.length}`);
  }
  let k = 0;
  const layers = spec.layers.map((l): LayerSpec => {
    if (l.type !== 'Dropout') return l;
    const rate = rates.length === 1 ? rates[0] : rates[k];
    k++;
    if (!(rate >= 0 && rate < 1)) throw new ModelSpecError(`dropout: rate ${rate} of ${l.name} is outside [0, 1)`);
    return { ...l, options: { rate } };
  });
  return { ...spec, layers };
}

/** The Dropout rates in layer order. */
export function dropoutRates(spec: ModelSpec): number[] {
  return spec.layers.flatMap((l) => (l.type === 'Dropout' ? [l.options.rate] : []));
}

/** A serialized initializer as tfjs-layers writes it. */
function tfjsInitializer(i: KerasInitializer): RawConfig {
  return { class_name: i.className, config: i.className === 'GlorotUniform' ? { seed: null } : {} };
}

function layerConfig(l: LayerSpec): RawConfig {
  return { name: l.name, trainable: isTrainable(l), ...layerType(l).serialize(l.options), ...writeExtras(layerType(l).tfjsExtras, tfjsInitializer) };
}

/** The topology as tfjs-layers serializes a Sequential (Keras 2 style: batch_input_shape on the first layer). */
export function toTfjsTopology(spec: ModelSpec, kerasVersion: string): Record<string, unknown> {
  const layers = spec.layers.map((l, i) => {
    const config = layerConfig(l);
    const withInput = i === 0 ? { name: l.name, trainable: isTrainable(l), batch_input_shape: [null, ...spec.inputShape], dtype: 'float32', ...config } : config;
    return { class_name: l.type, config: withInput };
  });
  return { class_name: 'Sequential', config: { name: spec.name, layers }, keras_version: kerasVersion, backend: 'tensor_flow.js' };
}

/** The Sequential as Keras 3 writes it into a .keras file's config.json (InputLayer first). */
export function toKerasConfig(spec: ModelSpec): Record<string, unknown> {
  const input = { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, ...spec.inputShape], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null };
  const layers = spec.layers.map((l) => ({ module: 'keras.layers', class_name: l.type, config: layerConfig(l), registered_name: null }));
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: spec.name, trainable: true, layers: [input, ...layers] },
    registered_name: null,
    build_config: { input_shape: [null, ...spec.inputShape] },
  };
}
