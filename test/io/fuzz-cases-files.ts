// Fuzz cases of the other loaded files: a TF.js model.json + weights.bin pair (manifest fields
// edited on purpose, text edits, weights cut, extended or flipped), IDX files (header fields,
// truncation, flipped bytes) and checkpoint.bin (header fields edited on purpose and re-encoded
// with a correct length, the length field itself, truncation, flipped bytes).
import { cut, editedJson, flipped, HOSTILE_NUMBERS, pick, textOf, withField, type Rng } from './fuzz-harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const TEXT = new TextEncoder();

export interface TfjsCase {
  label: string;
  modelJson: Uint8Array;
  weights: Uint8Array;
}

/** Purposeful edits of a model.json object: the manifest's shapes, dtypes and paths, the topology's layers. */
const MANIFEST_EDITS: [string, (j: Json, rng: Rng) => void][] = [
  ['a shape dimension made hostile', (j, rng) => {
    const w = pick(rng, j.weightsManifest[0].weights as Json[]);
    w.shape[rng.nextInt(w.shape.length)] = pick(rng, HOSTILE_NUMBERS);
  }],
  ['a shape of 10^12 values', (j, rng) => (pick(rng, j.weightsManifest[0].weights as Json[]).shape = [1_000_000, 1_000_000])],
  ['a shape of the wrong rank', (j, rng) => pick(rng, j.weightsManifest[0].weights as Json[]).shape.push(1)],
  ['a dtype changed', (j, rng) => (pick(rng, j.weightsManifest[0].weights as Json[]).dtype = pick(rng, ['int32', 'string', 'float16', 'complex64', '']))],
  ['a quantization added', (j, rng) => (pick(rng, j.weightsManifest[0].weights as Json[]).quantization = pick(rng, [{ dtype: 'uint8', scale: 1, min: 0 }, { dtype: 'float16' }, { dtype: 'int4' }, 7]))],
  ['a weights path changed', (j, rng) => (j.weightsManifest[0].paths = [pick(rng, ['../../../etc/passwd', '/etc/hostname', 'missing.bin', '', '.', 'weights.bin/'])])],
  ['a weight removed', (j, rng) => j.weightsManifest[0].weights.splice(rng.nextInt(j.weightsManifest[0].weights.length), 1)],
  ['a weight listed twice', (j) => j.weightsManifest[0].weights.push(j.weightsManifest[0].weights[0])],
  ['the manifest replaced', (j, rng) => (j.weightsManifest = pick(rng, [[], {}, null, [{}], [{ paths: ['weights.bin'], weights: {} }]]))],
  ['the format changed', (j, rng) => (j.format = pick(rng, ['graph-model', 7, null]))],
  ['a layer option made hostile', (j, rng) => {
    const layer = pick(rng, j.modelTopology.config.layers as Json[]);
    const key = pick(rng, Object.keys(layer.config));
    layer.config[key] = pick(rng, [...HOSTILE_NUMBERS, null, 'x', [], {}]);
  }],
  ['units of 10^9', (j) => {
    const dense = (j.modelTopology.config.layers as Json[]).find((l) => l.class_name === 'Dense');
    if (dense) dense.config.units = 1e9;
  }],
  ['the topology replaced', (j, rng) => (j.modelTopology = pick(rng, [null, {}, [], 'x', { class_name: 'Functional' }]))],
];

/** model.json edited on purpose or as text, weights.bin cut, extended or flipped. */
export function* tfjsCases(modelJson: Uint8Array, weights: Uint8Array, rng: Rng, count: number): Generator<TfjsCase> {
  const json = JSON.parse(textOf(modelJson)) as Json;
  for (let i = 0; i < count; i++) {
    const kind = rng.nextInt(5);
    if (kind <= 1) {
      const [what, edit] = pick(rng, MANIFEST_EDITS);
      const j = clone(json);
      edit(j, rng);
      yield { label: `model.json #${i}: ${what}`, modelJson: TEXT.encode(JSON.stringify(j)), weights };
    } else if (kind === 2) {
      const { bytes, what } = editedJson(textOf(modelJson), rng);
      yield { label: `model.json #${i}: ${what}`, modelJson: bytes, weights };
    } else if (kind === 3) {
      const at = pick(rng, [rng.nextInt(weights.length), weights.length - 1, weights.length + 4, 0]);
      const w = at <= weights.length ? cut(weights, at) : new Uint8Array([...weights, 0, 0, 0, 0]);
      yield { label: `weights.bin #${i}: ${at} bytes`, modelJson, weights: w };
    } else {
      // 0xff bytes make NaNs: refused; other flips give other (finite) weights: loaded.
      yield { label: `weights.bin #${i}: bytes flipped`, modelJson, weights: flipped(weights, rng, 1 + rng.nextInt(8)) };
    }
  }
}

export interface IdxCase {
  label: string;
  /** Which of the four files is edited. */
  name: string;
  bytes: Uint8Array;
}

/** IDX files: magic, count, rows and cols edited, the file cut or extended, bytes flipped. */
export function* idxCases(files: ReadonlyMap<string, Uint8Array>, rng: Rng, count: number): Generator<IdxCase> {
  const names = [...files.keys()];
  for (let i = 0; i < count; i++) {
    const name = pick(rng, names);
    const b = files.get(name)!;
    const images = b[3] === 3;
    const kind = rng.nextInt(5);
    const label = (what: string) => `${name} #${i}: ${what}`;
    if (kind <= 1) {
      const fields = images ? [['magic', 0], ['count', 4], ['rows', 8], ['cols', 12]] : [['magic', 0], ['count', 4]];
      const [field, at] = pick(rng, fields) as [string, number];
      const old = new DataView(b.buffer, b.byteOffset).getUint32(at);
      const v = pick(rng, [0, 1, old - 1, old + 1, 2049, 2051, 0x0803_0000, 0xffffffff, rng.nextInt(2 ** 32)]) >>> 0;
      yield { label: label(`${field} = ${v}`), name, bytes: withField(b, at, v, 4, false) };
    } else if (kind === 2) {
      const at = pick(rng, [rng.nextInt(b.length), 3, images ? 15 : 7, b.length - 1]);
      yield { label: label(`cut at ${at}`), name, bytes: cut(b, at) };
    } else if (kind === 3) {
      const extended = new Uint8Array(b.length + pick(rng, [1, 784, 4096]));
      extended.set(b);
      yield { label: label(`${extended.length - b.length} bytes added`), name, bytes: extended };
    } else {
      const headerOnly = rng.nextInt(2) === 0;
      yield { label: label(`bytes flipped${headerOnly ? ' in the header' : ''}`), name, bytes: flipped(b, rng, 1 + rng.nextInt(4), 0, headerOnly ? 16 : b.length) };
    }
  }
}

export interface CheckpointParts {
  /** The header object (JSON) and the float arrays' bytes, as encodeCheckpoint lays them out. */
  header: Json;
  floats: Uint8Array;
}

const MAGIC = TEXT.encode('MNISTCKP');

/** checkpoint.bin from a header's text and the floats' bytes, as encodeCheckpoint lays them out (the length field right). */
function checkpointFrom(headerText: Uint8Array, floats: Uint8Array): Uint8Array {
  const padded = new Uint8Array(headerText.length + ((4 - (headerText.length % 4)) % 4)).fill(0x20);
  padded.set(headerText);
  const out = new Uint8Array(16 + padded.length + floats.length);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, 1, true);
  view.setUint32(12, padded.length, true);
  out.set(padded, 16);
  out.set(floats, 16 + padded.length);
  return out;
}

export function checkpointBytes(header: unknown, floats: Uint8Array): Uint8Array {
  return checkpointFrom(TEXT.encode(JSON.stringify(header)), floats);
}

/** Purposeful edits of a checkpoint's header object. */
const HEADER_EDITS: [string, (h: Json, rng: Rng) => void][] = [
  ['floats made hostile', (h, rng) => (h.floats = pick(rng, [...HOSTILE_NUMBERS, '12', null]))],
  ['floats of 10^12', (h) => (h.floats = 1e12)],
  ['epoch made hostile', (h, rng) => (h.epoch = pick(rng, [...HOSTILE_NUMBERS, 'x']))],
  ['step made hostile', (h, rng) => (h.step = pick(rng, [...HOSTILE_NUMBERS, null]))],
  ['shuffleRng made hostile', (h, rng) => (h.shuffleRng = pick(rng, [...HOSTILE_NUMBERS, -5]))],
  ['hasMoment2 flipped', (h) => (h.hasMoment2 = !h.hasMoment2)],
  ['hasMoment2 not a boolean', (h) => (h.hasMoment2 = 'yes')],
  ['history edited', (h, rng) => (h.history = pick(rng, [[], [{}], [null, 1], 'x', [{ loss: 'x' }, {}]]))],
  ['an option made hostile', (h, rng) => (h.options[pick(rng, Object.keys(h.options))] = pick(rng, [...HOSTILE_NUMBERS, null, 'x', [], {}]))],
  ['a layer option made hostile', (h, rng) => {
    const layer = pick(rng, h.options.model.layers as Json[]);
    const keys = Object.keys(layer.options ?? {});
    if (keys.length) layer.options[pick(rng, keys)] = pick(rng, [...HOSTILE_NUMBERS, null, 'x', [1, 2, 3]]);
    else layer.type = 'Conv3D';
  }],
  ['the model replaced', (h, rng) => (h.options.model = pick(rng, [null, {}, { layers: 'x' }, { ...h.options.model, inputShape: [1e6, 1e6, 3] }]))],
  ['a field removed', (h, rng) => delete h[pick(rng, Object.keys(h))]],
];

/** checkpoint.bin edited: header fields, the header length, version and magic, truncation, flips. */
export function* checkpointCases(parts: CheckpointParts, rng: Rng, count: number): Generator<{ label: string; bytes: Uint8Array }> {
  const good = checkpointBytes(parts.header, parts.floats);
  const headerEnd = good.length - parts.floats.length;
  for (let i = 0; i < count; i++) {
    const kind = rng.nextInt(7);
    if (kind <= 1) {
      const [what, edit] = pick(rng, HEADER_EDITS);
      const h = clone(parts.header);
      edit(h, rng);
      yield { label: `header #${i}: ${what}`, bytes: checkpointBytes(h, parts.floats) };
    } else if (kind === 2) {
      const { bytes, what } = editedJson(JSON.stringify(parts.header), rng);
      yield { label: `header text #${i}: ${what}`, bytes: checkpointFrom(bytes, parts.floats) };
    } else if (kind === 3) {
      const [field, at] = pick(rng, [['version', 8], ['header length', 12], ['magic', 0]] as [string, number][]);
      const v = pick(rng, [0, 2, headerEnd - 16 - 4, headerEnd - 16 + 4, 0xfffffff0, 0xffffffff, rng.nextInt(2 ** 32)]) >>> 0;
      yield { label: `#${i}: ${field} = ${v}`, bytes: withField(good, at, v, 4, true) };
    } else if (kind === 4) {
      const at = pick(rng, [rng.nextInt(good.length), 15, headerEnd, good.length - 1]);
      yield { label: `#${i}: cut at ${at}`, bytes: cut(good, at) };
    } else if (kind === 5) {
      yield { label: `#${i}: header bytes flipped`, bytes: flipped(good, rng, 1 + rng.nextInt(4), 16, headerEnd) };
    } else {
      // 0xff bytes make NaNs (refused); other values other weights (loaded).
      yield { label: `#${i}: float bytes flipped`, bytes: flipped(good, rng, 1 + rng.nextInt(4), headerEnd, good.length) };
    }
  }
}
