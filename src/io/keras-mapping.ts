/**
 * Between a `.keras` file's variables and this project's flat buffers (parameters and Adam's
 * two moments share the parameter table's layout, see src/model/param-table.ts).
 *
 * - Weights: layer `L`'s variable i is the i-th entry of the table named `L/...` (the table
 *   lists each layer's weights in Keras's order: kernel, bias; gamma, beta, moving_mean,
 *   moving_variance).
 * - Adam (Keras 3, optimizer/vars): 0 = iterations (int), 1 = learning_rate (float32), then
 *   for each trainable variable in model order its momentum m and its velocity v, interleaved:
 *   2 = m0, 3 = v0, 4 = m1, 5 = v1, ...
 */
import type { ModelInfo } from '../model/model-info.ts';
import { problemList } from './file-format-error.ts';
import { KerasFileError, sequentialLayers, type KerasFile, type KerasOptimizerState, type KerasVar } from './keras-file.ts';

/** One tensor of a parameter table (src/model/param-table.ts's ParamSpec, plus an optional trainable flag). */
export interface ParamEntry {
  /** `layer/weight`, e.g. `conv2d/kernel`. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Offset in floats into the flat buffer. */
  readonly offset: number;
  readonly size: number;
  /** False for non-trainable weights (BatchNormalization's moving statistics); default true. */
  readonly trainable?: boolean;
}

/** A parameter table and the length of its flat buffers. */
export interface ParamLayout {
  readonly table: readonly ParamEntry[];
  readonly length: number;
}

/** A model's parameter table as a layout. */
export function layoutOf(model: ModelInfo): ParamLayout {
  return { table: model.params.entries, length: model.params.length };
}

/** Adam's state in the flat layout. */
export interface AdamState {
  /** Updates applied so far (Keras's `iterations`). */
  step: number;
  learningRate: number;
  /** (length) f32: first moment, parameter layout, padding zero. */
  m: Float32Array;
  /** (length) f32: second moment, parameter layout, padding zero. */
  v: Float32Array;
}

function layerOf(paramName: string): string {
  return paramName.slice(0, paramName.lastIndexOf('/'));
}

/** The table's entries of one layer, in the table's (= Keras's weight) order. */
function layerEntries(layerName: string, table: readonly ParamEntry[]): ParamEntry[] {
  return table.filter((p) => layerOf(p.name) === layerName);
}

/** Layer name + variable index -> the table entry it fills (undefined: the model has none). */
export function paramFor(layerName: string, varIndex: number, table: readonly ParamEntry[]): ParamEntry | undefined {
  return layerEntries(layerName, table)[varIndex];
}

const shapeText = (shape: readonly number[]) => `[${shape.join(',')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function fail(fileName: string, problems: string[]): never {
  throw new KerasFileError(problems.length === 1 ? `${fileName}: ${problems[0]}` : `${fileName}: ${problems.length} problems: ${problemList(problems)}`);
}

/**
 * The file's layer variables as one flat parameter buffer (padding zero). Every table entry
 * must be filled exactly once with the right shape, and every variable must have an entry;
 * otherwise one KerasFileError lists every problem, naming the layer and the variable.
 */
export function paramsFromKeras(file: KerasFile, fileName: string, layout: ParamLayout): Float32Array {
  const flat = new Float32Array(layout.length); // (length) f32
  const addressed = new Set<string>(); // entries some variable of the file maps to
  const problems: string[] = [];
  for (const [layer, vars] of file.layers) {
    vars.forEach((v, i) => {
      const entry = paramFor(layer, i, layout.table);
      if (!entry) {
        problems.push(`layer "${layer}" variable ${i} ${shapeText(v.shape)}: the model has no such weight`);
        return;
      }
      addressed.add(entry.name);
      if (!sameShape(v.shape, entry.shape)) {
        problems.push(`layer "${layer}" variable ${i} (${entry.name}): shape ${shapeText(v.shape)}, expected ${shapeText(entry.shape)}`);
      } else {
        flat.set(v.data, entry.offset);
      }
    });
  }
  for (const entry of layout.table) {
    if (addressed.has(entry.name)) continue;
    const layer = layerOf(entry.name);
    const index = layerEntries(layer, layout.table).indexOf(entry);
    const where = file.layers.has(layer) ? '' : ` (the file has no layer "${layer}")`;
    problems.push(`layer "${layer}" variable ${index} (${entry.name} ${shapeText(entry.shape)}) is missing${where}`);
  }
  if (problems.length > 0) fail(fileName, problems);
  return flat;
}

function trainableEntries(table: readonly ParamEntry[]): ParamEntry[] {
  return table.filter((p) => p.trainable !== false);
}

function scalarOf(state: KerasOptimizerState, index: number, fileName: string, what: string): number {
  const v = state.vars[index];
  if (v.data.length !== 1 || v.shape.length !== 0) {
    fail(fileName, [`optimizer "${state.name}" variable ${index} (${what}): shape ${shapeText(v.shape)}, expected a scalar`]);
  }
  return Number(v.data[0]);
}

/** The parts of a compiled model's config.json read here. */
type CompiledConfig = { compile_config?: { optimizer?: { class_name?: unknown; config?: { name?: unknown; learning_rate?: unknown } } } } | null;

function optimizerClass(config: unknown): string | undefined {
  const name = (config as CompiledConfig)?.compile_config?.optimizer?.class_name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Adam's state from the file's optimizer variables, in the flat layout; undefined when the
 * file has no optimizer state. Throws KerasFileError for another optimizer, a wrong variable
 * count (e.g. AMSGrad's extra slots) or a mis-shaped variable.
 */
export function adamFromKeras(file: KerasFile, fileName: string, layout: ParamLayout): AdamState | undefined {
  const state = file.optimizer;
  if (!state) return undefined;
  const className = optimizerClass(file.config);
  if (className !== undefined && className !== 'Adam') {
    fail(fileName, [`optimizer "${state.name}" is ${className}; only Adam's state can be loaded`]);
  }
  const trainable = trainableEntries(layout.table);
  const expected = 2 + 2 * trainable.length;
  if (state.vars.length !== expected) {
    fail(fileName, [
      `optimizer "${state.name}" has ${state.vars.length} variables, expected ${expected} (iterations, learning_rate, then m and v for each of ${trainable.length} trainable weights)`,
    ]);
  }
  const adam: AdamState = {
    step: scalarOf(state, 0, fileName, 'iterations'),
    learningRate: scalarOf(state, 1, fileName, 'learning_rate'),
    m: new Float32Array(layout.length), // (length) f32
    v: new Float32Array(layout.length), // (length) f32
  };
  const problems: string[] = [];
  trainable.forEach((entry, k) => {
    for (const [slot, target] of [['m', adam.m], ['v', adam.v]] as const) {
      const index = 2 + 2 * k + (slot === 'm' ? 0 : 1);
      const v = state.vars[index];
      if (!(v.data instanceof Float32Array)) {
        problems.push(`optimizer "${state.name}" variable ${index} (${slot} of ${entry.name}): not float32`);
      } else if (!sameShape(v.shape, entry.shape)) {
        problems.push(`optimizer "${state.name}" variable ${index} (${slot} of ${entry.name}): shape ${shapeText(v.shape)}, expected ${shapeText(entry.shape)}`);
      } else {
        target.set(v.data, entry.offset);
      }
    }
  });
  if (problems.length > 0) fail(fileName, problems);
  return adam;
}

function tensor(flat: Float32Array, entry: ParamEntry): KerasVar {
  return { shape: [...entry.shape], data: flat.slice(entry.offset, entry.offset + entry.size) };
}

function checkLength(what: string, flat: Float32Array, length: number): void {
  if (flat.length !== length) throw new RangeError(`kerasFileFrom: ${what} has ${flat.length} floats, expected ${length}`);
}

function optimizerName(config: unknown): string {
  const name = (config as CompiledConfig)?.compile_config?.optimizer?.config?.name;
  return typeof name === 'string' ? name : 'adam';
}

/**
 * The state of an Adam that has not stepped yet (what Keras builds on load), when the config is
 * compiled with Adam: written when no state is given, so that load_model restores it silently
 * instead of warning that the saved optimizer has no variables.
 */
function freshAdam(config: unknown, layout: ParamLayout): AdamState | undefined {
  const optimizer = (config as CompiledConfig)?.compile_config?.optimizer;
  const lr = optimizer?.config?.learning_rate;
  if (optimizer?.class_name !== 'Adam' || typeof lr !== 'number') return undefined;
  return { step: 0, learningRate: lr, m: new Float32Array(layout.length), v: new Float32Array(layout.length) };
}

/** Adam's variables in Keras's order (step count as int32, as Keras on JAX stores it). */
function adamVars(adam: AdamState, layout: ParamLayout): KerasVar<Float32Array | Int32Array>[] {
  checkLength('m', adam.m, layout.length);
  checkLength('v', adam.v, layout.length);
  const vars: KerasVar<Float32Array | Int32Array>[] = [
    { shape: [], data: Int32Array.of(adam.step) },
    { shape: [], data: Float32Array.of(adam.learningRate) },
  ];
  for (const entry of trainableEntries(layout.table)) vars.push(tensor(adam.m, entry), tensor(adam.v, entry));
  return vars;
}

export interface KerasExport {
  /** (length) f32: the flat parameter buffer. */
  params: Float32Array;
  /** The Keras config (a Sequential) whose layers the table's layer names belong to. */
  config: unknown;
  metadata: KerasFile['metadata'];
  /** Adam's state; default: a fresh Adam's (step 0, zero moments) when the config is compiled with Adam. */
  adam?: AdamState;
  layout: ParamLayout;
}

/** A KerasFile (for writeKerasFile) from the flat buffers: every config layer, its weights copied out of `params`. */
export function kerasFileFrom(source: KerasExport): KerasFile {
  const layout = source.layout;
  checkLength('params', source.params, layout.length);
  const configLayers = sequentialLayers(source.config, 'kerasFileFrom: config');
  const known = new Set(configLayers.map((l) => l.name));
  const orphan = layout.table.find((p) => !known.has(layerOf(p.name)));
  if (orphan) throw new KerasFileError(`kerasFileFrom: parameter "${orphan.name}" belongs to no layer of the config`);
  const layers = new Map<string, KerasVar[]>();
  for (const { name } of configLayers) layers.set(name, layerEntries(name, layout.table).map((e) => tensor(source.params, e)));
  const file: KerasFile = { metadata: source.metadata, config: source.config, layers };
  const adam = source.adam ?? freshAdam(source.config, layout);
  if (adam) file.optimizer = { name: optimizerName(source.config), vars: adamVars(adam, layout) };
  return file;
}
