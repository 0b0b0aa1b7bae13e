/**
 * The Keras 3 config.json of the seed network (src/model/architecture.ts), as Keras 3.15
 * serializes the same Sequential: what `keras.models.load_model` rebuilds the model from.
 * Object-sharing ids (`shared_object_id`) are left out: they are optional and only let Keras
 * deserialize one dtype policy once.
 */
import { C0, DROPOUT_RATES, IMAGE, LAYERS, type LayerSpec } from '../model/index.ts';
import { KerasFileError } from './keras-h5.ts';

/** The Keras version whose file layout and config serialization this project writes. */
export const KERAS_FORMAT_VERSION = '3.15.1';

/** What the seed's config may vary. */
export interface SeedConfigOptions {
  /** Dropout rates of dropout, dropout_1, dropout_2 (default 0.25, 0.25, 0.5). */
  dropout?: readonly [number, number, number];
  /** Adam's learning rate (default 0.001). */
  learningRate?: number;
}

const FLOAT32_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

const GLOROT_UNIFORM = {
  module: 'keras.initializers',
  class_name: 'GlorotUniform',
  config: { seed: null, input_axes: null, output_axes: null },
  registered_name: null,
};
const ZEROS = { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null };

type Json = Record<string, unknown>;

function layerEntry(className: string, config: Json, inputShape?: readonly number[]): Json {
  const entry: Json = { module: 'keras.layers', class_name: className, config, registered_name: null };
  if (inputShape) entry['build_config'] = { input_shape: [null, ...inputShape] };
  return entry;
}

function base(name: string): Json {
  return { name, trainable: true, dtype: FLOAT32_POLICY };
}

function initializersAndRegularizers(): Json {
  return {
    kernel_initializer: GLOROT_UNIFORM,
    bias_initializer: ZEROS,
    kernel_regularizer: null,
    bias_regularizer: null,
  };
}

function conv2d(layer: LayerSpec, inputShape: readonly number[]): Json {
  return layerEntry(
    'Conv2D',
    {
      ...base(layer.name),
      filters: layer.outputShape[2],
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      groups: 1,
      activation: layer.activation,
      use_bias: true,
      ...initializersAndRegularizers(),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
    inputShape,
  );
}

function dense(layer: LayerSpec, inputShape: readonly number[]): Json {
  return layerEntry(
    'Dense',
    {
      ...base(layer.name),
      units: layer.outputShape[0],
      activation: layer.activation,
      use_bias: true,
      ...initializersAndRegularizers(),
      kernel_constraint: null,
      bias_constraint: null,
      quantization_config: null,
    },
    inputShape,
  );
}

function layerConfig(layer: LayerSpec, inputShape: readonly number[], rate: () => number): Json {
  switch (layer.type) {
    case 'Conv2D':
      return conv2d(layer, inputShape);
    case 'Dense':
      return dense(layer, inputShape);
    case 'MaxPooling2D':
      return layerEntry('MaxPooling2D', { ...base(layer.name), pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' });
    case 'Dropout':
      return layerEntry('Dropout', { ...base(layer.name), rate: rate(), seed: null, noise_shape: null });
    case 'Flatten':
      return layerEntry('Flatten', { ...base(layer.name), data_format: 'channels_last' }, inputShape);
  }
}

function adamConfig(learningRate: number): Json {
  return {
    module: 'keras.optimizers',
    class_name: 'Adam',
    config: {
      name: 'adam',
      learning_rate: Math.fround(learningRate),
      weight_decay: null,
      clipnorm: null,
      global_clipnorm: null,
      clipvalue: null,
      use_ema: false,
      ema_momentum: 0.99,
      ema_overwrite_frequency: null,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
      beta_1: 0.9,
      beta_2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    },
    registered_name: null,
  };
}

/** The seed network's Keras 3 config.json (a Sequential compiled with Adam and categorical cross-entropy). */
export function seedKerasConfig(options: SeedConfigOptions = {}): Json {
  const rates = options.dropout ?? DROPOUT_RATES;
  if (rates.length !== 3 || rates.some((r) => !(r >= 0 && r < 1))) {
    throw new RangeError(`seedKerasConfig: expected three dropout rates in [0, 1), got [${rates.join(', ')}]`);
  }
  let dropoutIndex = 0;
  const inputShape = [IMAGE, IMAGE, C0];
  const batchShape = [null, ...inputShape];
  const layers: Json[] = [
    layerEntry('InputLayer', { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }),
  ];
  let shape: readonly number[] = inputShape;
  for (const layer of LAYERS) {
    layers.push(layerConfig(layer, shape, () => rates[dropoutIndex++]));
    shape = layer.outputShape;
  }
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: 'sequential', trainable: true, dtype: FLOAT32_POLICY, layers, build_input_shape: batchShape },
    registered_name: null,
    build_config: { input_shape: batchShape },
    compile_config: {
      optimizer: adamConfig(options.learningRate ?? 0.001),
      loss: 'categorical_crossentropy',
      loss_weights: null,
      metrics: ['accuracy'],
      weighted_metrics: null,
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: true,
    },
  };
}

/** metadata.json of a file written now: Keras's fields, date in Keras's `%Y-%m-%d@%H:%M:%S` form (UTC). */
export function kerasMetadata(date: Date = new Date()): { keras_version: string; date_saved: string } {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return { keras_version: KERAS_FORMAT_VERSION, date_saved: `${day}@${time}` };
}

/** Layer options that do not change what the seed network computes at evaluation or in training here. */
const FREE_OPTIONS = new Set(['name', 'trainable', 'dtype', 'kernel_initializer', 'bias_initializer', 'seed', 'rate']);

function layerList(config: unknown): Json[] | undefined {
  const layers = (config as { config?: { layers?: unknown } } | null)?.config?.layers;
  return Array.isArray(layers) ? (layers as Json[]) : undefined;
}

/** Equal options; an absent option equals null (Keras versions add options that default to null). */
function sameOption(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function optionText(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

/**
 * Checks that a Keras config (a file's config.json) is the seed network, layer by layer
 * (InputLayer included): same classes and options, only names, initializers and dropout rates
 * free. Returns the dropout rates; throws one KerasFileError listing every difference, naming the file,
 * the layer and the option. Until the model-as-data spec reads any supported Sequential, this
 * is what keeps a different model from loading into the seed's table with matching shapes.
 */
export function seedDropoutRatesOf(config: unknown, fileName: string): [number, number, number] {
  const seed = layerList(seedKerasConfig()) as Json[];
  const layers = layerList(config);
  const where = `${fileName}: config.json`;
  if ((config as Json | null)?.['class_name'] !== 'Sequential' || !layers) throw new KerasFileError(`${where}: not a Keras Sequential model`);
  if (layers.length !== seed.length) {
    const classes = layers.map((l) => l['class_name']).join(', ');
    throw new KerasFileError(`${where}: ${layers.length} layers (${classes}); this model has ${seed.length}: ${seed.map((l) => l['class_name']).join(', ')}`);
  }
  const problems: string[] = [];
  layers.forEach((layer, i) => {
    const expected = seed[i];
    const own = (layer['config'] ?? {}) as Json;
    const label = `layer ${i} "${String(own['name'])}" (${String(layer['class_name'])})`;
    if (layer['class_name'] !== expected['class_name']) {
      problems.push(`${label}: expected ${String(expected['class_name'])}`);
      return;
    }
    const wanted = expected['config'] as Json;
    for (const key of new Set([...Object.keys(wanted), ...Object.keys(own)])) {
      if (FREE_OPTIONS.has(key) || sameOption(own[key], wanted[key])) continue;
      problems.push(`${label}: ${key} ${optionText(own[key])}, this model supports ${optionText(wanted[key])}`);
    }
  });
  if (problems.length > 0) throw new KerasFileError(`${where}: not the network this trainer runs:\n  - ${problems.join('\n  - ')}`);
  const rates = layers.filter((l) => l['class_name'] === 'Dropout').map((l) => (l['config'] as Json)['rate']);
  if (!rates.every((r) => typeof r === 'number' && r >= 0 && r < 1)) throw new KerasFileError(`${where}: dropout rates ${JSON.stringify(rates)} are not all in [0, 1)`);
  return rates as [number, number, number];
}
