/**
 * Keras 3 `.keras` files in and out: a zip (fflate) of
 *   metadata.json     {"keras_version", "date_saved"}
 *   config.json       the serialized model (for us a Sequential), kept untouched
 *   model.weights.h5  the variables (HDF5 through h5wasm, see keras-h5.ts)
 * Runs in Node, a page and a worker (no node imports). Every problem is a KerasFileError whose
 * message names the file, the member and, where it applies, the layer and the variable.
 */
import { strToU8, zipSync } from 'fflate';
import { describeStart } from './file-format-error.ts';
import { JsonContentError, parseJsonContent } from './json-content.ts';
import { KerasFileError, readWeightsH5, writeWeightsH5, type H5LayerGroup, type H5Weights, type KerasVar, type KerasVarData } from './keras-h5.ts';
import { MAX_JSON_BYTES, MAX_WEIGHTS_BYTES } from './load-limits.ts';
import { zipEntries, zipMember, ZipReadError } from './zip-read.ts';
import { modelInfo } from '../model/model-info.ts';
import { parseModelConfig } from '../model/model-spec.ts';

export { KerasFileError, type KerasVar, type KerasVarData } from './keras-h5.ts';

export const METADATA_MEMBER = 'metadata.json';
export const CONFIG_MEMBER = 'config.json';
export const WEIGHTS_MEMBER = 'model.weights.h5';

export interface KerasMetadata {
  keras_version: string;
  date_saved?: string;
  [key: string]: unknown;
}

export interface KerasOptimizerState {
  /** The optimizer's name (the `name` attribute of optimizer/vars, "adam" for Keras's Adam). */
  name: string;
  /** optimizer/vars/0..n: for Adam the step count, the learning rate, then m and v per trainable variable. */
  vars: KerasVar<KerasVarData>[];
}

export interface KerasFile {
  metadata: KerasMetadata;
  /** The parsed config.json (the serialized Sequential), untouched. */
  config: unknown;
  /** Layer name -> its variables 0..n (float32), in the layer's weight order. Layers without variables map to []. */
  layers: Map<string, KerasVar[]>;
  optimizer?: KerasOptimizerState;
}

/** One layer of a Sequential config as the weights file needs it. */
export interface ConfigLayer {
  className: string;
  name: string;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Keras's naming.to_snake_case: `MaxPooling2D` -> `max_pooling2d`, `BatchNormalization` -> `batch_normalization`. */
export function snakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The layers of a Sequential config (InputLayer excluded: a Sequential does not list it among
 * its layers), in order. Throws KerasFileError naming `where` for anything else.
 */
export function sequentialLayers(config: unknown, where: string): ConfigLayer[] {
  if (!isRecord(config) || config['class_name'] !== 'Sequential') {
    const got = isRecord(config) ? `class_name ${JSON.stringify(config['class_name'])}` : 'not an object';
    throw new KerasFileError(`${where}: expected a Sequential model, got ${got}`);
  }
  const inner = config['config'];
  const layers = isRecord(inner) ? inner['layers'] : undefined;
  if (!Array.isArray(layers)) throw new KerasFileError(`${where}: config.layers is not a list`);
  const out: ConfigLayer[] = [];
  layers.forEach((layer, i) => {
    const className = isRecord(layer) ? layer['class_name'] : undefined;
    const name = isRecord(layer) && isRecord(layer['config']) ? layer['config']['name'] : undefined;
    if (typeof className !== 'string' || typeof name !== 'string') {
      throw new KerasFileError(`${where}: layer ${i} has no class_name or config.name`);
    }
    if (className !== 'InputLayer') out.push({ className, name });
  });
  return out;
}

/** Keras's group path of each layer under /layers: snake_case class name, `_1`, `_2`, ... for repeats. */
export function layerGroupPaths(layers: readonly ConfigLayer[]): string[] {
  const used = new Map<string, number>();
  return layers.map(({ className }) => {
    const base = snakeCase(className);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    return count === undefined ? base : `${base}_${count + 1}`;
  });
}

function modelName(config: unknown): string {
  const inner = isRecord(config) ? config['config'] : undefined;
  const name = isRecord(inner) ? inner['name'] : undefined;
  return typeof name === 'string' ? name : 'sequential';
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Reads one member, refused past `cap` bytes. */
type MemberReader = (name: string, cap: number) => Uint8Array;

/** The archive's members by name, once the three a .keras file needs are found; others are never read. */
function openArchive(bytes: Uint8Array, fileName: string): MemberReader {
  let entries;
  try {
    entries = zipEntries(bytes);
  } catch (e) {
    if (!(e instanceof ZipReadError)) throw e;
    const zipStart = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
    throw new KerasFileError(`${fileName}: not a .keras file (not a readable zip archive: ${zipStart ? e.message : describeStart(bytes)})`);
  }
  for (const name of [METADATA_MEMBER, CONFIG_MEMBER, WEIGHTS_MEMBER]) {
    if (!entries.some((e) => e.name === name)) {
      const present = entries.map((e) => e.name);
      throw new KerasFileError(`${fileName}: member ${name} is missing (the archive holds: ${present.length ? present.join(', ') : 'nothing'})`);
    }
  }
  return (name, cap) => {
    try {
      return zipMember(bytes, entries.find((e) => e.name === name)!, cap);
    } catch (e) {
      throw e instanceof ZipReadError ? new KerasFileError(`${fileName}: ${e.message}`) : e;
    }
  };
}

/** HDF5's own records beside the variables: groups, attributes, names (a few kB per layer). */
const HDF5_STRUCTURE_BYTES = 16 * 1024 * 1024;

/**
 * The most bytes model.weights.h5 may have: for a config this trainer reads, its parameters and
 * Adam's two moments in float32 and HDF5's structure; else MAX_WEIGHTS_BYTES.
 */
function weightsCap(config: unknown): number {
  let parameters: number;
  try {
    parameters = modelInfo(parseModelConfig(config)).params.count;
  } catch {
    return MAX_WEIGHTS_BYTES;
  }
  return Math.min(MAX_WEIGHTS_BYTES, 3 * parameters * 4 + HDF5_STRUCTURE_BYTES);
}

function parseJson(bytes: Uint8Array, where: string): unknown {
  try {
    return parseJsonContent(bytes);
  } catch (e) {
    if (e instanceof JsonContentError) throw new KerasFileError(`${where}: ${e.message}`);
    throw e;
  }
}

function readMetadata(bytes: Uint8Array, fileName: string): KerasMetadata {
  const where = `${fileName}: ${METADATA_MEMBER}`;
  const json = parseJson(bytes, where);
  if (!isRecord(json) || typeof json['keras_version'] !== 'string') {
    throw new KerasFileError(`${where}: no keras_version string`);
  }
  return json as KerasMetadata;
}

/** Layer name -> variables, in config order when the config is a Sequential, else in the file's order. */
function layerMap(groups: readonly H5LayerGroup[], config: unknown, fileName: string): Map<string, KerasVar[]> {
  const byName = new Map(groups.map((g) => [g.name, g.vars] as const));
  let order: string[];
  try {
    order = sequentialLayers(config, `${fileName}: ${CONFIG_MEMBER}`).map((l) => l.name);
  } catch {
    order = [];
  }
  const out = new Map<string, KerasVar[]>();
  for (const name of order) {
    const vars = byName.get(name);
    if (vars) out.set(name, vars);
  }
  for (const [name, vars] of byName) if (!out.has(name)) out.set(name, vars);
  return out;
}

/** Reads model.weights.h5's bytes; `where` names the file and member in errors. */
export type WeightsReader = (bytes: Uint8Array, where: string) => Promise<H5Weights>;

/**
 * Reads a `.keras` file. `fileName` is used in error messages only. Throws KerasFileError for
 * a file that is not a zip, lacks a member, has a member over its cap (refused while it is
 * inflated; the weights' cap follows from the model config.json describes), an unreadable HDF5
 * file, or variables missing (a gap in 0..n) or not float32. `readWeights` reads the HDF5
 * member (default: in this thread; Node's loader isolates it, h5-isolated.ts).
 */
export async function readKerasFile(bytes: Uint8Array, fileName: string, readWeights: WeightsReader = readWeightsH5): Promise<KerasFile> {
  const member = openArchive(bytes, fileName);
  const config = parseJson(member(CONFIG_MEMBER, MAX_JSON_BYTES), `${fileName}: ${CONFIG_MEMBER}`);
  const metadata = readMetadata(member(METADATA_MEMBER, MAX_JSON_BYTES), fileName);
  const weights = await readWeights(member(WEIGHTS_MEMBER, weightsCap(config)), `${fileName}: ${WEIGHTS_MEMBER}`);
  const file: KerasFile = { metadata, config, layers: layerMap(weights.layers, config, fileName) };
  if (weights.optimizer) file.optimizer = weights.optimizer;
  return file;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** The HDF5 groups of f's layers, in the config's order, with Keras's group paths. */
function layerGroups(f: KerasFile): H5LayerGroup[] {
  const layers = sequentialLayers(f.config, `writeKerasFile: ${CONFIG_MEMBER}`);
  const names = new Set(layers.map((l) => l.name));
  for (const name of f.layers.keys()) {
    if (!names.has(name)) throw new KerasFileError(`writeKerasFile: layer "${name}" has variables but is not in the config`);
  }
  const paths = layerGroupPaths(layers);
  return layers.map((layer, i) => ({ path: paths[i], name: layer.name, vars: f.layers.get(layer.name) ?? [] }));
}

/**
 * Writes a `.keras` file Keras 3's `keras.models.load_model` opens: the same members (stored,
 * uncompressed, in Keras's order), HDF5 groups and attributes as Keras writes. The config must
 * be a Sequential; f.layers' names must be among its layers.
 */
export async function writeKerasFile(f: KerasFile): Promise<Uint8Array> {
  const h5 = await writeWeightsH5({ modelName: modelName(f.config), layers: layerGroups(f), optimizer: f.optimizer });
  return zipSync(
    {
      [METADATA_MEMBER]: strToU8(JSON.stringify(f.metadata)),
      [CONFIG_MEMBER]: strToU8(JSON.stringify(f.config)),
      [WEIGHTS_MEMBER]: h5,
    },
    { level: 0 },
  );
}
