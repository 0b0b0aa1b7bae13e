// Keras 3 `.keras` files: reading the two Keras-written fixtures, mapping their variables onto
// the parameter table, writing files with Keras's structure, round trips, and bad input.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readKerasFile, writeKerasFile, KerasFileError, layerGroupPaths, sequentialLayers, type KerasFile, type KerasVar } from '../../src/io/keras-file.ts';
import { adamFromKeras, kerasFileFrom, layoutOf, paramFor, paramsFromKeras, type AdamState, type ParamEntry, type ParamLayout } from '../../src/io/keras-mapping.ts';
import { kerasConfig, kerasMetadata } from '../../src/io/keras-config.ts';
import { modelOfKerasConfig } from '../../src/io/keras-model.ts';
import { DEFAULT_MODEL, DEFAULT_SPEC } from '../../src/model/presets.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { withDropout } from '../../src/model/model-spec.ts';

const SEED_LAYOUT = layoutOf(DEFAULT_MODEL);
const seedKerasConfig = (o: { dropout?: number[]; learningRate?: number } = {}) =>
  kerasConfig(o.dropout ? modelInfo(withDropout(DEFAULT_SPEC, o.dropout)) : DEFAULT_MODEL, { learningRate: o.learningRate });
import { loadKerasModelFile, saveKerasModelFile } from '../../src/io/keras-disk.ts';
import { createRng, initParams } from '../../src/model/index.ts';
import { PARAMS, PARAM_BUFFER_LENGTH } from '../model/seed-params.ts';
import { loadMnistFromDisk } from '../../src/data/mnist-node.ts';
import { modelForward, softmaxCrossEntropy } from '../reference/index.ts';
import { buildH5, h5Tree } from './h5-tree.ts';

/** Files saved by Keras 3.15.1 (JAX), with Keras's own test loss and accuracy beside them. */
const FIXTURES = new URL('../fixtures/keras/', import.meta.url);
/** fflate option: store members uncompressed (as Keras does; fast). */
const STORED = { level: 0 } as const;
const fixtureBytes = (name: string) => new Uint8Array(readFileSync(new URL(`${name}.keras`, FIXTURES)));
const fixtureScores = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as { test_loss: number; test_accuracy: number };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Each layer's variable shapes as Keras creates them, worked out from config.json alone:
 * Conv2D [kh, kw, in, filters] (+ [filters]), Dense [in, units] (+ [units]),
 * BatchNormalization gamma, beta, moving_mean, moving_variance [C]; other layers none.
 */
function shapesFromConfig(config: Json): Map<string, number[][]> {
  const out = new Map<string, number[][]>();
  for (const layer of config.config.layers as Json[]) {
    const c = layer.config;
    const inShape: number[] = layer.build_config?.input_shape ?? [];
    const channels = inShape[inShape.length - 1];
    const bias = (n: number) => (c.use_bias ? [[n]] : []);
    if (layer.class_name === 'InputLayer') continue;
    else if (layer.class_name === 'Conv2D') out.set(c.name, [[...c.kernel_size, channels, c.filters], ...bias(c.filters)]);
    else if (layer.class_name === 'Dense') out.set(c.name, [[channels, c.units], ...bias(c.units)]);
    else if (layer.class_name === 'BatchNormalization') out.set(c.name, [[channels], [channels], [channels], [channels]]);
    else out.set(c.name, []);
  }
  return out;
}

/** Keras's trainable variables in model order: every layer's variables but BatchNormalization's moving statistics. */
function trainableShapes(config: Json): number[][] {
  const shapes = shapesFromConfig(config);
  return (config.config.layers as Json[]).flatMap((l) => {
    const vars = shapes.get(l.config.name) ?? [];
    return l.class_name === 'BatchNormalization' ? vars.slice(0, 2) : vars;
  });
}

function bitsOf(a: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function expectSameBytes(a: Float32Array | Int32Array | BigInt64Array, b: Float32Array | Int32Array | BigInt64Array, what: string): void {
  expect(b.constructor.name, what).toBe(a.constructor.name);
  const x = bitsOf(a);
  const y = bitsOf(b);
  expect(y.length, what).toBe(x.length);
  const i = x.findIndex((v, k) => v !== y[k]);
  expect(i === -1 ? 'identical' : `${what}: first difference at byte ${i}`).toBe('identical');
}

function expectSameFile(a: KerasFile, b: KerasFile): void {
  expect(b.config).toEqual(a.config);
  expect(b.metadata).toEqual(a.metadata);
  expect([...b.layers.keys()]).toEqual([...a.layers.keys()]);
  for (const [name, vars] of a.layers) {
    const other = b.layers.get(name) as KerasVar[];
    expect(other.map((v) => v.shape), name).toEqual(vars.map((v) => v.shape));
    vars.forEach((v, i) => expectSameBytes(v.data, other[i].data, `${name} variable ${i}`));
  }
  expect(b.optimizer?.name).toBe(a.optimizer?.name);
  expect(b.optimizer?.vars.map((v) => v.shape)).toEqual(a.optimizer?.vars.map((v) => v.shape));
  a.optimizer?.vars.forEach((v, i) => expectSameBytes(v.data, b.optimizer!.vars[i].data, `optimizer variable ${i}`));
}

function withoutSharedIds(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (key, value) => (key === 'shared_object_id' ? undefined : value)));
}

/** Random values (not what init gives) so that a swapped or shifted tensor would show. */
function randomFlat(seed: number, scale: number, positive = false): Float32Array {
  const rng = createRng(seed);
  const rand = () => rng.nextFloat();
  const flat = new Float32Array(PARAM_BUFFER_LENGTH);
  for (const p of PARAMS) for (let i = 0; i < p.size; i++) flat[p.offset + i] = (positive ? rand() : rand() * 2 - 1) * scale;
  return flat;
}

async function errorOf(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    expect(e).toBeInstanceOf(KerasFileError);
    return (e as Error).message;
  }
  throw new Error('expected a KerasFileError, got none');
}

describe('reading Keras-written .keras files', () => {
  for (const name of ['mnist-cnn', 'small-bn']) {
    it(`${name}: metadata, config and every variable's shape and type`, async () => {
      const file = await readKerasFile(fixtureBytes(name), `${name}.keras`);
      expect(file.metadata.keras_version).toBe('3.15.1');
      expect(file.metadata.date_saved).toMatch(/^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$/);
      const config = file.config as Json;
      expect(config.class_name).toBe('Sequential');
      const expected = shapesFromConfig(config);
      expect([...file.layers.keys()]).toEqual([...expected.keys()]);
      for (const [layer, shapes] of expected) {
        const vars = file.layers.get(layer) as KerasVar[];
        expect(vars.map((v) => v.shape), layer).toEqual(shapes);
        for (const v of vars) {
          expect(v.data).toBeInstanceOf(Float32Array);
          expect(v.data.length).toBe(v.shape.reduce((a, b) => a * b, 1));
          expect(v.data.every(Number.isFinite)).toBe(true);
        }
      }
      // Adam: iterations (int32 on JAX), learning_rate, then m and v per trainable variable
      const opt = file.optimizer!;
      expect(opt.name).toBe('adam');
      const trainable = trainableShapes(config);
      expect(opt.vars.map((v) => v.shape)).toEqual([[], [], ...trainable.flatMap((s) => [s, s])]);
      expect(opt.vars[0].data).toBeInstanceOf(Int32Array);
      expect(opt.vars[0].data[0]).toBe(Math.ceil(6000 / 128)); // 1 epoch over 6000 images, batch 128
      expect(opt.vars[1].data[0]).toBe(Math.fround(0.001));
      // v is a running mean of squared gradients: never negative, somewhere positive
      for (let k = 0; k < trainable.length; k++) {
        const v = opt.vars[3 + 2 * k].data as Float32Array;
        expect(v.every((x) => x >= 0)).toBe(true);
        expect(v.some((x) => x > 0)).toBe(true);
      }
    });
  }

  it("Keras's HDF5 group paths follow from the config (snake_case class name, _1, _2 for repeats)", async () => {
    const bytes = fixtureBytes('small-bn');
    const file = await readKerasFile(bytes, 'small-bn.keras');
    const paths = layerGroupPaths(sequentialLayers(file.config, 'small-bn'));
    const groups = (await h5Tree(unzipSync(bytes)['model.weights.h5']))
      .filter((n) => /^\/layers\/[^/]+$/.test(n.path))
      .map((n) => n.path.slice('/layers/'.length));
    expect([...paths].sort()).toEqual(groups);
    expect(paths).toEqual(['conv2d', 'batch_normalization', 'activation', 'average_pooling2d', 'conv2d_1', 'max_pooling2d', 'conv2d_2', 'global_average_pooling2d', 'dropout', 'dense']);
  });
});

describe('mapping mnist-cnn.keras onto the seed parameter table', () => {
  it('layer name + variable index -> parameter, by the layer weight order', () => {
    expect(paramFor('conv2d', 0, SEED_LAYOUT.table)?.name).toBe('conv2d/kernel');
    expect(paramFor('conv2d', 1, SEED_LAYOUT.table)?.name).toBe('conv2d/bias');
    expect(paramFor('dense_1', 1, SEED_LAYOUT.table)?.name).toBe('dense_1/bias');
    expect(paramFor('dense', 2, SEED_LAYOUT.table)).toBeUndefined();
    expect(paramFor('dropout', 0, SEED_LAYOUT.table)).toBeUndefined();
  });

  it('weights land at their table offsets, bit for bit, padding zero', async () => {
    const file = await readKerasFile(fixtureBytes('mnist-cnn'), 'mnist-cnn.keras');
    const flat = paramsFromKeras(file, 'mnist-cnn.keras', SEED_LAYOUT);
    expect(flat.length).toBe(PARAM_BUFFER_LENGTH);
    const covered = new Uint8Array(PARAM_BUFFER_LENGTH);
    for (const p of PARAMS) {
      const [layer, weight] = p.name.split('/');
      const source = file.layers.get(layer)![weight === 'kernel' ? 0 : 1];
      expectSameBytes(source.data, flat.subarray(p.offset, p.offset + p.size), p.name);
      covered.fill(1, p.offset, p.offset + p.size);
    }
    expect(flat.every((x, i) => covered[i] === 1 || x === 0)).toBe(true);
  });

  it('Adam state: step, learning rate, m and v in the flat layout', async () => {
    const file = await readKerasFile(fixtureBytes('mnist-cnn'), 'mnist-cnn.keras');
    const adam = adamFromKeras(file, 'mnist-cnn.keras', SEED_LAYOUT)!;
    expect(adam.step).toBe(47);
    expect(adam.learningRate).toBe(Math.fround(0.001));
    PARAMS.forEach((p, k) => {
      expectSameBytes(file.optimizer!.vars[2 + 2 * k].data, adam.m.subarray(p.offset, p.offset + p.size), `m of ${p.name}`);
      expectSameBytes(file.optimizer!.vars[3 + 2 * k].data, adam.v.subarray(p.offset, p.offset + p.size), `v of ${p.name}`);
    });
  });

  it("the mapped weights classify MNIST test images as Keras reported (float64 reference, first 120 images)", async () => {
    const file = await readKerasFile(fixtureBytes('mnist-cnn'), 'mnist-cnn.keras');
    const flat = paramsFromKeras(file, 'mnist-cnn.keras', SEED_LAYOUT);
    const { test } = await loadMnistFromDisk();
    const B = 120;
    const images = Float64Array.from(test.images.subarray(0, B * 784), (x) => x / 255);
    const labels = test.labels.subarray(0, B);
    const { logits } = modelForward(flat, images, null);
    const { loss } = softmaxCrossEntropy(logits, labels, B, 10);
    let correct = 0;
    for (let b = 0; b < B; b++) {
      const row = Array.from(logits.subarray(b * 10, b * 10 + 10));
      if (row.indexOf(Math.max(...row)) === labels[b]) correct++;
    }
    // Keras on all 10,000: accuracy 0.8708, loss 0.467. A 120-image sample's accuracy has a
    // standard deviation of about 0.03; misplaced weights give about 0.1 and a loss above 2.
    const keras = fixtureScores('mnist-cnn');
    expect(Math.abs(correct / B - keras.test_accuracy)).toBeLessThan(0.12);
    expect(Math.abs(loss - keras.test_loss)).toBeLessThan(0.3);
  });

  it('a table with non-trainable weights (small-bn): moving statistics take no Adam slots', async () => {
    const file = await readKerasFile(fixtureBytes('small-bn'), 'small-bn.keras');
    const config = file.config as Json;
    // the table the model-as-data spec would give: each layer's weights in Keras's order
    const names: Record<string, string[]> = { Conv2D: ['kernel', 'bias'], Dense: ['kernel', 'bias'], BatchNormalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'] };
    const shapes = shapesFromConfig(config);
    const table: ParamEntry[] = [];
    let offset = 0;
    for (const layer of config.config.layers as Json[]) {
      (shapes.get(layer.config.name) ?? []).forEach((shape, i) => {
        const size = shape.reduce((a, b) => a * b, 1);
        table.push({ name: `${layer.config.name}/${names[layer.class_name][i]}`, shape, offset, size, trainable: !names[layer.class_name][i].startsWith('moving') });
        offset = Math.ceil((offset + size) / 4) * 4;
      });
    }
    const layout: ParamLayout = { table, length: offset };
    const flat = paramsFromKeras(file, 'small-bn.keras', layout);
    const adam = adamFromKeras(file, 'small-bn.keras', layout)!;
    const at = (name: string) => table.find((p) => p.name === name)!;
    const view = (a: Float32Array, p: ParamEntry) => a.subarray(p.offset, p.offset + p.size);
    expectSameBytes(file.layers.get('batch_normalization')![3].data, view(flat, at('batch_normalization/moving_variance')), 'moving_variance');
    expectSameBytes(file.layers.get('conv2d')![0].data, view(flat, at('conv2d/kernel')), 'conv2d/kernel');
    // optimizer: 2 = m(conv2d/kernel), 4/5 = m/v(gamma), 6/7 = m/v(beta), 8 = m(conv2d_1/kernel)
    expectSameBytes(file.optimizer!.vars[4].data, view(adam.m, at('batch_normalization/gamma')), 'm of gamma');
    expectSameBytes(file.optimizer!.vars[7].data, view(adam.v, at('batch_normalization/beta')), 'v of beta');
    expectSameBytes(file.optimizer!.vars[8].data, view(adam.m, at('conv2d_1/kernel')), 'm of conv2d_1/kernel');
    expect(view(adam.m, at('batch_normalization/moving_mean')).every((x) => x === 0)).toBe(true);
  });
});

describe('writing .keras files', () => {
  it("the seed's Keras config is the fixture's (object-sharing ids aside)", async () => {
    const file = await readKerasFile(fixtureBytes('mnist-cnn'), 'mnist-cnn.keras');
    expect(seedKerasConfig()).toEqual(withoutSharedIds(file.config));
    const other = seedKerasConfig({ dropout: [0.1, 0.2, 0.3], learningRate: 0.01 }) as Json;
    expect(other.config.layers.filter((l: Json) => l.class_name === 'Dropout').map((l: Json) => l.config.rate)).toEqual([0.1, 0.2, 0.3]);
    expect(other.compile_config.optimizer.config.learning_rate).toBe(Math.fround(0.01));
    expect(() => seedKerasConfig({ dropout: [0.1, 1, 0.3] })).toThrow(/dropout/);
  });

  it("a file written from the seed's table has the fixture's members, HDF5 groups, datasets and attributes", async () => {
    const written = await writeKerasFile(
      kerasFileFrom({ layout: SEED_LAYOUT, params: randomFlat(1, 0.1), config: seedKerasConfig(), metadata: kerasMetadata(), adam: { step: 47, learningRate: 0.001, m: randomFlat(2, 0.01), v: randomFlat(3, 1e-4, true) } }),
    );
    const ours = unzipSync(written);
    const keras = unzipSync(fixtureBytes('mnist-cnn'));
    expect(Object.keys(ours)).toEqual(Object.keys(keras));
    expect(Object.keys(ours)).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    expect(await h5Tree(ours['model.weights.h5'])).toEqual(await h5Tree(keras['model.weights.h5']));
  });

  it("rewriting small-bn.keras (BatchNormalization, pooling, no-bias conv) keeps Keras's structure", async () => {
    const bytes = fixtureBytes('small-bn');
    const written = await writeKerasFile(await readKerasFile(bytes, 'small-bn.keras'));
    expect(await h5Tree(unzipSync(written)['model.weights.h5'])).toEqual(await h5Tree(unzipSync(bytes)['model.weights.h5']));
  });

  it('the date is written in Keras form', () => {
    expect(kerasMetadata(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toEqual({ keras_version: '3.15.1', date_saved: '2026-01-02@03:04:05' });
  });
});

describe('round trips', () => {
  for (const name of ['mnist-cnn', 'small-bn']) {
    it(`${name}: read, write, read gives byte-identical variables and the same config`, async () => {
      const first = await readKerasFile(fixtureBytes(name), `${name}.keras`);
      const second = await readKerasFile(await writeKerasFile(first), `${name}-rewritten.keras`);
      expectSameFile(first, second);
    });
  }

  it('flat parameters and Adam state -> .keras -> flat buffers, bit for bit', async () => {
    const params = initParams(DEFAULT_MODEL.params, 5);
    params.set(randomFlat(6, 0.5).subarray(PARAMS[1].offset, PARAMS[1].offset + PARAMS[1].size), PARAMS[1].offset);
    const adam: AdamState = { step: 1234, learningRate: Math.fround(3e-4), m: randomFlat(7, 0.01), v: randomFlat(8, 1e-3, true) };
    const file = kerasFileFrom({ layout: SEED_LAYOUT, params, adam, config: seedKerasConfig({ learningRate: 3e-4 }), metadata: kerasMetadata() });
    const back = await readKerasFile(await writeKerasFile(file), 'trained.keras');
    expectSameBytes(params, paramsFromKeras(back, 'trained.keras', SEED_LAYOUT), 'params');
    const adamBack = adamFromKeras(back, 'trained.keras', SEED_LAYOUT)!;
    expect(adamBack.step).toBe(1234);
    expect(adamBack.learningRate).toBe(Math.fround(3e-4));
    expectSameBytes(adam.m, adamBack.m, 'm');
    expectSameBytes(adam.v, adamBack.v, 'v');
    expect(await adamFromKeras(await readKerasFile(await writeKerasFile({ ...file, optimizer: undefined }), 'x.keras'), 'x.keras', SEED_LAYOUT)).toBeUndefined();
    // without a state, a fresh Adam's is written (Keras builds the same one on load)
    const fresh = kerasFileFrom({ layout: SEED_LAYOUT, params, config: seedKerasConfig({ learningRate: 3e-4 }), metadata: kerasMetadata() });
    const freshBack = adamFromKeras(await readKerasFile(await writeKerasFile(fresh), 'fresh.keras'), 'fresh.keras', SEED_LAYOUT)!;
    expect([freshBack.step, freshBack.learningRate]).toEqual([0, Math.fround(3e-4)]);
    expect(freshBack.m.every((x) => x === 0) && freshBack.v.every((x) => x === 0)).toBe(true);
    const { compile_config: _compiled, ...uncompiled } = seedKerasConfig();
    expect(kerasFileFrom({ layout: SEED_LAYOUT, params, config: uncompiled, metadata: kerasMetadata() }).optimizer).toBeUndefined();
  });
});

describe('bad input gives one clear error naming the file, member, layer and variable', () => {
  const members = () => unzipSync(fixtureBytes('mnist-cnn'));

  it('not a zip, or a truncated zip', async () => {
    expect(await errorOf(readKerasFile(strToU8('{"not": "a zip"}'), 'model.keras'))).toMatch(/^model\.keras: not a \.keras file/);
    const cut = fixtureBytes('mnist-cnn').slice(0, 100_000);
    expect(await errorOf(readKerasFile(cut, 'cut.keras'))).toMatch(/^cut\.keras: not a \.keras file \(not a readable zip/);
  });

  it('a zip without config.json, without model.weights.h5, or with a broken config', async () => {
    const { 'config.json': _config, ...noConfig } = members();
    expect(await errorOf(readKerasFile(zipSync(noConfig, STORED), 'a.keras'))).toMatch(/^a\.keras: member config\.json is missing \(the archive holds: metadata\.json, model\.weights\.h5\)/);
    const { 'model.weights.h5': _h5, ...noWeights } = members();
    expect(await errorOf(readKerasFile(zipSync(noWeights, STORED), 'b.keras'))).toMatch(/^b\.keras: member model\.weights\.h5 is missing/);
    expect(await errorOf(readKerasFile(zipSync({ ...members(), 'config.json': strToU8('{"class_name": ') }, STORED), 'c.keras'))).toMatch(/^c\.keras: config\.json: not valid JSON/);
  });

  it('an HDF5 member that is not HDF5 or does not open', async () => {
    const notH5 = zipSync({ ...members(), 'model.weights.h5': strToU8('plain text') }, STORED);
    expect(await errorOf(readKerasFile(notH5, 'd.keras'))).toMatch(/^d\.keras: model\.weights\.h5: is not an HDF5 file/);
    const cutH5 = zipSync({ ...members(), 'model.weights.h5': members()['model.weights.h5'].slice(0, 50_000) }, STORED);
    expect(await errorOf(readKerasFile(cutH5, 'e.keras'))).toMatch(/^e\.keras: model\.weights\.h5: is not a readable HDF5 file/);
  });

  it('a missing variable (a gap in 0..n) or a float64 variable', async () => {
    const groups = ['layers', 'layers/conv2d', 'layers/conv2d/vars'];
    const gap = await buildH5(groups, [{ path: 'layers/conv2d/vars/1', data: new Float32Array(32), shape: [32] }]);
    const gapMessage = await errorOf(readKerasFile(zipSync({ ...members(), 'model.weights.h5': gap }, STORED), 'f.keras'));
    expect(gapMessage).toMatch(/^f\.keras: model\.weights\.h5, layer "conv2d" \(layers\/conv2d\/vars\): variable 0 is missing \(the group holds: 1\)$/);
    const f64 = await buildH5(groups, [
      { path: 'layers/conv2d/vars/0', data: new Float32Array(288), shape: [3, 3, 1, 32] },
      { path: 'layers/conv2d/vars/1', data: new Float64Array(32), shape: [32] },
    ]);
    const f64Message = await errorOf(readKerasFile(zipSync({ ...members(), 'model.weights.h5': f64 }, STORED), 'g.keras'));
    expect(f64Message).toBe('g.keras: model.weights.h5, layer "conv2d" (layers/conv2d/vars), variable 1: is float64, expected float32');
  });

  it('mis-shaped, missing and surplus variables against the parameter table', async () => {
    const file = await readKerasFile(fixtureBytes('mnist-cnn'), 'mnist-cnn.keras');
    const layers = new Map(file.layers);
    layers.set('conv2d_1', [{ shape: [3, 3, 32, 63], data: new Float32Array(3 * 3 * 32 * 63) }, layers.get('conv2d_1')![1]]);
    layers.set('dense', [layers.get('dense')![0]]);
    layers.set('dense_1', [...layers.get('dense_1')!, { shape: [10], data: new Float32Array(10) }]);
    const broken = await readKerasFile(await writeKerasFile({ ...file, layers }), 'h.keras');
    const message = await errorOf(() => paramsFromKeras(broken, 'h.keras', SEED_LAYOUT));
    expect(message).toContain('h.keras: 3 problems');
    expect(message).toContain('layer "conv2d_1" variable 0 (conv2d_1/kernel): shape [3,3,32,63], expected [3,3,32,64]');
    expect(message).toContain('layer "dense" variable 1 (dense/bias [128]) is missing');
    expect(message).toContain('layer "dense_1" variable 2 [10]: the model has no such weight');
  });

  it('optimizer state of the wrong size or of another optimizer', async () => {
    const file = await readKerasFile(fixtureBytes('mnist-cnn'), 'mnist-cnn.keras');
    const short = { ...file, optimizer: { name: 'adam', vars: file.optimizer!.vars.slice(0, 17) } };
    expect(await errorOf(() => adamFromKeras(short, 'i.keras', SEED_LAYOUT))).toMatch(/^i\.keras: optimizer "adam" has 17 variables, expected 18/);
    const swapped = { ...file, optimizer: { name: 'adam', vars: [...file.optimizer!.vars] } };
    [swapped.optimizer.vars[2], swapped.optimizer.vars[4]] = [swapped.optimizer.vars[4], swapped.optimizer.vars[2]];
    expect(await errorOf(() => adamFromKeras(swapped, 'j.keras', SEED_LAYOUT))).toContain('optimizer "adam" variable 2 (m of conv2d/kernel): shape [32], expected [3,3,1,32]');
    const config = JSON.parse(JSON.stringify(file.config)) as Json;
    config.compile_config.optimizer.class_name = 'SGD';
    expect(await errorOf(() => adamFromKeras({ ...file, config }, 'k.keras', SEED_LAYOUT))).toBe('k.keras: optimizer "adam" is SGD; only Adam\'s state can be loaded');
  });

  it('writing: variables of a layer the config lacks, a non-Sequential config', async () => {
    const file = await readKerasFile(fixtureBytes('mnist-cnn'), 'mnist-cnn.keras');
    const layers = new Map(file.layers).set('dense_9', []);
    expect(await errorOf(writeKerasFile({ ...file, layers }))).toMatch(/layer "dense_9" has variables but is not in the config/);
    expect(await errorOf(writeKerasFile({ ...file, config: { class_name: 'Functional', config: {} } }))).toMatch(/expected a Sequential model, got class_name "Functional"/);
  });
});

describe('on disk (Node)', () => {
  it('saveKerasModelFile then loadKerasModelFile: same parameters and Adam state; clear errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keras-disk-'));
    try {
      const params = randomFlat(11, 0.2);
      const adam: AdamState = { step: 9, learningRate: Math.fround(0.001), m: randomFlat(12, 0.01), v: randomFlat(13, 1e-3, true) };
      const path = await saveKerasModelFile(join(dir, 'sub', 'model.keras'), { layout: SEED_LAYOUT, params, adam, config: seedKerasConfig(), metadata: kerasMetadata() });
      const loaded = await loadKerasModelFile(path);
      expect(loaded.path).toBe(path);
      expectSameBytes(params, loaded.params, 'params');
      expectSameBytes(adam.v, loaded.adam!.v, 'v');
      expect(loaded.adam!.step).toBe(9);
      expect(loaded.model.spec).toEqual(DEFAULT_SPEC);
      expect(await errorOf(loadKerasModelFile(join(dir, 'absent.keras')))).toMatch(/absent\.keras: cannot read/);
      expect(await errorOf(saveKerasModelFile(join(dir, 'model.h5'), { layout: SEED_LAYOUT, params, config: seedKerasConfig(), metadata: kerasMetadata() }))).toMatch(/must end in \.keras/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the model of a file's config", () => {
  it('reads both fixtures as models; an unsupported option names the file, layer and option', async () => {
    const file = await readKerasFile(fixtureBytes('mnist-cnn'), 'mnist-cnn.keras');
    expect(modelOfKerasConfig(file.config, 'mnist-cnn.keras').spec).toEqual(DEFAULT_SPEC);
    const small = await readKerasFile(fixtureBytes('small-bn'), 'small-bn.keras');
    expect(modelOfKerasConfig(small.config, 'small-bn.keras').params.count).toBe(24_250);
    const changed = JSON.parse(JSON.stringify(file.config)) as Json;
    changed.config.layers[4].config.dilation_rate = [2, 2];
    expect(await errorOf(() => modelOfKerasConfig(changed, 'other.keras'))).toBe(
      'other.keras: config.json: layer 3 "conv2d_1" (Conv2D), option dilation_rate: [2,2] is not supported (only 1)',
    );
  });
});
