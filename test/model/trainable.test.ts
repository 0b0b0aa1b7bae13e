// Frozen layers (Keras's per-layer `trainable: false`): read from and written back in both
// config forms (Keras 3 config.json, as the .keras writer writes it too, and TF.js
// modelTopology), counted as Keras counts them (a frozen layer's weights are all
// non-trainable), and given to the optimizer as the ranges it leaves alone.
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseModelConfig, toKerasConfig, toTfjsTopology, ModelSpecError } from '../../src/model/model-spec.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { summary } from '../../src/model/summary.ts';
import { kerasConfig } from '../../src/io/keras-config.ts';
import { frozenMask } from '../../src/layers/optimizer.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The Keras-made small-bn fixture's config.json (Keras 3.15.1), with the named layers frozen. */
function smallBnFreezing(...names: string[]): Json {
  const files = unzipSync(new Uint8Array(readFileSync(new URL('../fixtures/keras/small-bn.keras', import.meta.url))));
  const config = JSON.parse(strFromU8(files['config.json'])) as Json;
  for (const l of config.config.layers as Json[]) if (names.includes(l.config.name)) l.config.trainable = false;
  return config;
}

/** Layer name -> trainable, as a config form lists its layers (InputLayer aside). */
function flags(layers: Json[]): Record<string, unknown> {
  return Object.fromEntries(layers.filter((l) => l.class_name !== 'InputLayer').map((l) => [l.config.name, l.config.trainable]));
}

describe('trainable: false', () => {
  const FROZEN = ['conv2d', 'batch_normalization', 'dense'];
  const spec = parseModelConfig(smallBnFreezing(...FROZEN));
  const model = modelInfo(spec);
  const expected = Object.fromEntries(spec.layers.map((l) => [l.name, !FROZEN.includes(l.name)]));

  it('is read from a Keras 3 config.json; only frozen layers carry the key in the spec', () => {
    expect(spec.layers.filter((l) => 'trainable' in l).map((l) => [l.name, l.trainable])).toEqual(FROZEN.map((n) => [n, false]));
  });

  it('is written back in both config forms and the .keras writer, and reads back to the same spec', () => {
    const keras3 = toKerasConfig(spec) as Json;
    const tfjs = toTfjsTopology(spec, 'tfjs-layers 4.22.0') as Json;
    const dotKeras = kerasConfig(model) as Json;
    for (const written of [keras3, tfjs, dotKeras]) {
      expect(flags(written.config.layers)).toEqual(expected);
      expect(parseModelConfig(written)).toEqual(spec);
    }
    // The TF.js form's first layer also carries the input shape: its flag must survive that merge.
    expect(tfjs.config.layers[0].config).toMatchObject({ name: 'conv2d', trainable: false, batch_input_shape: [null, 28, 28, 1] });
    // A model.json wrapping the topology reads the same.
    expect(parseModelConfig({ modelTopology: tfjs, weightsManifest: [] })).toEqual(spec);
  });

  it("counts a frozen layer's weights as non-trainable, as Keras's summary does", () => {
    // small-bn (Keras 3.15.1 built it): conv2d 5x5x1x16 without bias = 400; batch_normalization
    // gamma, beta, moving mean and variance 4 x 16 = 64; conv2d_1 3x3x16x32 + 32 = 4,640;
    // conv2d_2 3x3x32x64 + 64 = 18,496; dense 64x10 + 10 = 650. Total 24,250.
    // Frozen conv2d, batch_normalization and dense: trainable conv2d_1 + conv2d_2 = 23,136;
    // the rest, 400 + 64 + 650 = 1,114, non-trainable.
    expect(model.params.count).toBe(24_250);
    expect(model.params.trainableCount).toBe(4_640 + 18_496);
    const s = summary(model);
    expect(s).toContain('Total params: 24,250 (94.73 KB)');
    expect(s).toContain('Trainable params: 23,136 (90.38 KB)');
    expect(s).toContain('Non-trainable params: 1,114 (4.35 KB)');
    // The unfrozen fixture: only the moving statistics (32) are non-trainable.
    expect(summary(modelInfo(parseModelConfig(smallBnFreezing())))).toContain('Non-trainable params: 32 (128.00 B)');
  });

  it('gives the optimizer every non-trainable tensor to leave alone, as whole vec4s', () => {
    const ranges = model.params.frozenRanges();
    const names = model.params.entries.filter((p) => !p.trainable).map((p) => p.name);
    expect(names).toEqual([
      'conv2d/kernel', 'batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean',
      'batch_normalization/moving_variance', 'dense/kernel', 'dense/bias',
    ]);
    expect(ranges).toEqual(names.map((n) => ({ offset: model.params.get(n).offset, size: model.params.get(n).size })));
    const mask = frozenMask(model.params.length, ranges);
    const frozenVec4 = (i: number) => ((mask[i >>> 5] >>> (i & 31)) & 1) === 1;
    for (const p of model.params.entries) {
      for (let i = p.offset; i < p.offset + p.size; i += 4) expect(frozenVec4(i / 4), p.name).toBe(!p.trainable);
    }
    expect(mask.length).toBe(Math.ceil(model.params.length / 4 / 32));
    // dense/bias (10 floats) ends inside a vec4 whose rest is padding: that vec4 is frozen whole.
    const bias = model.params.get('dense/bias');
    expect(frozenVec4(Math.floor((bias.offset + bias.size - 1) / 4))).toBe(true);
    expect(() => frozenMask(16, [{ offset: 2, size: 4 }])).toThrow(/must start on a vec4/);
  });

  it('refuses a trainable that is not true or false, naming the layer and option', () => {
    const config = smallBnFreezing();
    config.config.layers[2].config.trainable = 'no';
    expect(() => parseModelConfig(config)).toThrow(ModelSpecError);
    expect(() => parseModelConfig(config)).toThrow('layer 1 "batch_normalization" (BatchNormalization), option trainable: expected true or false, got "no"');
  });
});
