/**
 * Weights in TensorFlow.js "layers-model" format: a model.json (the Keras Sequential topology
 * plus a weights manifest) and one or more binary files of little-endian values.
 *
 * - `exportModel(model, flat)` writes a model's flat parameter buffer (its parameter table's
 *   layout, src/model/param-table.ts) as model.json (the topology with the real layer options)
 *   + weights.bin, loadable by `tf.loadLayersModel`.
 * - `readModel(json, weights)` reads a model.json saved by this project, by TensorFlow.js
 *   (`model.save`) or converted from Keras (`tensorflowjs_converter`): the model from its
 *   topology (or the table given), the weights validated into the flat parameter buffer.
 *   Every problem found is collected into one WeightsFormatError.
 *
 * Browser-safe: no node imports (the disk helpers are in files.ts).
 */
import type { DatasetDescription } from '../data/image-dataset.ts';
import { datasetMetadata, recordedDataset } from './model-dataset.ts';
import type { ParamTable } from '../model/param-table.ts';
import { modelInfo, type ModelInfo } from '../model/model-info.ts';
import { parseModelConfig, toTfjsTopology } from '../model/model-spec.ts';
import { DEFAULT_MODEL } from '../model/presets.ts';
import { concatBytes } from './bytes.ts';
import { FileFormatError, problemList } from './file-format-error.ts';
import { JsonContentError, parseJsonContent } from './json-content.ts';
import { formatCount, MAX_STORED_FLOATS, MAX_WEIGHTS_BYTES, parameterCountProblem } from './load-limits.ts';
import { LAYER_TYPES, type LayerTypeName } from '../model/layers/index.ts';

/** Name of the single weights file that exportModel describes. */
export const WEIGHTS_FILE = 'weights.bin';

/** The tfjs-layers version whose serialization the topology follows. */
export const TFJS_LAYERS_VERSION = '4.22.0';

export const GENERATED_BY = 'webgpu-mnist-trainer';

export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
  [key: string]: unknown;
}

export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightsManifestEntry[];
}

export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: Record<string, unknown>;
  weightsManifest: WeightsManifestGroup[];
  /** TensorFlow.js's field for the writer's own data: the dataset trained on (model-dataset.ts). */
  userDefinedMetadata?: Record<string, unknown>;
}

export interface ExportOptions {
  /** generatedBy field (default 'webgpu-mnist-trainer'). */
  generatedBy?: string;
  /** Name of the weights file in the manifest (default 'weights.bin'). */
  weightsPath?: string;
  /** The dataset the model was trained on, recorded in userDefinedMetadata. */
  dataset?: DatasetDescription;
}

/** The Keras Sequential topology of a model, as tfjs-layers serializes it. */
export function modelTopology(model: ModelInfo): Record<string, unknown> {
  return toTfjsTopology(model.spec, `tfjs-layers ${TFJS_LAYERS_VERSION}`);
}

/** The manifest of exportModel's weights file: one group, one path, every tensor in table order. */
export function weightsManifest(table: ParamTable, path: string = WEIGHTS_FILE): WeightsManifestGroup[] {
  return [{ paths: [path], weights: table.entries.map((p) => ({ name: p.name, shape: [...p.shape], dtype: 'float32' })) }];
}

/**
 * model.json (as an object, ready for JSON.stringify) and weights.bin (the tensors of
 * `flat` in table order, without the alignment padding, little-endian float32).
 */
export function exportModel(model: ModelInfo, flat: Float32Array, options: ExportOptions = {}): { modelJson: ModelJson; weightsBin: Uint8Array } {
  const table = model.params;
  if (flat.length !== table.length) {
    throw new RangeError(`exportModel: parameter buffer has ${flat.length} floats, expected ${table.length}`);
  }
  const weightsBin = new Uint8Array(table.count * 4);
  const view = new DataView(weightsBin.buffer);
  let byte = 0;
  for (const p of table.entries) {
    for (let i = 0; i < p.size; i++, byte += 4) view.setFloat32(byte, flat[p.offset + i], true);
  }
  const modelJson: ModelJson = {
    format: 'layers-model',
    generatedBy: options.generatedBy ?? GENERATED_BY,
    convertedBy: null,
    modelTopology: modelTopology(model),
    weightsManifest: weightsManifest(table, options.weightsPath ?? WEIGHTS_FILE),
    ...(options.dataset ? { userDefinedMetadata: datasetMetadata(options.dataset) } : {}),
  };
  return { modelJson, weightsBin };
}

// ---------------------------------------------------------------------------------------------
// Import

/** Everything wrong with a model.json / weights pair: `problems` lists each, the message (one line) the first few. */
export class WeightsFormatError extends FileFormatError {
  readonly problems: string[];
  constructor(problems: string[], source = 'model.json') {
    super(
      problems.length === 1
        ? `Invalid TensorFlow.js model (${source}): ${problems[0]}`
        : `Invalid TensorFlow.js model (${source}), ${problems.length} problems: ${problemList(problems)}`,
    );
    this.name = 'WeightsFormatError';
    this.problems = problems;
  }
}

/** The weights: one buffer (every path of the manifest concatenated in order) or path -> bytes. */
export type WeightsInput = ArrayBuffer | ArrayBufferView | Map<string, ArrayBuffer | ArrayBufferView>;

export interface ImportOptions {
  /** Name of the model file used in messages (default 'model.json'). */
  source?: string;
  /** The model whose parameter table the weights fill (default: the model of the file's topology). */
  model?: ModelInfo;
}

export interface ImportResult {
  /** The model the weights were read for. */
  model: ModelInfo;
  /** Flat parameter buffer in the model's table layout (padding zero). */
  params: Float32Array;
  /** Weights that were matched under another name (by prefix or by layer order). */
  renamed: { from: string; to: string }[];
  /** Weights in the file that this model does not use (e.g. optimizer state). */
  ignored: string[];
  /** The dataset the model records it was trained on (userDefinedMetadata), or null. */
  dataset: DatasetDescription | null;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

function bytesOf(input: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('weights: expected an ArrayBuffer, a typed array or a Map of them');
}

function shapeText(shape: readonly unknown[]): string {
  return `[${shape.join(',')}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `a string` : typeof v;
}

function fmtInt(n: number): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function lastSegment(path: string): string {
  return path.split('/').pop() ?? path;
}

/** The layers of the topology (Sequential: config.layers or an old-style config array; converted Keras: model_config). */
function topologyLayers(topology: unknown): { className: string; name: string; config: Record<string, unknown> }[] {
  if (!isObject(topology)) return [];
  let model: unknown = topology;
  if (isObject(topology.model_config)) model = topology.model_config;
  if (!isObject(model)) return [];
  const config = model.config;
  const list = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : [];
  const out: { className: string; name: string; config: Record<string, unknown> }[] = [];
  for (const l of list) {
    if (!isObject(l) || typeof l.class_name !== 'string') continue;
    const cfg = isObject(l.config) ? l.config : {};
    const name = typeof cfg.name === 'string' ? cfg.name : typeof l.name === 'string' ? l.name : '';
    out.push({ className: l.class_name, name, config: cfg });
  }
  return out;
}

interface Located {
  entry: WeightsManifestEntry;
  group: number;
  /** Byte offset inside its group's data. */
  byteOffset: number;
  byteLength: number;
}

/** Splits "a/b/conv2d_1/kernel" into its layer ("conv2d_1") and weight ("kernel") parts. */
function splitName(name: string): { layer: string; weight: string } {
  const parts = name.split('/');
  const weight = parts.pop() ?? '';
  return { layer: parts.pop() ?? '', weight: weight.replace(/:\d+$/, '') };
}

function parseJson(modelJson: unknown, source: string): Record<string, unknown> {
  let json = modelJson;
  if (typeof json === 'string') {
    try {
      json = parseJsonContent(json);
    } catch (e) {
      throw e instanceof JsonContentError ? new WeightsFormatError([e.message], source) : e;
    }
  }
  if (json instanceof Uint8Array || json instanceof ArrayBuffer) {
    throw new WeightsFormatError(['expected the model.json object (or its text), got binary data'], source);
  }
  if (!isObject(json)) throw new WeightsFormatError([`expected a JSON object, got ${describe(json)}`], source);
  return json;
}

/** Checks the manifest's structure; returns the groups or throws (nothing else can be checked without it). */
function parseManifest(json: Record<string, unknown>, source: string): WeightsManifestGroup[] {
  const problems: string[] = [];
  if (!('format' in json)) problems.push('format: missing (expected "layers-model")');
  else if (json.format !== 'layers-model') {
    problems.push(
      `format: ${JSON.stringify(json.format)}, expected "layers-model"` +
        (json.format === 'graph-model' ? ' (a graph model has no Keras layers; save the Keras/tfjs layers model instead)' : ''),
    );
  }
  const manifest = json.weightsManifest;
  if (manifest === undefined) problems.push('weightsManifest: missing');
  else if (!Array.isArray(manifest) || manifest.length === 0) problems.push(`weightsManifest: expected a non-empty array, got ${describe(manifest)}`);
  else {
    manifest.forEach((g, gi) => {
      const at = `weightsManifest[${gi}]`;
      if (!isObject(g)) return problems.push(`${at}: expected an object, got ${describe(g)}`);
      if (!Array.isArray(g.paths) || g.paths.length === 0 || g.paths.some((p) => typeof p !== 'string' || p === '')) {
        problems.push(`${at}.paths: expected a non-empty array of file names`);
      }
      if (!Array.isArray(g.weights)) return problems.push(`${at}.weights: expected an array, got ${describe(g.weights)}`);
      g.weights.forEach((w, wi) => {
        const wat = `${at}.weights[${wi}]`;
        if (!isObject(w)) return problems.push(`${wat}: expected an object, got ${describe(w)}`);
        if (typeof w.name !== 'string' || w.name === '') problems.push(`${wat}.name: expected a string`);
        const label = typeof w.name === 'string' ? w.name : wat;
        if (!Array.isArray(w.shape) || w.shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
          problems.push(`${label}: shape ${JSON.stringify(w.shape)} is not a list of non-negative integers`);
        } else {
          const count = (w.shape as number[]).reduce((a, b) => a * b, 1);
          if (count > MAX_STORED_FLOATS) problems.push(`${label}: shape ${shapeText(w.shape)} holds ${formatCount(count)} values, more than the ${formatCount(MAX_STORED_FLOATS)} a weights file may hold`);
        }
        if (typeof w.dtype !== 'string') problems.push(`${label}: dtype missing`);
        if (w.quantization !== undefined) {
          const q = w.quantization;
          if (!isObject(q) || !['uint8', 'uint16', 'float16'].includes(q.dtype as string)) {
            problems.push(`${label}: unsupported quantization ${JSON.stringify(q)}`);
          }
        }
      });
    });
  }
  if (problems.length === 0) {
    const bytes = (manifest as WeightsManifestGroup[]).flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * (storedBytesPerElement(w) ?? 0), 0);
    if (bytes > MAX_WEIGHTS_BYTES) problems.push(`weightsManifest: describes ${formatCount(bytes)} bytes of weights, more than the ${formatCount(MAX_WEIGHTS_BYTES)} this trainer reads`);
  }
  if (problems.length > 0) throw new WeightsFormatError(problems, source);
  return manifest as WeightsManifestGroup[];
}

/**
 * The weights manifest of a model.json: each group's paths and the byte size its data must
 * have (undefined where a dtype's size is unknown). Throws WeightsFormatError for a bad manifest.
 */
export function manifestGroups(modelJson: unknown, source = 'model.json'): { paths: string[]; bytes: number | undefined }[] {
  const groups = parseManifest(parseJson(modelJson, source), source);
  return groups.map((g) => {
    let bytes: number | undefined = 0;
    for (const entry of g.weights) {
      const per = storedBytesPerElement(entry);
      bytes = per === undefined || bytes === undefined ? undefined : bytes + entry.shape.reduce((a, b) => a * b, 1) * per;
    }
    return { paths: g.paths, bytes };
  });
}

function storedBytesPerElement(e: WeightsManifestEntry): number | undefined {
  return BYTES[e.quantization ? e.quantization.dtype : e.dtype];
}

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decodes `count` values of entry `e` from `bytes` into out[outOffset...]; returns the count of non-finite values. */
function decode(e: WeightsManifestEntry, bytes: Uint8Array, out: Float32Array, outOffset: number, count: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = e.quantization;
  let bad = 0;
  for (let i = 0; i < count; i++) {
    let v: number;
    if (!q) v = view.getFloat32(i * 4, true);
    else if (q.dtype === 'float16') v = float16(view.getUint16(i * 2, true));
    else {
      const raw = q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(i * 2, true);
      v = raw * (q.scale ?? 1) + (q.min ?? 0);
    }
    if (!Number.isFinite(v)) bad++;
    out[outOffset + i] = v;
  }
  return bad;
}

/** Reads and validates a model.json + weights; see importModel. Also reports renames and ignored weights. */
export function readModel(modelJson: unknown, weights: WeightsInput, options: ImportOptions = {}): ImportResult {
  const source = options.source ?? 'model.json';
  const json = parseJson(modelJson, source);
  const groups = parseManifest(json, source);
  const problems: string[] = [];
  const model = options.model ?? modelOfTopology(json, source);
  const PARAMS = model.params.entries;

  // Where every weight lies inside its group's bytes.
  const located: Located[] = [];
  const groupBytes: number[] = [];
  let sizeKnown = true;
  groups.forEach((g, gi) => {
    let offset = 0;
    for (const entry of g.weights) {
      const per = storedBytesPerElement(entry);
      const count = entry.shape.reduce((a, b) => a * b, 1);
      if (per === undefined) {
        // Unknown size (e.g. string tensors): offsets after it cannot be known.
        problems.push(`${entry.name}: dtype ${entry.dtype} is not supported`);
        sizeKnown = false;
        located.push({ entry, group: gi, byteOffset: offset, byteLength: 0 });
        continue;
      }
      located.push({ entry, group: gi, byteOffset: offset, byteLength: count * per });
      offset += count * per;
    }
    groupBytes.push(offset);
  });

  // The data of each group.
  const data: (Uint8Array | undefined)[] = [];
  const totalExpected = groupBytes.reduce((a, b) => a + b, 0);
  if (weights instanceof Map) {
    const byBase = new Map<string, Uint8Array>();
    for (const [k, v] of weights) byBase.set(lastSegment(k), bytesOf(v));
    groups.forEach((g, gi) => {
      const parts: Uint8Array[] = [];
      for (const p of g.paths) {
        const b = weights.has(p) ? bytesOf(weights.get(p)!) : byBase.get(lastSegment(p));
        if (!b) problems.push(`weights file "${p}" (listed in the manifest) was not provided`);
        else parts.push(b);
      }
      if (parts.length !== g.paths.length) return data.push(undefined);
      const bytes = concatBytes(parts);
      if (sizeKnown && bytes.length !== groupBytes[gi]) {
        problems.push(
          `${g.paths.join(' + ')}: ${fmtInt(bytes.length)} bytes, the manifest describes ${fmtInt(groupBytes[gi])}` +
            (bytes.length < groupBytes[gi] ? ' (truncated?)' : ''),
        );
      }
      data.push(bytes);
    });
  } else {
    const all = bytesOf(weights);
    const names = groups.flatMap((g) => g.paths).join(' + ');
    if (sizeKnown && all.length !== totalExpected) {
      problems.push(
        `${names}: ${fmtInt(all.length)} bytes, the manifest describes ${fmtInt(totalExpected)}` +
          (all.length < totalExpected ? ' (truncated?)' : ''),
      );
    }
    let start = 0;
    for (const n of groupBytes) {
      data.push(all.subarray(Math.min(start, all.length), Math.min(start + n, all.length)));
      start += n;
    }
  }

  // Match the file's weights to the parameter table.
  const byName = new Map<string, Located>();
  for (const l of located) {
    if (byName.has(l.entry.name)) problems.push(`${l.entry.name}: listed twice in the manifest`);
    else byName.set(l.entry.name, l);
  }
  const bound = new Map<string, Located>();
  const renamed: { from: string; to: string }[] = [];
  for (const p of PARAMS) {
    const exact = byName.get(p.name);
    if (exact) {
      bound.set(p.name, exact);
      continue;
    }
    const suffixed = located.filter((l) => l.entry.name.endsWith('/' + p.name) || l.entry.name === `${p.name}:0`);
    if (suffixed.length === 1) {
      bound.set(p.name, suffixed[0]);
      renamed.push({ from: suffixed[0].entry.name, to: p.name });
    }
  }
  if (bound.size < PARAMS.length) bindByOrder(model, located, json.modelTopology, bound, renamed, problems);

  // Which layer names did we use, so that everything else is "ignored".
  const used = new Set([...bound.values()].map((l) => l.entry.name));
  const ignored = located.filter((l) => !used.has(l.entry.name)).map((l) => l.entry.name);

  const params = new Float32Array(model.params.length);
  for (const p of PARAMS) {
    const l = bound.get(p.name);
    if (!l) continue; // reported by bindByOrder
    const e = l.entry;
    const label = e.name === p.name ? p.name : `${p.name} (as ${e.name})`;
    let ok = true;
    if (e.shape.length !== p.shape.length || e.shape.some((d, i) => d !== p.shape[i])) {
      problems.push(`${label}: shape ${shapeText(e.shape)}, expected ${shapeText(p.shape)}`);
      ok = false;
    }
    if (e.dtype !== 'float32') {
      problems.push(`${label}: dtype ${e.dtype}, expected float32`);
      ok = false;
    }
    const bytes = data[l.group];
    if (!ok || !bytes) continue;
    if (l.byteOffset + l.byteLength > bytes.length) {
      problems.push(`${label}: its data (bytes ${fmtInt(l.byteOffset)}..${fmtInt(l.byteOffset + l.byteLength)}) lies past the end of the weights`);
      continue;
    }
    const bad = decode(e, bytes.subarray(l.byteOffset, l.byteOffset + l.byteLength), params, p.offset, p.size);
    if (bad > 0) problems.push(`${label}: ${fmtInt(bad)} value${bad === 1 ? ' is' : 's are'} NaN or infinite`);
  }
  if (problems.length > 0) throw new WeightsFormatError(problems, source);

  return { model, params, renamed, ignored, dataset: recordedDataset(json.userDefinedMetadata) };
}

/**
 * The model of a model.json's topology (a clear error naming the file where it is not one this
 * project supports); a file without a topology holds weights of the default model.
 */
function modelOfTopology(json: Record<string, unknown>, source: string): ModelInfo {
  if (json.modelTopology === undefined || json.modelTopology === null) return DEFAULT_MODEL;
  let model: ModelInfo;
  try {
    model = modelInfo(parseModelConfig(json.modelTopology));
  } catch (e) {
    throw new WeightsFormatError([`modelTopology: ${e instanceof Error ? e.message : String(e)}`], source);
  }
  const tooLarge = parameterCountProblem(model.params.length);
  if (tooLarge) throw new WeightsFormatError([`modelTopology: ${tooLarge}`], source);
  return model;
}

/** A model layer with weights: its name, Keras type and declared weights (names and ranks, in Keras's order). */
interface WeightedLayer {
  layer: string;
  type: LayerTypeName;
  weights: { name: string; rank: number }[];
}

/** A file layer's layer name with its class suffix and count dropped: conv2d_5 -> conv, dense_Dense3 -> dense. */
const typeStem = (t: LayerTypeName) => LAYER_TYPES[t].namePrefix.replace(/\d+d$/, '');

/**
 * The model layer type of a file layer: its class in the topology; else the one type whose name
 * stem its name contains (conv2d_5: Conv2D); else the one type with a weight of that name and rank.
 */
function fileLayerType(layer: string, cls: string | undefined, weights: Map<string, Located>, expected: WeightedLayer[]): LayerTypeName | undefined {
  const types = [...new Set(expected.map((e) => e.type))];
  const only = (ts: LayerTypeName[]) => (ts.length === 1 ? ts[0] : undefined);
  if (cls !== undefined && types.includes(cls as LayerTypeName)) return cls as LayerTypeName;
  const byName = only(types.filter((t) => layer.toLowerCase().includes(typeStem(t))));
  if (byName) return byName;
  const first = [...weights.entries()][0];
  if (!first) return undefined;
  const [name, l] = first;
  return only(types.filter((t) => expected.some((e) => e.type === t && e.weights.some((w) => w.name === name && w.rank === l.entry.shape.length))));
}

/**
 * When exact (or prefixed) names are missing: map the file's layers of each type with weights,
 * in the order they appear, onto the model's layers of that type (conv2d, conv2d_1 and dense,
 * dense_1, ...), weight by weight as the layer type declares them.
 */
function bindByOrder(
  model: ModelInfo,
  located: Located[],
  topology: unknown,
  bound: Map<string, Located>,
  renamed: { from: string; to: string }[],
  problems: string[],
): void {
  const classOf = new Map<string, string>();
  for (const l of topologyLayers(topology)) classOf.set(l.name, l.className);

  // The model's layers with weights, in order.
  const expected: WeightedLayer[] = model.layers
    .filter((l) => l.weights.length > 0)
    .map((l) => ({ layer: l.spec.name, type: l.spec.type, weights: l.weights.map((w) => ({ name: w.weight, rank: w.shape.length })) }));
  const weightNames = new Set(expected.flatMap((e) => e.weights.map((w) => w.name)));

  // The file's layers with such weights, in manifest order, and their types.
  const fileLayers: { layer: string; type: LayerTypeName | undefined; weights: Map<string, Located> }[] = [];
  for (const l of located) {
    const { layer, weight } = splitName(l.entry.name);
    if (!weightNames.has(weight)) continue;
    let fl = fileLayers.find((f) => f.layer === layer);
    if (!fl) {
      fl = { layer, type: undefined, weights: new Map() };
      fileLayers.push(fl);
    }
    fl.weights.set(weight, l);
  }
  for (const fl of fileLayers) fl.type = fileLayerType(fl.layer, classOf.get(fl.layer), fl.weights, expected);

  const fileNames = located.map((l) => l.entry.name).join(', ') || 'none';
  for (const type of new Set(expected.map((e) => e.type))) {
    const want = expected.filter((e) => e.type === type);
    const have = fileLayers.filter((f) => f.type === type);
    const unbound = want.flatMap((w) => w.weights.map((x) => `${w.layer}/${x.name}`)).filter((name) => !bound.has(name));
    if (unbound.length === 0) continue;
    if (have.length !== want.length) {
      for (const name of unbound) problems.push(`${name}: missing`);
      problems.push(
        `expected ${want.length} ${type} layers (${want.map((w) => w.layer).join(', ')}), ` +
          `the file has ${have.length}${have.length ? ` (${have.map((h) => h.layer).join(', ')})` : ''}; its weights: ${fileNames}`,
      );
      continue;
    }
    want.forEach((w, i) => {
      const fl = have[i];
      for (const { name: weight } of w.weights) {
        const target = `${w.layer}/${weight}`;
        if (bound.has(target)) continue;
        const l = fl.weights.get(weight);
        if (!l) {
          problems.push(`${target}: missing (mapped by order to layer "${fl.layer}", which has no ${weight})`);
          continue;
        }
        if ([...bound.values()].includes(l)) {
          problems.push(`${target}: missing ("${l.entry.name}" is already used)`);
          continue;
        }
        bound.set(target, l);
        renamed.push({ from: l.entry.name, to: target });
      }
    });
  }
}

/**
 * Validates a TensorFlow.js layers model (model.json object or text, and its weights: one
 * buffer holding every manifest path concatenated in order, or a Map from path to bytes) and
 * returns the flat parameter buffer in the model's table layout. Throws WeightsFormatError listing every
 * problem found.
 */
export function importModel(modelJson: unknown, weightsBin: WeightsInput, options: ImportOptions = {}): Float32Array {
  return readModel(modelJson, weightsBin, options).params;
}
