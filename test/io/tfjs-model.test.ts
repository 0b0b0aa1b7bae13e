import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initParams } from '../../src/model/index.ts';
import { PARAMS, PARAM_BUFFER_LENGTH } from '../model/seed-params.ts';
import { DEFAULT_MODEL, DEFAULT_SPEC } from '../../src/model/presets.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { dropoutRates, withDropout } from '../../src/model/model-spec.ts';
import {
  exportModel,
  importModel,
  readModel,
  WeightsFormatError,
  type ModelJson,
} from '../../src/io/tfjs-model.ts';
import { loadModelFiles, saveModelFiles } from '../../src/io/files.ts';

function sample(seed = 7): Float32Array {
  const flat = initParams(DEFAULT_MODEL.params, seed);
  // biases are zero after init: give them values so a mix-up would show
  for (const p of PARAMS) if (p.name.endsWith('/bias')) for (let i = 0; i < p.size; i++) flat[p.offset + i] = (i + 1) * 1e-3 * (p.offset % 7 + 1);
  return flat;
}

/** Bit-for-bit equality of two float arrays (fast; reports the first difference). */
function expectSameBits(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const i = x.findIndex((v, k) => v !== y[k]);
  expect(i === -1 ? 'identical' : `first difference at ${i}: ${a[i]} vs ${b[i]}`).toBe('identical');
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** Expects a WeightsFormatError whose problems include each pattern. */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WeightsFormatError);
    return (e as WeightsFormatError).problems;
  }
  throw new Error('expected a WeightsFormatError');
}

describe('exportModel', () => {
  const { modelJson, weightsBin } = exportModel(DEFAULT_MODEL, sample());

  it('writes the layers-model format with the Keras topology', () => {
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.convertedBy).toBeNull();
    const topo = modelJson.modelTopology as { class_name: string; config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] }; backend: string };
    expect(topo.class_name).toBe('Sequential');
    expect(topo.backend).toBe('tensor_flow.js');
    expect(topo.config.layers.map((l) => l.class_name)).toEqual([
      'Conv2D', 'MaxPooling2D', 'Dropout', 'Conv2D', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Dropout', 'Dense',
    ]);
    const [c1, p1, d1, c2, , , , dense, d3, out] = topo.config.layers.map((l) => l.config);
    expect(c1).toMatchObject({ name: 'conv2d', filters: 32, kernel_size: [3, 3], activation: 'relu', padding: 'valid', strides: [1, 1], data_format: 'channels_last', use_bias: true, batch_input_shape: [null, 28, 28, 1] });
    expect(c2).toMatchObject({ name: 'conv2d_1', filters: 64 });
    expect(p1).toMatchObject({ pool_size: [2, 2], strides: [2, 2], padding: 'valid' });
    expect(d1.rate).toBe(0.25);
    expect(d3.rate).toBe(0.5);
    expect(dense).toMatchObject({ name: 'dense', units: 128, activation: 'relu' });
    expect(out).toMatchObject({ name: 'dense_1', units: 10, activation: 'softmax' });
  });

  it('lists the eight tensors in one group, in PARAMS order', () => {
    expect(modelJson.weightsManifest).toEqual([
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'conv2d/kernel', shape: [3, 3, 1, 32], dtype: 'float32' },
          { name: 'conv2d/bias', shape: [32], dtype: 'float32' },
          { name: 'conv2d_1/kernel', shape: [3, 3, 32, 64], dtype: 'float32' },
          { name: 'conv2d_1/bias', shape: [64], dtype: 'float32' },
          { name: 'dense/kernel', shape: [1600, 128], dtype: 'float32' },
          { name: 'dense/bias', shape: [128], dtype: 'float32' },
          { name: 'dense_1/kernel', shape: [128, 10], dtype: 'float32' },
          { name: 'dense_1/bias', shape: [10], dtype: 'float32' },
        ],
      },
    ]);
    expect(weightsBin.byteLength).toBe(225_034 * 4);
  });

  it('writes little-endian float32 without the alignment padding', () => {
    const flat = sample();
    const view = new DataView(weightsBin.buffer, weightsBin.byteOffset);
    let byte = 0;
    for (const p of PARAMS) {
      expect(view.getFloat32(byte, true)).toBe(flat[p.offset]);
      expect(view.getFloat32(byte + (p.size - 1) * 4, true)).toBe(flat[p.offset + p.size - 1]);
      byte += p.size * 4;
    }
  });

  it("writes the model's own dropout rates, and reading gives the model back", () => {
    const model = modelInfo(withDropout(DEFAULT_SPEC, [0.1, 0.2, 0.3]));
    const { modelJson } = exportModel(model, sample());
    const rates = (modelJson.modelTopology as { config: { layers: { class_name: string; config: { rate?: number } }[] } }).config.layers
      .filter((l) => l.class_name === 'Dropout')
      .map((l) => l.config.rate);
    expect(rates).toEqual([0.1, 0.2, 0.3]);
    const back = readModel(modelJson, exportModel(DEFAULT_MODEL, sample()).weightsBin);
    expect(dropoutRates(back.model.spec)).toEqual([0.1, 0.2, 0.3]);
    expect(back.model.spec).toEqual(model.spec);
    expect(() => withDropout(DEFAULT_SPEC, [0.1, 1, 0.3])).toThrow(/dropout/);
  });

  it('rejects a buffer of the wrong length', () => {
    expect(() => exportModel(DEFAULT_MODEL, new Float32Array(10))).toThrow(`expected ${PARAM_BUFFER_LENGTH}`);
  });
});

describe('importModel', () => {
  const flat = sample();
  const { modelJson, weightsBin } = exportModel(DEFAULT_MODEL, flat);

  it('round-trips bit-identically (also through JSON text)', () => {
    const back = importModel(JSON.parse(JSON.stringify(modelJson)), weightsBin);
    expect(back.length).toBe(PARAM_BUFFER_LENGTH);
    expectSameBits(back, flat);
    const fromText = importModel(JSON.stringify(modelJson), weightsBin.slice().buffer);
    expectSameBits(fromText, flat);
  });

  it('keeps exact bits of special values (-0, subnormals)', () => {
    const f = sample();
    f[PARAMS[0].offset] = -0;
    f[PARAMS[0].offset + 1] = 1e-40;
    const { modelJson, weightsBin } = exportModel(DEFAULT_MODEL, f);
    expectSameBits(importModel(modelJson, weightsBin), f);
  });

  it('reports a wrong shape', () => {
    const bad = clone(modelJson);
    bad.weightsManifest[0].weights[4].shape = [1600, 64];
    const problems = problemsOf(() => importModel(bad, weightsBin));
    expect(problems).toContain('dense/kernel: shape [1600,64], expected [1600,128]');
  });

  it('reports a missing weight', () => {
    const bad = clone(modelJson);
    bad.weightsManifest[0].weights.splice(5, 1); // dense/bias
    const problems = problemsOf(() => importModel(bad, weightsBin.subarray(0, weightsBin.length - 128 * 4)));
    expect(problems.join('\n')).toMatch(/dense\/bias: missing/);
  });

  it('reports a wrong dtype', () => {
    const bad = clone(modelJson);
    bad.weightsManifest[0].weights[1].dtype = 'int32';
    const problems = problemsOf(() => importModel(bad, weightsBin));
    expect(problems).toContain('conv2d/bias: dtype int32, expected float32');
  });

  it('reports a truncated weights file', () => {
    const problems = problemsOf(() => importModel(modelJson, weightsBin.subarray(0, 1000)));
    expect(problems[0]).toBe('weights.bin: 1,000 bytes, the manifest describes 900,136 (truncated?)');
    expect(problems.join('\n')).toMatch(/dense_1\/bias: its data .* lies past the end/);
  });

  it('reports a weights file that is too long', () => {
    const longer = new Uint8Array(weightsBin.length + 4);
    longer.set(weightsBin);
    expect(problemsOf(() => importModel(modelJson, longer))).toEqual(['weights.bin: 900,140 bytes, the manifest describes 900,136']);
  });

  it('reports input that is not a model.json', () => {
    expect(problemsOf(() => importModel('{"format": ', weightsBin))[0]).toMatch(/^not valid JSON/);
    expect(problemsOf(() => importModel(null, weightsBin))).toEqual(['expected a JSON object, got null']);
    expect(problemsOf(() => importModel([1, 2], weightsBin))).toEqual(['expected a JSON object, got an array']);
    expect(problemsOf(() => importModel(42, weightsBin))).toEqual(['expected a JSON object, got number']);
    expect(problemsOf(() => importModel({ hello: 1 }, weightsBin))).toEqual([
      'format: missing (expected "layers-model")',
      'weightsManifest: missing',
    ]);
    expect(problemsOf(() => importModel({ ...modelJson, format: 'graph-model' }, weightsBin))[0]).toMatch(/format: "graph-model", expected "layers-model"/);
    expect(problemsOf(() => importModel({ format: 'layers-model', weightsManifest: [{ paths: [], weights: {} }] }, weightsBin))).toEqual([
      'weightsManifest[0].paths: expected a non-empty array of file names',
      'weightsManifest[0].weights: expected an array, got object',
    ]);
  });

  it('collects every problem into one error message, one line', () => {
    const bad = clone(modelJson);
    bad.weightsManifest[0].weights[4].shape = [1600, 64];
    bad.weightsManifest[0].weights[1].dtype = 'int32';
    let message = '';
    try {
      importModel(bad, weightsBin);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('problems:');
    expect(message).not.toContain('\n');
    expect(message).toContain('dense/kernel: shape [1600,64], expected [1600,128]');
    expect(message).toContain('conv2d/bias: dtype int32, expected float32');
    expect(message).toContain('bytes, the manifest describes');
  });

  it('reports NaN weights', () => {
    const f = sample();
    f[PARAMS[2].offset + 5] = NaN;
    const { modelJson, weightsBin } = exportModel(DEFAULT_MODEL, f);
    expect(problemsOf(() => importModel(modelJson, weightsBin))).toEqual(['conv2d_1/kernel: 1 value is NaN or infinite']);
  });

  it('accepts prefixed names (sequential/conv2d/kernel) and says so', () => {
    const prefixed = clone(modelJson);
    for (const w of prefixed.weightsManifest[0].weights) w.name = `sequential/${w.name}`;
    const r = readModel(prefixed, weightsBin);
    expectSameBits(r.params, flat);
    expect(r.renamed).toContainEqual({ from: 'sequential/dense/kernel', to: 'dense/kernel' });
  });

  it('maps renamed layers by order (conv2d_5, conv2d_6, dense_3, dense_4)', () => {
    const renamed = clone(modelJson);
    const names = ['conv2d_5', 'conv2d_5', 'conv2d_6', 'conv2d_6', 'dense_3', 'dense_3', 'dense_4', 'dense_4'];
    renamed.weightsManifest[0].weights.forEach((w, i) => (w.name = `${names[i]}/${w.name.split('/')[1]}`));
    const r = readModel(renamed, weightsBin);
    expectSameBits(r.params, flat);
    expect(r.renamed).toEqual([
      { from: 'conv2d_5/kernel', to: 'conv2d/kernel' },
      { from: 'conv2d_5/bias', to: 'conv2d/bias' },
      { from: 'conv2d_6/kernel', to: 'conv2d_1/kernel' },
      { from: 'conv2d_6/bias', to: 'conv2d_1/bias' },
      { from: 'dense_3/kernel', to: 'dense/kernel' },
      { from: 'dense_3/bias', to: 'dense/bias' },
      { from: 'dense_4/kernel', to: 'dense_1/kernel' },
      { from: 'dense_4/bias', to: 'dense_1/bias' },
    ]);
  });

  it('says which layers it found when the architecture differs', () => {
    const bad = clone(modelJson);
    bad.weightsManifest[0].weights.splice(2, 2); // no second conv
    for (const w of bad.weightsManifest[0].weights) w.name = w.name.replace('conv2d/', 'conv2d_9/');
    const problems = problemsOf(() => importModel(bad, weightsBin.subarray(0, 320 * 4)));
    expect(problems).toContain('conv2d/kernel: missing');
    expect(problems.join('\n')).toMatch(/expected 2 Conv2D layers \(conv2d, conv2d_1\), the file has 1 \(conv2d_9\)/);
  });

  it('imports a model.json as TensorFlow.js saves it (auto names, a group per weight, several shards)', () => {
    // tfjs names layers <snake>_<Class><n> and may split a group's data over several shard files.
    const names = ['conv2d_Conv2D3', 'conv2d_Conv2D4', 'dense_Dense5', 'dense_Dense6'];
    const topology = clone(modelJson.modelTopology) as { config: { name: string; layers: { class_name: string; config: { name: string } }[] } };
    topology.config.name = 'sequential_2';
    let k = 0;
    for (const l of topology.config.layers) if (l.class_name === 'Conv2D' || l.class_name === 'Dense') l.config.name = names[k++];
    const files = new Map<string, Uint8Array>();
    const manifest: ModelJson['weightsManifest'] = [];
    let byte = 0;
    PARAMS.forEach((p, i) => {
      const layer = names[i >> 1];
      const data = weightsBin.slice(byte, byte + p.size * 4);
      byte += p.size * 4;
      // split the big tensors into two shards
      const cut = p.size > 1000 ? Math.floor(data.length / 8) * 4 : data.length;
      const paths = cut < data.length ? [`group${i + 1}-shard1of2.bin`, `group${i + 1}-shard2of2.bin`] : [`group${i + 1}-shard1of1.bin`];
      files.set(paths[0], data.slice(0, cut));
      if (paths.length === 2) files.set(paths[1], data.slice(cut));
      manifest.push({ paths, weights: [{ name: `${layer}/${p.name.split('/')[1]}`, shape: [...p.shape], dtype: 'float32' }] });
    });
    const tfjsJson = {
      modelTopology: { class_name: 'Sequential', config: topology.config, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
      format: 'layers-model',
      generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
      convertedBy: null,
      weightsManifest: manifest,
    };
    // Read as the file's own model: its layer names, nothing renamed.
    const own = readModel(tfjsJson, files);
    expectSameBits(own.params, flat);
    expect(own.renamed).toEqual([]);
    expect(own.model.params.entries[0].name).toBe('conv2d_Conv2D3/kernel');
    // Read into the default model's table: matched by layer order.
    const r = readModel(tfjsJson, files, { model: DEFAULT_MODEL });
    expectSameBits(r.params, flat);
    expect(r.renamed[0]).toEqual({ from: 'conv2d_Conv2D3/kernel', to: 'conv2d/kernel' });
    // a single buffer holding every path in manifest order works as well
    expectSameBits(importModel(tfjsJson, weightsBin), flat);
    // a missing shard is named
    files.delete('group5-shard2of2.bin');
    expect(problemsOf(() => importModel(tfjsJson, files))).toContain('weights file "group5-shard2of2.bin" (listed in the manifest) was not provided');
  });

  it('ignores extra weights (optimizer state) and dequantizes uint8/float16', () => {
    const j = clone(modelJson);
    j.weightsManifest.push({ paths: ['opt.bin'], weights: [{ name: 'optimizer/iter', shape: [], dtype: 'int32' }] });
    const files = new Map<string, Uint8Array>([['weights.bin', weightsBin], ['opt.bin', new Uint8Array(4)]]);
    expect(readModel(j, files).ignored).toEqual(['optimizer/iter']);

    // conv2d/bias as uint8 (scale 0.5, min -1) and dense_1/bias as float16
    const q = clone(modelJson);
    const ws = q.weightsManifest[0].weights;
    ws[1].quantization = { dtype: 'uint8', scale: 0.5, min: -1 };
    ws[7].quantization = { dtype: 'float16' };
    const parts: Uint8Array[] = [];
    let byte = 0;
    PARAMS.forEach((p, i) => {
      const chunk = weightsBin.slice(byte, byte + p.size * 4);
      byte += p.size * 4;
      if (i === 1) parts.push(Uint8Array.from({ length: 32 }, (_, k) => k));
      else if (i === 7) parts.push(new Uint8Array(new Uint16Array(10).fill(0x3c00).buffer)); // 1.0
      else parts.push(chunk);
    });
    const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) (all.set(p, o), (o += p.length));
    const out = importModel(q, all);
    const bias = PARAMS[1];
    expect(Array.from(out.subarray(bias.offset, bias.offset + 3))).toEqual([-1, -0.5, 0]);
    expect(Array.from(out.subarray(PARAMS[7].offset, PARAMS[7].offset + 10))).toEqual(new Array(10).fill(1));
  });
});

describe('files', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('saves and loads model.json + weights.bin (by file or by directory)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'io-'));
    dirs.push(dir);
    const flat = sample(3);
    const paths = await saveModelFiles(join(dir, 'out'), modelInfo(withDropout(DEFAULT_SPEC, [0.2, 0.2, 0.4])), flat);
    expect(JSON.parse(await readFile(paths.modelJson, 'utf8')).format).toBe('layers-model');
    for (const p of [paths.modelJson, join(dir, 'out')]) {
      const r = await loadModelFiles(p);
      expectSameBits(r.params, flat);
      expect(dropoutRates(r.model.spec)).toEqual([0.2, 0.2, 0.4]);
    }
  });

  it('names missing files and bad JSON with their paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'io-'));
    dirs.push(dir);
    await expect(loadModelFiles(join(dir, 'nope.json'))).rejects.toThrow(/no such file or directory/);
    await mkdir(join(dir, 'm'));
    await writeFile(join(dir, 'm', 'model.json'), JSON.stringify(exportModel(DEFAULT_MODEL, sample()).modelJson));
    await expect(loadModelFiles(join(dir, 'm'))).rejects.toThrow(/weights file "weights.bin" .* not found at .*weights.bin/);
    await writeFile(join(dir, 'm', 'model.json'), '<html>');
    await expect(loadModelFiles(join(dir, 'm'))).rejects.toThrow(/model.json\): not valid JSON/);
  });
});
