/**
 * A model's Keras 3 config.json, as Keras 3.15 serializes the same Sequential: what
 * `keras.models.load_model` rebuilds the model from, and metadata.json. Object-sharing ids
 * (`shared_object_id`) are left out: they are optional and only let Keras deserialize one dtype
 * policy once.
 */
import type { ModelInfo, LayerInfo } from '../model/model-info.ts';
import { isTrainable, layerType, writeExtras, type KerasInitializer } from '../model/layers/index.ts';

/** The Keras version whose file layout and config serialization this project writes. */
export const KERAS_FORMAT_VERSION = '3.15.1';

export interface KerasConfigOptions {
  /** Adam's learning rate in compile_config (default 0.001). */
  learningRate?: number;
}

const FLOAT32_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** A serialized initializer as Keras 3 writes it. */
function initializer({ className }: KerasInitializer): Json {
  const config = className === 'GlorotUniform' ? { seed: null, input_axes: null, output_axes: null } : {};
  return { module: 'keras.initializers', class_name: className, config, registered_name: null };
}

type Json = Record<string, unknown>;

function layerEntry(l: LayerInfo): Json {
  const type = layerType(l.spec);
  const config = { name: l.spec.name, trainable: isTrainable(l.spec), dtype: FLOAT32_POLICY, ...type.serialize(l.spec.options), ...writeExtras(type.keras3Extras, initializer) };
  const entry: Json = { module: 'keras.layers', class_name: l.spec.type, config, registered_name: null };
  if (type.built) entry['build_config'] = { input_shape: [null, ...l.inputShape] };
  return entry;
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

/** A model's Keras 3 config.json: the Sequential compiled with Adam and categorical cross-entropy, as Keras 3 serializes it. */
export function kerasConfig(model: ModelInfo, options: KerasConfigOptions = {}): Json {
  const batchShape = [null, ...model.inputShape];
  const layers: Json[] = [
    { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }, registered_name: null },
    ...model.layers.map(layerEntry),
  ];
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: model.spec.name, trainable: true, dtype: FLOAT32_POLICY, layers, build_input_shape: batchShape },
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

