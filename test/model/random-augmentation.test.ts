// The random augmentation layers as model layers: read from both config forms (Keras 3
// config.json as Keras 3 writes them, with data_format and the dtype policy; the TF.js / Keras 2
// modelTopology with batch_input_shape on the first layer), Keras's defaults and factor forms
// (a number f is [-|f|, |f|], a pair is sorted), no weights and the input's shape, written back
// to both forms, bad options named in one line, and the rule that they come before every layer
// with weights.
import { describe, expect, it } from 'vitest';
import { parseModelConfig, toKerasConfig, toTfjsTopology } from '../../src/model/model-spec.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { kerasConfig } from '../../src/io/keras-config.ts';
import { specErrorOf } from './spec-error-of.ts';

const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const head = [
  { class_name: 'Flatten', config: { name: 'flatten' } },
  { class_name: 'Dense', config: { name: 'dense', units: 10, activation: 'softmax' } },
];
const input = { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 9, 7, 3], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null };
const keras3Layer = (class_name: string, config: Record<string, unknown>) => ({ module: 'keras.layers', class_name, config: { trainable: true, dtype: POLICY, data_format: 'channels_last', ...config }, registered_name: null });

/** As Keras 3 writes RandomFlip(), RandomTranslation(0.1, (-0.2, 0.3)), RandomRotation(0.25, ...), RandomZoom(0.5). */
const keras3 = {
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    layers: [
      input,
      keras3Layer('RandomFlip', { name: 'random_flip', seed: null, mode: 'horizontal_and_vertical' }),
      keras3Layer('RandomTranslation', { name: 'random_translation', height_factor: 0.1, width_factor: [-0.2, 0.3], fill_mode: 'reflect', interpolation: 'bilinear', seed: null, fill_value: 0.0 }),
      keras3Layer('RandomRotation', { name: 'random_rotation', factor: [-0.25, 0.25], fill_mode: 'constant', fill_value: 0.5, interpolation: 'nearest', seed: 42 }),
      keras3Layer('RandomZoom', { name: 'random_zoom', height_factor: 0.5, width_factor: null, fill_mode: 'reflect', interpolation: 'bilinear', seed: null, fill_value: 0.0 }),
      ...head,
    ],
  },
};

/** The TF.js / Keras 2 form: options at their defaults left out. */
const tfjs = {
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    layers: [
      { class_name: 'RandomZoom', config: { name: 'zoom', trainable: true, batch_input_shape: [null, 9, 7, 3], dtype: 'float32', height_factor: [0.3, -0.2], width_factor: 0.1 } },
      { class_name: 'RandomFlip', config: { name: 'flip', mode: 'vertical', seed: 7 } },
      { class_name: 'RandomRotation', config: { name: 'rot', factor: -0.1 } },
      { class_name: 'RandomTranslation', config: { name: 'shift', height_factor: [-1, 1], width_factor: 0, fill_mode: 'wrap' } },
      ...head,
    ],
  },
};

const SAMPLING = { fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0, seed: null };


describe('random augmentation layers', () => {
  it('read the Keras 3 form: options, factor ranges, no weights, the input shape', () => {
    const spec = parseModelConfig(keras3);
    expect(spec.layers.slice(0, 4)).toEqual([
      { type: 'RandomFlip', name: 'random_flip', options: { mode: 'horizontal_and_vertical', seed: null } },
      { type: 'RandomTranslation', name: 'random_translation', options: { heightFactor: [-0.1, 0.1], widthFactor: [-0.2, 0.3], ...SAMPLING } },
      { type: 'RandomRotation', name: 'random_rotation', options: { factor: [-0.25, 0.25], fillMode: 'constant', interpolation: 'nearest', fillValue: 0.5, seed: 42 } },
      { type: 'RandomZoom', name: 'random_zoom', options: { heightFactor: [-0.5, 0.5], widthFactor: null, ...SAMPLING } },
    ]);
    const info = modelInfo(spec);
    for (const l of info.layers.slice(0, 4)) {
      expect(l.outputShape).toEqual([9, 7, 3]);
      expect(l.paramCount).toBe(0);
    }
  });

  it('read the TF.js / Keras 2 form with the defaults: a negative number is its absolute range, a pair is sorted', () => {
    const spec = parseModelConfig(tfjs);
    expect(spec.inputShape).toEqual([9, 7, 3]);
    expect(spec.layers.slice(0, 4)).toEqual([
      { type: 'RandomZoom', name: 'zoom', options: { heightFactor: [-0.2, 0.3], widthFactor: [-0.1, 0.1], ...SAMPLING } },
      { type: 'RandomFlip', name: 'flip', options: { mode: 'vertical', seed: 7 } },
      { type: 'RandomRotation', name: 'rot', options: { factor: [-0.1, 0.1], ...SAMPLING } },
      { type: 'RandomTranslation', name: 'shift', options: { heightFactor: [-1, 1], widthFactor: [0, 0], ...SAMPLING, fillMode: 'wrap' } },
    ]);
  });

  it('write both forms back to the same spec, and the .keras config as Keras 3 does', () => {
    for (const source of [keras3, tfjs]) {
      const spec = parseModelConfig(source);
      expect(parseModelConfig(toKerasConfig(spec))).toEqual(spec);
      expect(parseModelConfig(toTfjsTopology(spec, 'tfjs-layers 4.22.0'))).toEqual(spec);
      expect(parseModelConfig(kerasConfig(modelInfo(spec)))).toEqual(spec);
    }
    const written = kerasConfig(modelInfo(parseModelConfig(keras3))) as { config: { layers: Record<string, unknown>[] } };
    expect(written.config.layers[3]).toEqual(
      keras3Layer('RandomRotation', { name: 'random_rotation', factor: [-0.25, 0.25], fill_mode: 'constant', fill_value: 0.5, interpolation: 'nearest', seed: 42 }),
    );
    expect(written.config.layers[1]).not.toHaveProperty('build_config');
    // Keras 2 knows no data_format on these layers: the TF.js form leaves it out.
    const topology = toTfjsTopology(parseModelConfig(keras3), 'tfjs-layers 4.22.0') as { config: { layers: { config: Record<string, unknown> }[] } };
    expect(topology.config.layers[0].config).not.toHaveProperty('data_format');
  });

  it('name the layer and option of an unsupported value', () => {
    const withLayer = (class_name: string, config: Record<string, unknown>) => ({ ...tfjs, config: { ...tfjs.config, layers: [{ class_name, config: { batch_input_shape: [null, 9, 7, 3], ...config } }, ...head] } });
    const cases: [string, Record<string, unknown>, string][] = [
      ['RandomFlip', { mode: 'diagonal' }, 'layer 0 "random_flip" (RandomFlip), option mode: expected one of horizontal_and_vertical, horizontal, vertical, got "diagonal"'],
      ['RandomFlip', { data_format: 'channels_first' }, 'layer 0 "random_flip" (RandomFlip), option data_format: "channels_first" is not supported (only channels_last)'],
      ['RandomFlip', { seed: 1.5 }, 'layer 0 "random_flip" (RandomFlip), option seed: expected null or an integer, got 1.5'],
      ['RandomTranslation', { width_factor: 0.1 }, 'layer 0 "random_translation" (RandomTranslation), option height_factor: expected a number or two numbers in [-1, 1], got undefined'],
      ['RandomTranslation', { height_factor: 1.5, width_factor: 0.1 }, 'layer 0 "random_translation" (RandomTranslation), option height_factor: expected a number or two numbers in [-1, 1], got 1.5'],
      ['RandomTranslation', { height_factor: 0.1, width_factor: [0.1, 0.2, 0.3] }, 'layer 0 "random_translation" (RandomTranslation), option width_factor: expected a number or two numbers in [-1, 1], got [0.1,0.2,0.3]'],
      ['RandomTranslation', { height_factor: 0.1, width_factor: 0.1, fill_mode: 'mirror' }, 'layer 0 "random_translation" (RandomTranslation), option fill_mode: expected one of reflect, wrap, constant, nearest, got "mirror"'],
      ['RandomRotation', { factor: 0.1, interpolation: 'bicubic' }, 'layer 0 "random_rotation" (RandomRotation), option interpolation: expected one of bilinear, nearest, got "bicubic"'],
      ['RandomRotation', { factor: 0.1, fill_value: 'x' }, 'layer 0 "random_rotation" (RandomRotation), option fill_value: expected a finite number, got "x"'],
      ['RandomRotation', { factor: 0.1, bounding_box_format: 'xyxy' }, 'layer 0 "random_rotation" (RandomRotation), option bounding_box_format: "xyxy" is not supported (only null: images alone are augmented)'],
      ['RandomZoom', { height_factor: [-1, 0.5] }, 'layer 0 "random_zoom" (RandomZoom), option height_factor: expected a number or two numbers in (-1, 1], got [-1,0.5]'],
      ['RandomZoom', { height_factor: 0.5, width_factor: 'same' }, 'layer 0 "random_zoom" (RandomZoom), option width_factor: expected a number or two numbers in (-1, 1], got "same"'],
    ];
    for (const [cls, config, message] of cases) expect(specErrorOf(withLayer(cls, config))).toBe(message);
  });

  it('take images, and come before every layer with weights (their input gradient is not computed)', () => {
    const layers = (...ls: object[]) => ({ class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 8, 8, 1] } }, ...ls, ...head] } });
    const flip = { class_name: 'RandomFlip', config: {} };
    const conv = { class_name: 'Conv2D', config: { filters: 2, kernel_size: 3 } };
    const rescale = { class_name: 'Rescaling', config: { scale: 0.5 } };
    // After layers without weights: allowed.
    expect(() => modelInfo(parseModelConfig(layers(rescale, flip, { class_name: 'MaxPooling2D', config: {} }, flip)))).not.toThrow();
    expect(specErrorOf(layers({ class_name: 'Flatten', config: { name: 'flat' } }, flip))).toBe('layer 1 "random_flip" (RandomFlip): needs an image input (H, W, C), got (64)');
    expect(specErrorOf(layers(flip, conv, flip))).toBe(
      'layer 2 "random_flip_1" (RandomFlip): must come before every layer with weights (layer 1 "conv2d" (Conv2D) has weights; random augmentation computes no input gradient)',
    );
  });
});
