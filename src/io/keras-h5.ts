/**
 * The HDF5 half of a Keras 3 `.keras` file: `model.weights.h5`, read and written through
 * h5wasm (the HDF5 C library compiled to WebAssembly; its ESM build embeds the WASM, so the
 * same import works in Node, a page and a worker). Files live in h5wasm's in-memory file
 * system only for the duration of one call. A variable's declared shape is checked against
 * MAX_STORED_FLOATS before HDF5 reads (and allocates) it; in Node the reads run in a worker
 * thread that a damaged file cannot hang (h5-isolated.ts).
 *
 * Layout (Keras 3 saving_lib, H5IOStore), every `vars` group carrying a scalar UTF-8 string
 * attribute `name`:
 *   /vars                        name = the model's name ("sequential"), no datasets
 *   /layers/<path>/vars/0..n     name = the layer's name; <path> is the snake_case class name
 *                                made unique by `_1`, `_2`, ... (conv2d, conv2d_1, dense, ...)
 *   /optimizer/vars/0..n         name = the optimizer's name ("adam")
 * Layers without variables (pooling, dropout, flatten) still have their empty `vars` group.
 */
import * as h5wasm from 'h5wasm';
import { FileFormatError } from './file-format-error.ts';
import { formatCount, MAX_STORED_FLOATS } from './load-limits.ts';

/** One stored variable: its shape and its values, row-major (last index fastest). */
export interface KerasVar<T extends KerasVarData = Float32Array> {
  shape: number[];
  data: T;
}

/** Element types a stored variable may have: float32, or the optimizer's int32/int64 step count. */
export type KerasVarData = Float32Array | Int32Array | BigInt64Array;

/** Variables of one layer as stored: its HDF5 group path under /layers and its Keras name. */
export interface H5LayerGroup {
  /** Group path under /layers (e.g. `conv2d_1`). */
  path: string;
  /** The `name` attribute: the layer's name. */
  name: string;
  vars: KerasVar[];
}

/** Everything model.weights.h5 holds. */
export interface H5Weights {
  /** The root `vars` group's `name` attribute (the model's name). */
  modelName: string;
  layers: H5LayerGroup[];
  optimizer?: { name: string; vars: KerasVar<KerasVarData>[] };
}

/** A problem with a `.keras` file; the message names the file, member, layer and variable. */
export class KerasFileError extends FileFormatError {
  constructor(message: string) {
    super(message);
    this.name = 'KerasFileError';
  }
}

/**
 * The HDF5 library itself failed on the file (a WebAssembly trap or abort, not an HDF5 error
 * report): its instance may be left in a bad state, so the caller should not use it again.
 */
export class H5LibraryCrashError extends KerasFileError {
  constructor(message: string) {
    super(message);
    this.name = 'H5LibraryCrashError';
  }
}

/** Format bounds for writing: readable by HDF5 1.12 and later (h5py's wheels ship 1.14). */
const WRITE_LIBVER: ['earliest', 'v112'] = ['earliest', 'v112'];

// h5wasm's H5T_class_t values as its metadata reports them.
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;

let scratchCounter = 0;

/** A unique path in h5wasm's in-memory file system for one call. */
function scratchPath(): string {
  scratchCounter += 1;
  return `/keras-scratch-${scratchCounter}.h5`;
}

type H5Module = Awaited<typeof h5wasm.ready>;

function removeScratch(module: H5Module, path: string): void {
  try {
    module.FS.unlink(path);
  } catch {
    // already gone (the library may not have created it)
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/** `where: what`: `where` names the file, member, layer and variable. */
function at(where: string, what: string): string {
  return `${where}: ${what}`;
}

/** Reads the `name` attribute of a `vars` group, or undefined when absent. */
function nameAttribute(group: h5wasm.Group): string | undefined {
  const attribute = group.attrs['name'];
  if (!attribute) return undefined;
  // A name is one string: anything else is not read (a damaged header may declare millions of them).
  const meta = attribute.metadata;
  if (meta.type !== H5T_STRING || meta.total_size > 1) return undefined;
  const value = attribute.value;
  return typeof value === 'string' ? value : undefined;
}

function asGroup(entity: h5wasm.Entity | null): h5wasm.Group | undefined {
  return entity instanceof h5wasm.Group ? entity : undefined;
}

const VAR_INDEX = /^(0|[1-9][0-9]*)$/;

/** Dataset keys of a `vars` group, checked to be exactly 0..n-1, in numeric order. */
function varKeys(group: h5wasm.Group, where: string): string[] {
  const keys = group.keys();
  const stray = keys.find((k) => !VAR_INDEX.test(k));
  if (stray !== undefined) throw new KerasFileError(at(where, `unexpected entry "${stray}" among the variables`));
  const present = new Set(keys.map(Number));
  for (let i = 0; i < keys.length; i++) {
    if (!present.has(i)) throw new KerasFileError(at(where, `variable ${i} is missing (the group holds: ${keys.join(', ')})`));
  }
  return keys.map(Number).sort((a, b) => a - b).map(String);
}

/** Converts a dataset's value (a typed array, or a plain number for a scalar) to a typed array. */
function typedData(dataset: h5wasm.Dataset, where: string, allowIntegers: boolean): KerasVarData {
  const meta = dataset.metadata;
  const value = dataset.value;
  if (meta.type === H5T_FLOAT && meta.size === 4) {
    if (value instanceof Float32Array) return value;
    if (typeof value === 'number') return Float32Array.of(value);
  } else if (allowIntegers && meta.type === H5T_INTEGER && meta.signed && meta.size === 4) {
    if (value instanceof Int32Array) return value;
    if (typeof value === 'number') return Int32Array.of(value);
  } else if (allowIntegers && meta.type === H5T_INTEGER && meta.signed && meta.size === 8) {
    if (value instanceof BigInt64Array) return value;
    if (typeof value === 'bigint') return BigInt64Array.of(value);
  }
  const kind = meta.type === H5T_FLOAT ? `float${meta.size * 8}` : meta.type === H5T_INTEGER ? `${meta.signed ? 'int' : 'uint'}${meta.size * 8}` : `HDF5 type class ${meta.type}`;
  throw new KerasFileError(at(where, `is ${kind}, expected float32${allowIntegers ? ' (or int32/int64 for a step count)' : ''}`));
}

/** How many more values the file's variables may hold (MAX_STORED_FLOATS in all); checked before each is read. */
interface ValueBudget {
  left: number;
}

/** Refuses a variable whose declared shape is unreasonable or over the budget, before HDF5 reads (and allocates) it. */
function checkDeclaredSize(dataset: h5wasm.Dataset, shape: readonly number[], where: string, budget: ValueBudget): void {
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new KerasFileError(at(where, `has a damaged shape [${shape.join(',')}]`));
  const count = shape.reduce((a, b) => a * b, 1);
  const size = dataset.metadata.size;
  if (!(size >= 1 && size <= 8)) throw new KerasFileError(at(where, `has ${size}-byte elements, expected float32`));
  if (count > budget.left) {
    throw new KerasFileError(
      at(where, `declares ${formatCount(count)} values (shape [${shape.join(',')}]), more than the ${formatCount(MAX_STORED_FLOATS)} a weights file may hold`),
    );
  }
  budget.left -= count;
}

function readVars(group: h5wasm.Group, where: string, allowIntegers: boolean, budget: ValueBudget): KerasVar<KerasVarData>[] {
  return varKeys(group, where).map((key) => {
    const varWhere = `${where}, variable ${key}`;
    const dataset = group.get(key);
    if (!(dataset instanceof h5wasm.Dataset)) throw new KerasFileError(at(varWhere, 'is not a dataset'));
    const shape = dataset.shape;
    if (shape === null) throw new KerasFileError(at(varWhere, 'has no shape (null dataspace)'));
    checkDeclaredSize(dataset, shape, varWhere, budget);
    return { shape: [...shape], data: typedData(dataset, varWhere, allowIntegers) };
  });
}

function readLayers(file: h5wasm.File, where: string, budget: ValueBudget): H5LayerGroup[] {
  const layersGroup = asGroup(file.get('layers'));
  if (!layersGroup) throw new KerasFileError(at(where, 'has no "layers" group'));
  const layers: H5LayerGroup[] = [];
  const seen = new Set<string>();
  for (const path of layersGroup.keys()) {
    const vars = asGroup(layersGroup.get(`${path}/vars`));
    if (!vars) throw new KerasFileError(at(where, `group layers/${path} has no "vars" group`));
    const name = nameAttribute(vars) ?? path;
    if (seen.has(name)) throw new KerasFileError(at(where, `two layer groups are named "${name}"`));
    seen.add(name);
    const layerWhere = `${where}, layer "${name}" (layers/${path}/vars)`;
    layers.push({ path, name, vars: readVars(vars, layerWhere, false, budget) as KerasVar[] });
  }
  return layers;
}

function readOptimizer(file: h5wasm.File, where: string, budget: ValueBudget): H5Weights['optimizer'] {
  const vars = asGroup(file.get('optimizer/vars'));
  if (!vars) return undefined;
  const name = nameAttribute(vars) ?? 'optimizer';
  return { name, vars: readVars(vars, `${where}, optimizer "${name}" (optimizer/vars)`, true, budget) };
}

/** HDF5's format signature: the first 8 bytes of a file without a user block. */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function hasHdf5Signature(bytes: Uint8Array): boolean {
  return bytes.length >= HDF5_SIGNATURE.length && HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** An error's message, full; for HDF5's error stacks the outermost entry and the innermost reason. */
function hdf5Reason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // stack entries look like `  #003: /path/H5Fint.c line 2031 in H5F_open(): unable to read superblock`
  const entries = [...message.matchAll(/#\d+: .*? in (\w+\(\)): (.*)/g)].map((m) => `${m[1]}: ${m[2].trim()}`);
  return entries.length === 0 ? message.trim() : entries.length === 1 ? entries[0] : `${entries[0]} ... ${entries[entries.length - 1]}`;
}

function openForReading(path: string, where: string): h5wasm.File {
  let file: h5wasm.File;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw e;
    throw new KerasFileError(at(where, `is not a readable HDF5 file (${hdf5Reason(e)})`));
  }
  if (file.file_id < 0n) throw new KerasFileError(at(where, 'is not a readable HDF5 file (the HDF5 library cannot open it)'));
  return file;
}

/**
 * Reads model.weights.h5. `where` names the file and member in error messages
 * (e.g. `model.keras: model.weights.h5`). Throws KerasFileError.
 */
export async function readWeightsH5(bytes: Uint8Array, where: string): Promise<H5Weights> {
  if (!hasHdf5Signature(bytes)) throw new KerasFileError(at(where, 'is not an HDF5 file (no HDF5 signature at its start)'));
  const module = await h5wasm.ready;
  const path = scratchPath();
  module.FS.writeFile(path, bytes);
  let file: h5wasm.File | undefined;
  // HDF5 errors become exceptions (caught below) instead of error stacks printed to stderr.
  module.activate_throwing_error_handler();
  try {
    file = openForReading(path, where);
    const root = asGroup(file.get('vars'));
    const modelName = (root && nameAttribute(root)) ?? 'sequential';
    const budget: ValueBudget = { left: MAX_STORED_FLOATS };
    return { modelName, layers: readLayers(file, where, budget), optimizer: readOptimizer(file, where, budget) };
  } catch (e) {
    if (e instanceof KerasFileError) throw e;
    if (e instanceof WebAssembly.RuntimeError) throw new H5LibraryCrashError(at(where, `is damaged: the HDF5 library crashed reading it (${hdf5Reason(e)})`));
    throw new KerasFileError(at(where, `is damaged: the HDF5 library failed reading it (${hdf5Reason(e)})`));
  } finally {
    try {
      if (file && file.file_id >= 0n) file.close();
    } catch {
      // a damaged file may fail to close too; what went wrong reading it is what is reported
    }
    module.deactivate_throwing_error_handler();
    removeScratch(module, path);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

function writeVarsGroup(parent: h5wasm.Group, name: string, vars: readonly KerasVar<KerasVarData>[]): void {
  const group = parent.create_group('vars');
  group.create_attribute('name', name);
  vars.forEach((v, i) => {
    const size = v.shape.reduce((a, b) => a * b, 1);
    if (v.data.length !== size) {
      throw new KerasFileError(`variable ${i} of "${name}": shape [${v.shape.join(',')}] needs ${size} values, got ${v.data.length}`);
    }
    group.create_dataset({ name: String(i), data: v.data, shape: v.shape });
  });
}

/** Writes model.weights.h5 with Keras's groups and attributes; returns the file's bytes. */
export async function writeWeightsH5(weights: H5Weights): Promise<Uint8Array> {
  const module = await h5wasm.ready;
  const path = scratchPath();
  try {
    const file = new h5wasm.File(path, 'w', { libver: WRITE_LIBVER });
    try {
      const layersGroup = file.create_group('layers');
      for (const layer of weights.layers) {
        writeVarsGroup(layersGroup.create_group(layer.path), layer.name, layer.vars);
      }
      if (weights.optimizer) writeVarsGroup(file.create_group('optimizer'), weights.optimizer.name, weights.optimizer.vars);
      writeVarsGroup(file, weights.modelName, []);
    } finally {
      file.close();
    }
    return new Uint8Array(module.FS.readFile(path));
  } finally {
    removeScratch(module, path);
  }
}
