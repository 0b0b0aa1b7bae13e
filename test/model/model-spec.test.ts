// The model as data: Keras Sequential configs in both forms (Keras 3 config.json, TF.js
// modelTopology) read into a checked spec, shapes and the parameter table inferred, bad
// configs refused with the layer's index, name and option, and both forms written back.
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseModelConfig, toKerasConfig, toTfjsTopology, withDropout, dropoutRates } from '../../src/model/model-spec.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { DEFAULT_SPEC, PRESET_NAMES, presetSpec } from '../../src/model/presets.ts';
import { summary } from '../../src/model/summary.ts';
import { specErrorOf } from './spec-error-of.ts';

const FIXTURES = new URL('../fixtures/keras/', import.meta.url);

function fixtureConfig(name: string): unknown {
  const files = unzipSync(new Uint8Array(readFileSync(new URL(`${name}.keras`, FIXTURES))));
  return JSON.parse(strFromU8(files['config.json']));
}

type Layer = { class_name: string; config: Record<string, unknown> };
function seq(layers: Layer[], input: number[] = [28, 28, 1]): object {
  return { class_name: 'Sequential', config: { name: 'sequential', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, ...input] } }, ...layers] } };
}
const L = (class_name: string, config: Record<string, unknown> = {}): Layer => ({ class_name, config });
const head = [L('Flatten'), L('Dense', { units: 10, activation: 'softmax' })];


describe('model spec', () => {
  it("reads the Keras 3 fixtures' config.json: shapes and parameter counts as Keras built them", () => {
    const cnn = modelInfo(parseModelConfig(fixtureConfig('mnist-cnn')));
    expect(cnn.params.count).toBe(225_034);
    expect(cnn.spec).toEqual(DEFAULT_SPEC);
    const bn = modelInfo(parseModelConfig(fixtureConfig('small-bn')));
    expect(bn.layers.map((l) => `${l.spec.name}:${l.outputShape.join('x')}`)).toEqual([
      'conv2d:28x28x16', 'batch_normalization:28x28x16', 'activation:28x28x16', 'average_pooling2d:14x14x16',
      'conv2d_1:7x7x32', 'max_pooling2d:4x4x32', 'conv2d_2:2x2x64', 'global_average_pooling2d:64', 'dropout:64', 'dense:10',
    ]);
    // conv2d 5*5*1*16 (no bias) + BN 4*16 + conv2d_1 3*3*16*32+32 + conv2d_2 3*3*32*64+64 + dense 64*10+10
    expect(bn.params.count).toBe(400 + 64 + 4640 + 18496 + 650);
    expect(bn.params.count - bn.params.trainableCount).toBe(32); // moving mean and variance
    expect(bn.params.entries.filter((p) => p.layer === 'batch_normalization').map((p) => p.weight)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(summary(bn)).toContain('Non-trainable params: 32 (128.00 B)');
  });

  it('every preset parses, and writing either form reads back to the same spec', () => {
    for (const name of PRESET_NAMES) {
      const spec = presetSpec(name);
      expect(modelInfo(spec).classes).toBe(10);
      expect(parseModelConfig(toKerasConfig(spec))).toEqual(spec);
      expect(parseModelConfig(toTfjsTopology(spec, 'tfjs-layers 4.22.0'))).toEqual(spec);
      expect(parseModelConfig({ modelTopology: toTfjsTopology(spec, 'x'), weightsManifest: [] })).toEqual(spec);
    }
  });

  it("computes Keras's 'same' and 'valid' shapes, and names layers as Keras does when names are absent", () => {
    const spec = parseModelConfig(
      seq([L('Conv2D', { filters: 3, kernel_size: 5, strides: 2, padding: 'same' }), L('Conv2D', { filters: 4, kernel_size: [3, 2] }), L('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'same' }), ...head], [13, 9, 3]),
    );
    const m = modelInfo(spec);
    expect(m.layers.map((l) => `${l.spec.name}:${l.outputShape.join('x')}`)).toEqual(['conv2d:7x5x3', 'conv2d_1:5x4x4', 'max_pooling2d:3x2x4', 'flatten:24', 'dense:10']);
    expect(m.params.get('conv2d_1/kernel').shape).toEqual([3, 2, 3, 4]);
  });

  it('names the layer and option of every bad config', () => {
    expect(specErrorOf(seq([L('Conv2D', { filters: 8, kernel_size: 9 }), ...head]))).toBe(
      'layer 0 "conv2d" (Conv2D), option kernel_size: expected an integer or two integers in [1, 7], got 9',
    );
    expect(specErrorOf(seq([L('Conv2D', { name: 'c', filters: 8, kernel_size: 7 }), L('Conv2D', { filters: 8, kernel_size: 7 }), L('Conv2D', { filters: 8, kernel_size: 7 }), L('Conv2D', { filters: 8, kernel_size: 7 }), L('Conv2D', { filters: 8, kernel_size: 7 }), ...head]))).toBe(
      "layer 4 \"conv2d_4\" (Conv2D), option kernel_size: a 7x7 'valid' window does not fit the 4x4 input",
    );
    expect(specErrorOf(seq([L('LSTM', { units: 3 }), ...head]))).toMatch(/^layer 0 "\?" \(LSTM\): layer type LSTM is not supported \(supported: Conv2D, /);
    expect(specErrorOf(seq([L('Conv2D', { filters: 4, kernel_size: 3, dilation_rate: 2 }), ...head]))).toMatch(/layer 0 "conv2d" \(Conv2D\), option dilation_rate: 2 is not supported/);
    expect(specErrorOf(seq([L('Dense', { units: 10, activation: 'softmax' })]))).toMatch(/layer 0 "dense" \(Dense\): needs a flat input, got \(28, 28, 1\)/);
    expect(specErrorOf(seq([L('Flatten'), L('Dense', { units: 10, activation: 'elu' })]))).toMatch(/layer 1 "dense" \(Dense\), option activation: expected one of linear, relu, sigmoid, tanh, softmax, got "elu"/);
    expect(specErrorOf(seq([L('Flatten'), L('Dense', { units: 10, activation: 'softmax' }), L('Dense', { units: 10 })]))).toMatch(/layer 1 "dense" \(Dense\), option activation: softmax is supported on the last layer only/);
    expect(specErrorOf(seq([L('Flatten'), L('Dense', { units: 10 })]))).toMatch(/layer 1 "dense" \(Dense\), option activation: the last layer must end in softmax/);
    expect(specErrorOf(seq([L('Dropout', { rate: 1 }), ...head]))).toMatch(/layer 0 "dropout" \(Dropout\), option rate: expected a number in \[0, 1\), got 1/);
    expect(specErrorOf(seq([L('BatchNormalization', { axis: 1 }), ...head]))).toMatch(/option axis: 1 is not supported/);
    expect(specErrorOf(seq(head, [65, 28, 1]))).toMatch(/outside the supported H, W <= 64, C <= 4/);
    expect(specErrorOf(seq([L('Flatten', { name: 'x' }), L('Dense', { name: 'x', units: 10, activation: 'softmax' })]))).toMatch(/layer 1 "x" \(Dense\), option name: another layer has the same name/);
    expect(specErrorOf({ class_name: 'Functional', config: {} })).toMatch(/only Keras Sequential models are supported/);
    expect(specErrorOf({ class_name: 'Sequential', config: { layers: [L('Flatten'), L('Dense', { units: 10, activation: 'softmax' })] } })).toMatch(/no input shape/);
  });

  it('tells tables of the same layout apart from others', () => {
    const cnn = modelInfo(parseModelConfig(fixtureConfig('mnist-cnn'))).params;
    expect(cnn.sameLayout(modelInfo(DEFAULT_SPEC).params)).toBe(true);
    expect(cnn.sameLayout(modelInfo(withDropout(DEFAULT_SPEC, [0.1])).params)).toBe(true);
    expect(cnn.sameLayout(modelInfo(presetSpec('lenet5')).params)).toBe(false);
    expect(modelInfo(presetSpec('strided-bn')).params.sameLayout(modelInfo(parseModelConfig(fixtureConfig('small-bn'))).params)).toBe(false);
  });

  it('sets dropout rates for every Dropout layer, or one per layer, and refuses a wrong count', () => {
    expect(dropoutRates(withDropout(DEFAULT_SPEC, [0.1]))).toEqual([0.1, 0.1, 0.1]);
    expect(dropoutRates(withDropout(DEFAULT_SPEC, [0.1, 0.2, 0.3]))).toEqual([0.1, 0.2, 0.3]);
    expect(() => withDropout(DEFAULT_SPEC, [0.1, 0.2])).toThrow('dropout: give one rate or 3 (one per Dropout layer), got 2');
    expect(dropoutRates(DEFAULT_SPEC)).toEqual([0.25, 0.25, 0.5]);
  });
});
