// Every loader against damaged and hostile files: seeded mutations of real files (the Keras
// fixtures, a saved TF.js model, the MNIST IDX files, an encoded checkpoint) and crafted ones
// (zip bombs, headers declaring 10^12 values, JSON nested 100,000 deep, an HDF5 heap that loops
// the library). Each case must load, or be refused with one FileFormatError line naming the
// file, within CASE_TIME_LIMIT_MS. Prints a table per format (cases, refused, loaded, worst time
// and memory) for the README's Reliability section.
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKerasFile } from '../../src/io/keras-file.ts';
import { modelFromKerasFile } from '../../src/io/keras-model.ts';
import { isolatedWeightsReader } from '../../src/io/h5-isolated.ts';
import { loadModelFiles, saveModelFiles } from '../../src/io/files.ts';
import { MAX_IDX_BYTES, MAX_CHECKPOINT_BYTES } from '../../src/io/load-limits.ts';
import { loadMnist, MNIST_FILES } from '../../src/data/mnist.ts';
import { mnistDataDir, readMnistFile } from '../../src/data/mnist-node.ts';
import { CHECKPOINT_FILE, decodeCheckpoint, encodeCheckpoint, readCheckpoint } from '../../src/cli/checkpoint.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { initParams } from '../../src/model/init.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/train/types.ts';
import { Rng, summaryTable, tally, textOf, tryCase, type Tally } from './fuzz-harness.ts';
import { containerCases, globalHeapSizeFields, hdf5Cases, jsonMemberCases, zipBomb } from './fuzz-cases-keras.ts';
import { checkpointBytes, checkpointCases, idxCases, tfjsCases } from './fuzz-cases-files.ts';

const SEED = 23;
/** The HDF5 reader's time limit here (a clean read of these files takes well under 0.1 s). */
const H5_TIME_LIMIT_MS = 2000;
/** What a crafted file (bomb, huge header) may cost before it is refused. */
const CRAFTED_TIME_LIMIT_MS = 5000;
const CRAFTED_BUFFER_LIMIT = 64 * 1024 * 1024;

const tallies: Tally[] = [];
const dirs: string[] = [];
afterAll(async () => {
  console.log(`\nLoader fuzz, seed ${SEED}:\n${summaryTable(tallies)}\n`);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'fuzz-'));
  dirs.push(d);
  return d;
}

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/keras/${name}.keras`, import.meta.url)));
const readWeights = isolatedWeightsReader({ timeoutMs: H5_TIME_LIMIT_MS });

/** The whole .keras load (as loadKerasModelFile after reading the file): archive, JSON, HDF5, model and weights. */
async function loadKeras(bytes: Uint8Array, name: string) {
  return modelFromKerasFile(await readKerasFile(bytes, name, readWeights), name);
}

/** Runs a crafted case: it must be refused, quickly and without a large allocation. */
async function expectRefusedCheaply(t: Tally, label: string, fileName: string, load: () => unknown): Promise<string> {
  const r = await tryCase(t, label, fileName, load);
  expect(r.outcome, `${label}: ${r.message}`).toBe('refused');
  expect(r.ms, label).toBeLessThan(CRAFTED_TIME_LIMIT_MS);
  expect(r.buffers, label).toBeLessThan(CRAFTED_BUFFER_LIMIT);
  return r.message;
}

describe('loaders against damaged and hostile files (seeded fuzz)', () => {
  // The HDF5 reader's worker starts once (seconds under tsx); the cases' times are then their own.
  beforeAll(() => loadKeras(fixture('small-bn'), 'small-bn.keras'));

  it('.keras: the zip container edited field by field, and zip bombs', async () => {
    const t = tally('.keras zip container');
    tallies.push(t);
    const smallBn = fixture('small-bn');
    const deflated = zipSync(unzipSync(smallBn), { level: 6 });
    expect((await tryCase(t, 'small-bn, deflated', 'deflated.keras', () => loadKeras(deflated, 'deflated.keras'))).outcome).toBe('loaded');
    expect((await tryCase(t, 'mnist-cnn', 'mnist-cnn.keras', () => loadKeras(fixture('mnist-cnn'), 'mnist-cnn.keras'))).outcome).toBe('loaded');
    const bases = [
      { label: 'small-bn', bytes: smallBn },
      { label: 'small-bn deflated', bytes: deflated },
    ];
    for (const c of containerCases(bases, new Rng(SEED), 200)) await tryCase(t, c.label, 'fuzz.keras', () => loadKeras(c.bytes, 'fuzz.keras'));

    // 256 MB of spaces in a few hundred kB, declared as small as that: stopped at the member's cap.
    for (const member of ['config.json', 'metadata.json', 'model.weights.h5']) {
      const bomb = zipBomb(smallBn, member, 256);
      const message = await expectRefusedCheaply(t, `zip bomb in ${member}`, 'bomb.keras', () => loadKeras(bomb, 'bomb.keras'));
      expect(message).toMatch(new RegExp(`^bomb\\.keras: member ${member.replace('.', '\\.')} is larger than the [\\d,]+ bytes this trainer reads`));
    }
    expect(t.findings).toEqual([]);
  });

  it('.keras: config.json and metadata.json edited, deeply nested, huge', async () => {
    const t = tally('.keras JSON members');
    tallies.push(t);
    const smallBn = fixture('small-bn');
    for (const c of jsonMemberCases(smallBn, new Rng(SEED + 1), 120)) await tryCase(t, c.label, 'fuzz.keras', () => loadKeras(c.bytes, 'fuzz.keras'));
    const members = unzipSync(smallBn);
    const nested = zipSync({ ...members, 'config.json': new TextEncoder().encode('['.repeat(100_000)) }, { level: 0 });
    expect(await expectRefusedCheaply(t, 'config.json nested 100,000 deep', 'deep.keras', () => loadKeras(nested, 'deep.keras'))).toMatch(/^deep\.keras: config\.json: JSON nested more than 64 levels/);
    const png = zipSync({ ...members, 'config.json': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) }, { level: 0 });
    expect(await expectRefusedCheaply(t, 'a PNG as config.json', 'png.keras', () => loadKeras(png, 'png.keras'))).toBe(
      'png.keras: config.json: not a JSON file (starts with bytes 89 50 4e 47: a PNG image?)',
    );
    const config = JSON.parse(textOf(members['config.json']));
    config.config.layers.find((l: { class_name: string }) => l.class_name === 'Dense').config.units = 8192;
    config.config.layers.splice(-1, 0, ...Array.from({ length: 40 }, (_, i) => ({ class_name: 'Dense', config: { name: `wide_${i}`, units: 8192 } })));
    const huge = zipSync({ ...members, 'config.json': new TextEncoder().encode(JSON.stringify(config)) }, { level: 0 });
    expect(await expectRefusedCheaply(t, 'a config of 2.7 billion parameters', 'huge.keras', () => loadKeras(huge, 'huge.keras'))).toMatch(/parameters, more than the 100,000,000 this trainer loads/);
    expect(t.findings).toEqual([]);
  });

  it('.keras: model.weights.h5 edited (bytes, dimensions, heap); a hang is stopped and the next file loads', async () => {
    const t = tally('.keras HDF5 weights');
    tallies.push(t);
    const smallBn = fixture('small-bn');
    for await (const c of hdf5Cases(smallBn, new Rng(SEED + 2), 150)) await tryCase(t, c.label, 'fuzz.keras', () => loadKeras(c.bytes, 'fuzz.keras'));

    // A global heap object's size edited: the HDF5 library loops on it. The read is stopped at its
    // time limit, and the next read (a fresh worker, a fresh library instance) loads.
    const members = unzipSync(smallBn);
    const h5 = members['model.weights.h5'].slice();
    const [sizeField] = globalHeapSizeFields(h5);
    h5[sizeField + 1] = 10;
    const looping = zipSync({ ...members, 'model.weights.h5': h5 }, { level: 0 });
    const hang = await tryCase(t, 'a heap object that loops the HDF5 library', 'loop.keras', () => loadKeras(looping, 'loop.keras'));
    expect(hang.outcome).toBe('refused');
    expect(hang.message).toMatch(/^loop\.keras: model\.weights\.h5: is damaged: the HDF5 library did not finish reading it in 2\.0 s$/);
    expect((await tryCase(t, 'small-bn after the hang', 'small-bn.keras', () => loadKeras(smallBn, 'small-bn.keras'))).outcome).toBe('loaded');
    expect(t.findings).toEqual([]);
  });

  it('TF.js: model.json (manifest shapes, dtypes, paths, topology) and weights.bin edited', async () => {
    const t = tally('TF.js model.json + weights.bin');
    tallies.push(t);
    const model = modelInfo(parseModelConfig(JSON.parse(readFileSync(new URL('../fixtures/models/small-cnn.json', import.meta.url), 'utf8'))));
    const saved = await saveModelFiles(join(await tempDir(), 'saved'), model, initParams(model.params, 1));
    const modelJson = new Uint8Array(await readFile(saved.modelJson));
    const weights = new Uint8Array(await readFile(saved.weightsBin));
    const dir = await tempDir();
    const jsonPath = join(dir, 'model.json');
    const load = async (json: Uint8Array, bin: Uint8Array) => {
      await writeFile(jsonPath, json);
      await writeFile(join(dir, 'weights.bin'), bin);
      return loadModelFiles(dir);
    };
    expect((await tryCase(t, 'unedited', jsonPath, () => load(modelJson, weights))).outcome).toBe('loaded');
    for (const c of tfjsCases(modelJson, weights, new Rng(SEED + 3), 200)) await tryCase(t, c.label, jsonPath, () => load(c.modelJson, c.weights));

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expect(await expectRefusedCheaply(t, 'a PNG as model.json', jsonPath, () => load(png, weights))).toBe(
      `Invalid TensorFlow.js model (${jsonPath}): not a JSON file (starts with bytes 89 50 4e 47: a PNG image?)`,
    );
    const deep = new TextEncoder().encode(`{"a":${'['.repeat(100_000)}`);
    expect(await expectRefusedCheaply(t, 'model.json nested 100,000 deep', jsonPath, () => load(deep, weights))).toMatch(/JSON nested more than 64 levels/);
    const json = JSON.parse(textOf(modelJson));
    json.weightsManifest[0].weights[0].shape = [1_000_000, 1_000_000];
    expect(await expectRefusedCheaply(t, 'a shape of 10^12 values', jsonPath, () => load(new TextEncoder().encode(JSON.stringify(json)), weights))).toMatch(
      /holds 1,000,000,000,000 values, more than the 300,000,000 a weights file may hold/,
    );
    expect(t.findings).toEqual([]);
  });

  it('IDX: MNIST files with header fields edited, cut, extended, flipped', async () => {
    const t = tally('IDX (MNIST)');
    tallies.push(t);
    const dataDir = mnistDataDir();
    const originals = new Map<string, Uint8Array<ArrayBuffer>>();
    for (const name of Object.values(MNIST_FILES)) originals.set(name, await readMnistFile(dataDir, name));
    const edited = new Map([...originals].filter(([name]) => name !== MNIST_FILES.trainImages));
    for (const c of idxCases(edited, new Rng(SEED + 4), 200)) {
      const bytes = new Uint8Array(c.bytes) as Uint8Array<ArrayBuffer>;
      await tryCase(t, c.label, c.name, () => loadMnist(async (name) => (name === c.name ? bytes : originals.get(name)!)));
    }
    const images = MNIST_FILES.testImages;
    const declared = originals.get(images)!.slice();
    new DataView(declared.buffer).setUint32(4, 0xffffffff); // 4.3 billion images: 3.4 * 10^12 bytes
    expect(await expectRefusedCheaply(t, 'a header declaring 3.4 * 10^12 bytes', images, () => loadMnist(async (name) => (name === images ? declared : originals.get(name)!)))).toMatch(
      /header says 4,294,967,295 images \(3,367,254,359,296 bytes\), more than the [\d,]+ an IDX file may have/,
    );
    // A file larger than the cap (sparse: it takes no disk) is refused before it is read.
    const dir = await tempDir();
    await writeFile(join(dir, images), '');
    await truncate(join(dir, images), MAX_IDX_BYTES + 1);
    expect(await expectRefusedCheaply(t, 'an IDX file over the cap', images, () => readMnistFile(dir, images))).toMatch(/bytes, more than the [\d,]+ an IDX file may have/);
    expect(t.findings).toEqual([]);
  });

  it('checkpoint.bin: header fields, header length, version, truncation and flipped bytes', async () => {
    const t = tally('checkpoint.bin');
    tallies.push(t);
    const spec = parseModelConfig(JSON.parse(readFileSync(new URL('../fixtures/models/small-cnn.json', import.meta.url), 'utf8')));
    const model = modelInfo(spec);
    const params = initParams(model.params, 1);
    const record = { loss: 1, accuracy: 0.5, val_loss: 1.2, val_accuracy: 0.4, seconds: 3 };
    const good = encodeCheckpoint({
      options: { ...DEFAULT_TRAIN_OPTIONS, model: spec, epochs: 3 },
      history: [record, record],
      state: { epoch: 2, step: 10, shuffleRng: 77, params, moment1: params.map((v) => v / 10), moment2: params.map((v) => v * v) },
    });
    const headerLength = new DataView(good.buffer).getUint32(12, true);
    const header = JSON.parse(textOf(good.subarray(16, 16 + headerLength)));
    const floats = good.subarray(16 + headerLength);
    const path = 'out/checkpoint.bin';
    expect((await tryCase(t, 'unedited', path, () => decodeCheckpoint(checkpointBytes(header, floats), path))).outcome).toBe('loaded');
    for (const c of checkpointCases({ header, floats }, new Rng(SEED + 5), 250)) await tryCase(t, c.label, path, () => decodeCheckpoint(c.bytes, path));

    const declared = good.slice();
    new DataView(declared.buffer).setUint32(12, 0xfffffff0, true);
    expect(await expectRefusedCheaply(t, 'a header length of 4 GB', path, () => decodeCheckpoint(declared, path))).toBe(`${path}: truncated header`);
    expect(await expectRefusedCheaply(t, 'floats of 10^12', path, () => decodeCheckpoint(checkpointBytes({ ...header, floats: 1e12 }, floats), path))).toMatch(/holds 1000000000000 parameters, its model has/);
    expect(await expectRefusedCheaply(t, 'a header nested deep', path, () => decodeCheckpoint(checkpointBytes(header, floats).fill(0x5b, 16, 16 + headerLength), path))).toMatch(/JSON nested more than 64 levels/);
    const dir = await tempDir();
    await writeFile(join(dir, CHECKPOINT_FILE), '');
    await truncate(join(dir, CHECKPOINT_FILE), MAX_CHECKPOINT_BYTES + 1);
    expect(await expectRefusedCheaply(t, 'a checkpoint over the cap', CHECKPOINT_FILE, () => readCheckpoint(dir))).toMatch(/bytes, more than the [\d,]+ a checkpoint may have/);
    expect(t.findings).toEqual([]);
  });
});
