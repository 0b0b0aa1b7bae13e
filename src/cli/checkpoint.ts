// Node-only: the per-epoch checkpoint of `npm run train` in --out. After every finished epoch:
//   weights.bin + model.json  the parameters (TensorFlow.js layers format, loadable with --init)
//   history.json              the epochs so far
//   checkpoint.bin            what --resume needs: options, history, optimizer step, shuffle
//                             RNG state, parameters and optimizer moments (and the --init
//                             file the run started from, for history.json)
// each written atomically and durably (temp file + fsync + rename + fsync of the folder);
// checkpoint.bin last, so it never describes an epoch whose files are missing.
// checkpoint.bin layout (little-endian):
//   "MNISTCKP" | u32 version | u32 header bytes H | header JSON (UTF-8, padded with spaces to
//   a multiple of 4) | params (P) f32 | moment1 (P) f32 | moment2 (P) f32, Adam only
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { saveModelFiles } from '../io/files.ts';
import { modelOf, validateOptions } from '../train/options.ts';
import { FileFormatError } from '../io/file-format-error.ts';
import { parseJsonContent } from '../io/json-content.ts';
import { formatCount, MAX_CHECKPOINT_BYTES, parameterCountProblem } from '../io/load-limits.ts';
import { parseModelConfig, toKerasConfig, type ModelSpec } from '../model/model-spec.ts';
import { firstNonFiniteValue, type TrainerState } from '../train/trainer-state.ts';
import type { EpochRecord, History, TrainOptions } from '../train/types.ts';
import type { DatasetDescription } from '../data/image-dataset.ts';

export const CHECKPOINT_FILE = 'checkpoint.bin';
export const HISTORY_FILE = 'history.json';
/**
 * Tests only: milliseconds each checkpoint write waits with checkpoint.bin's new bytes flushed
 * to its temporary file but not yet renamed into place (a window a stop signal can be sent in).
 */
export const CHECKPOINT_PAUSE_ENV = 'MNIST_TEST_CHECKPOINT_PAUSE_MS';
const MAGIC = 'MNISTCKP';
const VERSION = 1;
const PREFIX_BYTES = MAGIC.length + 8;

export class CheckpointError extends FileFormatError {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

export interface Checkpoint {
  options: TrainOptions;
  /** The saved model the run started from (--init), recorded in history.json. */
  init?: string;
  /** One record per finished epoch (history.length === state.epoch). */
  history: EpochRecord[];
  state: TrainerState;
}

interface Header {
  options: TrainOptions;
  init?: string;
  history: EpochRecord[];
  epoch: number;
  step: number;
  shuffleRng: number;
  floats: number;
  hasMoment2: boolean;
}

/** NaN (no validation split) is stored as null in JSON. */
function recordFromJson(r: Record<string, number | null>): EpochRecord {
  const n = (v: number | null | undefined) => (typeof v === 'number' ? v : Number.NaN);
  return { loss: n(r.loss), accuracy: n(r.accuracy), val_loss: n(r.val_loss), val_accuracy: n(r.val_accuracy), seconds: n(r.seconds) };
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const { state } = c;
  const header: Header = {
    options: c.options,
    ...(c.init !== undefined ? { init: c.init } : {}),
    history: c.history,
    epoch: state.epoch,
    step: state.step,
    shuffleRng: state.shuffleRng,
    floats: state.params.length,
    hasMoment2: state.moment2 !== null,
  };
  let json = JSON.stringify(header);
  json += ' '.repeat((4 - (Buffer.byteLength(json) % 4)) % 4);
  const headerBytes = Buffer.from(json, 'utf8');
  const arrays = [state.params, state.moment1, ...(state.moment2 ? [state.moment2] : [])];
  const out = new Uint8Array(PREFIX_BYTES + headerBytes.length + arrays.length * state.params.length * 4);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(MAGIC, 'ascii'), 0);
  view.setUint32(MAGIC.length, VERSION, true);
  view.setUint32(MAGIC.length + 4, headerBytes.length, true);
  out.set(headerBytes, PREFIX_BYTES);
  let offset = PREFIX_BYTES + headerBytes.length;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The header's fields checked for their types (a damaged or edited header is refused, not trusted). */
function checkedHeader(raw: unknown, fail: (problem: string) => never): Header {
  if (!isObject(raw)) return fail('bad header: not a JSON object');
  const { epoch, step, shuffleRng, floats, hasMoment2, history, options, init } = raw;
  if (!isCount(epoch)) fail(`bad header: epoch ${JSON.stringify(epoch)} is not a count`);
  if (!isCount(step)) fail(`bad header: step ${JSON.stringify(step)} is not a count`);
  if (!isCount(shuffleRng) || shuffleRng > 0xffffffff) fail(`bad header: shuffleRng ${JSON.stringify(shuffleRng)} is not a 32-bit state`);
  if (!isCount(floats)) fail(`bad header: floats ${JSON.stringify(floats)} is not a count`);
  if (typeof hasMoment2 !== 'boolean') fail('bad header: hasMoment2 is not true or false');
  if (init !== undefined && typeof init !== 'string') fail('bad header: init is not a path');
  if (!Array.isArray(history) || history.length !== epoch) fail('history does not match the epoch');
  const fields = ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds'];
  (history as unknown[]).forEach((r, i) => {
    if (!isObject(r) || fields.some((f) => r[f] !== null && r[f] !== undefined && typeof r[f] !== 'number')) fail(`bad header: history record ${i} is not an epoch record`);
  });
  if (!isObject(options)) fail('bad header: no options');
  return raw as unknown as Header;
}

/**
 * The header's options, checked as the command line's are, with the model read again through
 * the Keras config parser (so its layers' options are checked too).
 */
function checkedOptions(options: TrainOptions, fail: (problem: string) => never): TrainOptions {
  try {
    const checked = { ...options, model: parseModelConfig(toKerasConfig(options.model)) };
    validateOptions(checked);
    return checked;
  } catch (e) {
    return fail(`bad header: options: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * checkpoint.bin's content (see the file comment). Every length and count it declares is checked
 * against the file's real size and the caps of load-limits.ts before anything is allocated;
 * throws CheckpointError (one line, naming `source`).
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const fail = (problem: string): never => {
    throw new CheckpointError(source, problem);
  };
  if (bytes.length < PREFIX_BYTES || Buffer.from(bytes.subarray(0, MAGIC.length)).toString('ascii') !== MAGIC) {
    fail('not a checkpoint of this trainer');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version !== VERSION) fail(`checkpoint version ${version}, this trainer reads version ${VERSION}`);
  const headerLength = view.getUint32(MAGIC.length + 4, true);
  if (PREFIX_BYTES + headerLength > bytes.length) fail('truncated header');
  let raw: unknown;
  try {
    raw = parseJsonContent(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength));
  } catch (e) {
    return fail(`bad header: ${e instanceof Error ? e.message : String(e)}`);
  }
  const header = checkedHeader(raw, fail);
  const options = checkedOptions(header.options, fail);
  let length = 0;
  try {
    length = modelOf(options).params.length;
  } catch (e) {
    fail(`bad header: options: ${e instanceof Error ? e.message : String(e)}`);
  }
  const tooLarge = parameterCountProblem(length);
  if (tooLarge) fail(`bad header: ${tooLarge}`);
  if (header.floats !== length) fail(`holds ${header.floats} parameters, its model has ${length}`);
  const arrays = header.hasMoment2 ? 3 : 2;
  const start = PREFIX_BYTES + headerLength;
  if (bytes.length !== start + arrays * header.floats * 4) fail(`${bytes.length} bytes, expected ${start + arrays * header.floats * 4}`);
  // Copy out: the file's bytes need not be 4-byte aligned.
  const floats = (i: number) => new Float32Array(bytes.slice(start + i * header.floats * 4, start + (i + 1) * header.floats * 4).buffer);
  const state: TrainerState = {
    epoch: header.epoch,
    step: header.step,
    shuffleRng: header.shuffleRng,
    params: floats(0),
    moment1: floats(1),
    moment2: header.hasMoment2 ? floats(2) : null,
  };
  const bad = firstNonFiniteValue(state);
  if (bad) fail(`damaged: ${bad}`);
  const history = header.history.map((r) => recordFromJson(r as unknown as Record<string, number | null>));
  return { options, ...(header.init !== undefined ? { init: header.init } : {}), history, state };
}

export function historyJson(history: History): string {
  // NaN (no validation split) is written as null.
  return JSON.stringify(history, null, 2) + '\n';
}

/**
 * Writes the epoch's checkpoint into `dir` (see the file comment). Refuses non-finite values:
 * the previous checkpoint is then kept as it is.
 */
export async function writeCheckpoint(dir: string, c: Checkpoint, dataset?: DatasetDescription): Promise<void> {
  const bad = firstNonFiniteValue(c.state);
  if (bad) throw new CheckpointError(dir, `epoch ${c.state.epoch} not saved: ${bad}`);
  await saveModelFiles(dir, modelOf(c.options), c.state.params, dataset ? { dataset } : {});
  await writeFileAtomic(join(dir, HISTORY_FILE), historyJson({ ...(c.init !== undefined ? { init: c.init } : {}), ...(dataset ? { dataset } : {}), epochs: c.history }));
  const pauseMs = Number(process.env[CHECKPOINT_PAUSE_ENV] ?? 0);
  const beforeRename = pauseMs > 0 ? () => new Promise<void>((done) => setTimeout(done, pauseMs)) : undefined;
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), encodeCheckpoint(c), { beforeRename });
}

/** The checkpoint in `dir`, or null when there is none. */
export async function readCheckpoint(dir: string): Promise<Checkpoint | null> {
  const path = join(dir, CHECKPOINT_FILE);
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CheckpointError(path, 'not a regular file');
    if (info.size > MAX_CHECKPOINT_BYTES) throw new CheckpointError(path, `${formatCount(info.size)} bytes, more than the ${formatCount(MAX_CHECKPOINT_BYTES)} a checkpoint may have`);
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CheckpointError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  return decodeCheckpoint(bytes, path);
}

/** Removes a previous run's checkpoint (a fresh run must not be resumable as the old one). */
export async function removeCheckpoint(dir: string): Promise<void> {
  await rm(join(dir, CHECKPOINT_FILE), { force: true });
}

/**
 * The options a --resume runs with: the checkpoint's, with those given on the command line
 * (`given`, taken from `cli`) in their place; resumeMismatch then checks them.
 */
export function resumeOptions(saved: TrainOptions, cli: TrainOptions, given: readonly (keyof TrainOptions)[]): TrainOptions {
  const wanted: Record<string, unknown> = { ...saved };
  for (const key of given) wanted[key] = cli[key];
  // A built-in --dataset stands in place of the user's own dataset too.
  if (given.includes('dataset') && !given.includes('ownDataset')) wanted.ownDataset = cli.ownDataset ?? null;
  return wanted as unknown as TrainOptions;
}

/**
 * Why `wanted` cannot resume a checkpoint saved with `saved` (null when it can): every
 * training option must be the same except the number of epochs, which may not be fewer than
 * the checkpoint's (as many: the run only evaluates and writes its final files, which a stop
 * after the last epoch left unwritten).
 */
export function resumeMismatch(saved: TrainOptions, wanted: TrainOptions, epochsDone: number): string | null {
  const differences: string[] = [];
  // An option absent on one side (ownDataset, in checkpoints older than it) counts as null.
  const keys = new Set([...Object.keys(saved), ...Object.keys(wanted)] as (keyof TrainOptions)[]);
  for (const key of keys) {
    if (key === 'epochs') continue;
    const [was, is] = [JSON.stringify(saved[key] ?? null), JSON.stringify(wanted[key] ?? null)];
    if (was === is) continue;
    if (key === 'model') differences.push(modelDifference(wanted.model, saved.model));
    else if (key === 'ownDataset' || key === 'dataset') {
      const d = datasetDifference(wanted, saved);
      if (!differences.includes(d)) differences.push(d);
    }
    else differences.push(`${key} ${is} (the checkpoint's: ${was})`);
  }
  if (differences.length) return `give the same options as the stopped run: ${differences.join(', ')}`;
  if (wanted.epochs < epochsDone) return `the checkpoint already has ${epochsDone} epochs, more than --epochs ${wanted.epochs}`;
  return null;
}

/**
 * Keeps the run's checkpoints in --out: saves each finished epoch (one write at a time) and
 * knows the last epoch saved, for the stop message and for resuming after a lost device.
 */
export class CheckpointKeeper {
  private writing: Promise<void> = Promise.resolve();
  private latestSaved: Checkpoint | null;

  /** The saved model the run started from (--init; a resumed run's comes from its checkpoint). */
  readonly init: string | undefined;

  constructor(
    readonly dir: string,
    private readonly options: TrainOptions,
    resumed: Checkpoint | null,
    init?: string,
    /** The run's dataset, recorded in history.json and model.json. */
    private readonly dataset?: DatasetDescription,
  ) {
    this.latestSaved = resumed;
    this.init = resumed ? resumed.init : init;
  }

  /** The last checkpoint written (or resumed from); null before the first epoch. */
  get latest(): Checkpoint | null {
    return this.latestSaved;
  }

  get epochsSaved(): number {
    return this.latestSaved?.state.epoch ?? 0;
  }

  /** Saves the state after a finished epoch; rejects (keeping the previous one) on failure. */
  save(state: TrainerState, record: EpochRecord): Promise<void> {
    const history = [...(this.latestSaved?.history ?? []), record].slice(0, state.epoch);
    if (history.length !== state.epoch) {
      return Promise.reject(new CheckpointError(this.dir, `epoch ${state.epoch} does not follow the saved epoch ${this.epochsSaved}`));
    }
    const checkpoint: Checkpoint = { options: this.options, ...(this.init !== undefined ? { init: this.init } : {}), history, state };
    const write = this.writing.then(async () => {
      await writeCheckpoint(this.dir, checkpoint, this.dataset);
      this.latestSaved = checkpoint;
    });
    this.writing = write.catch(() => {});
    return write;
  }

  /** Resolves once no checkpoint is being written. */
  settle(): Promise<void> {
    return this.writing;
  }
}

/** Two runs' datasets: a built-in's name or the own dataset's options. */
function datasetDifference(wanted: TrainOptions, saved: TrainOptions): string {
  const text = (o: TrainOptions) => (o.ownDataset ? JSON.stringify(o.ownDataset) : o.dataset);
  return `dataset ${text(wanted)} (the checkpoint's: ${text(saved)})`;
}

/** Two models by their layers' names (a whole spec is too long for a message). */
function modelDifference(wanted: ModelSpec, saved: ModelSpec): string {
  const layers = (m: ModelSpec) => `${m.name} (${m.inputShape.join('x')}: ${m.layers.map((l) => l.name).join(', ')})`;
  const [a, b] = [layers(wanted), layers(saved)];
  return `model ${a}${a === b ? ' with other layer options' : ''} (the checkpoint's: ${b})`;
}
