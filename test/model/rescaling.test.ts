// Rescaling as a model layer: read from both config forms (Keras 3 config.json with its dtype
// policy; TF.js / Keras 2 modelTopology with batch_input_shape on it as the first layer), no
// weights and the input's shape, written back to both forms and to a .keras config.json the way
// Keras 3 writes it, and bad options named.
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

/** As Keras 3.15 writes `Sequential([Input((8, 8, 1)), Rescaling(1/255), Flatten(), Dense(10, 'softmax')])`. */
const keras3 = {
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 8, 8, 1], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null },
      { module: 'keras.layers', class_name: 'Rescaling', config: { name: 'rescaling', trainable: true, dtype: POLICY, scale: 0.00392156862745098, offset: 0.0 }, registered_name: null },
      ...head,
    ],
  },
};

/** The TF.js / Keras 2 form: the input shape on the first layer, offset left at its default. */
const tfjs = {
  class_name: 'Sequential',
  config: { name: 'sequential', layers: [{ class_name: 'Rescaling', config: { name: 'scale_in', trainable: true, batch_input_shape: [null, 8, 8, 1], dtype: 'float32', scale: -2 } }, ...head] },
};


describe('Rescaling layer', () => {
  it('reads both config forms: scale, offset (default 0), no weights, the input shape', () => {
    const a = parseModelConfig(keras3);
    expect(a.layers[0]).toEqual({ type: 'Rescaling', name: 'rescaling', options: { scale: 1 / 255, offset: 0 } });
    const b = parseModelConfig(tfjs);
    expect(b.inputShape).toEqual([8, 8, 1]);
    expect(b.layers[0]).toEqual({ type: 'Rescaling', name: 'scale_in', options: { scale: -2, offset: 0 } });
    const info = modelInfo(a);
    expect(info.layers[0].outputShape).toEqual([8, 8, 1]);
    expect(info.layers[0].paramCount).toBe(0);
    expect(info.layers.reduce((n, l) => n + l.paramCount, 0)).toBe(64 * 10 + 10);
  });

  it('writes both forms back to the same spec, and the .keras config as Keras 3 does (not built)', () => {
    const spec = parseModelConfig({ ...tfjs, config: { ...tfjs.config, layers: [{ ...tfjs.config.layers[0], config: { ...tfjs.config.layers[0].config, offset: 0.5 } }, ...head] } });
    expect(parseModelConfig(toKerasConfig(spec))).toEqual(spec);
    expect(parseModelConfig(toTfjsTopology(spec, 'tfjs-layers 4.22.0'))).toEqual(spec);
    const written = kerasConfig(modelInfo(spec)) as { config: { layers: Record<string, unknown>[] } };
    expect(written.config.layers[1]).toEqual({
      module: 'keras.layers',
      class_name: 'Rescaling',
      config: { name: 'scale_in', trainable: true, dtype: POLICY, scale: -2, offset: 0.5 },
      registered_name: null,
    });
    expect(parseModelConfig(written)).toEqual(spec);
  });

  it('names the layer and option of a missing or non-numeric scale or offset', () => {
    const withOptions = (config: Record<string, unknown>) => ({ ...tfjs, config: { ...tfjs.config, layers: [{ class_name: 'Rescaling', config: { batch_input_shape: [null, 8, 8, 1], ...config } }, ...head] } });
    expect(specErrorOf(withOptions({}))).toBe('layer 0 "rescaling" (Rescaling), option scale: expected a finite number, got undefined');
    expect(specErrorOf(withOptions({ scale: [0.5, 0.5] }))).toBe('layer 0 "rescaling" (Rescaling), option scale: expected a finite number, got [0.5,0.5]');
    expect(specErrorOf(withOptions({ scale: 1, offset: 'x' }))).toBe('layer 0 "rescaling" (Rescaling), option offset: expected a finite number, got "x"');
  });
});
