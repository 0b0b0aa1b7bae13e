// Command-line options of `npm run train`: parsing and validation (pure: no I/O, no exit).
import { OptionsError, validateOptions } from '../train/options.ts';
import { DEFAULT_TEST_SPLIT, DEFAULT_TRAIN_OPTIONS, type OptimizerKind, type TrainOptions } from '../train/types.ts';
import { DEFAULT_PRESET, PRESET_NAMES } from '../model/presets.ts';
import { DATASET_OPTIONS, datasetUsage, parseDatasetArgs } from './dataset-options.ts';
import { ADAPTER_CHOICES, GPU_FLAG_REPLACED, hasGpuFlag, parseAdapterChoice, type AdapterChoice } from './adapter-choice.ts';
import { CACHE_OWNER } from '../tune/cache.ts';
import { AUTOTUNE_MODES, DEFAULT_AUTOTUNE, parseAutotuneMode, type AutotuneMode } from '../tune/mode.ts';
import { UsageError } from './cli-error.ts';
import { DATASET_SIZES } from '../data/datasets.ts';
import { choiceError, parseCommandLine } from './command-line.ts';

export { UsageError };

/** Learning rate used with SGD when --lr is not given (DEFAULT_TRAIN_OPTIONS' is Adam's). */
export const DEFAULT_SGD_LEARNING_RATE = 0.01;

/** Largest batch the trainer accepts (src/train/options.ts). */
const MAX_BATCH = 4096;

/** MNIST training images. */
const TRAIN_IMAGES = 60_000;

export interface CliOptions {
  train: TrainOptions;
  /** --model: a preset name or a path to a Keras config.json / TF.js model.json (null: --init's topology, else the default preset). */
  model: string | null;
  /** A saved model (.keras, or a model.json or a directory holding one) to start from, instead of fresh weights. */
  init: string | null;
  /** Output directory for model.json, weights.bin and history.json. */
  out: string;
  /** Evaluate only the first N test images (rounded up to a batch of 500); null: all 10,000. */
  testLimit: number | null;
  /** The WebGPU adapter: the GPU where there is one (auto), the GPU or an error, or SwiftShader. */
  adapter: AdapterChoice;
  /** Run in Node with the `webgpu` package (Dawn on Vulkan) instead of headless Chromium. */
  node: boolean;
  /** Continue the stopped run whose checkpoint is in `out` (the options not given come from it). */
  resume: boolean;
  /** The training options given on the command line (the others are defaults; --resume takes them from the checkpoint). */
  given: (keyof TrainOptions)[];
  /** Kernel choice: measured on this adapter (cached), or the fixed rules (src/tune/mode.ts). */
  autotune: AutotuneMode;
}

/** Which training options the command line set (a learning rate implied by --optimizer sgd is not one). */
function givenOptions(v: Record<string, string | boolean | undefined>, own: boolean): (keyof TrainOptions)[] {
  const flags: [keyof TrainOptions, string[]][] = [
    ['dataset', ['dataset']],
    ['ownDataset', ['dataset', 'image-size', 'color-mode', 'test-split']],
    ['epochs', ['epochs']],
    ['batchSize', ['batch-size']],
    ['optimizer', ['optimizer']],
    ['learningRate', ['lr', 'learning-rate']],
    ['momentum', ['momentum']],
    ['dropout', ['dropout']],
    ['seed', ['seed']],
    ['limit', ['limit']],
    ['validationSplit', ['validation-split']],
    ['shuffle', ['shuffle', 'no-shuffle']],
  ];
  return flags.filter(([, names]) => names.some((n) => v[n] !== undefined)).map(([key]) => key).filter((key) => key !== 'ownDataset' || own);
}

export type ParsedCommand = { kind: 'help' } | { kind: 'train'; options: CliOptions };

const d = DEFAULT_TRAIN_OPTIONS;

export const USAGE = `Usage: npm run train -- [options]

Trains a Keras Sequential CNN (default: the MNIST CNN) with WebGPU in headless Chromium
and writes the model (TensorFlow.js layers format), its weights and the training history.

Options:
${datasetUsage(`default ${d.dataset} (Fashion-MNIST's split: README)`)}
  --model NAME|PATH       a preset (${PRESET_NAMES.join(', ')}; default ${DEFAULT_PRESET}) or a Keras
                          Sequential config: a .keras file's config.json or a TF.js model.json
  --epochs N              passes over the training data (default ${d.epochs})
  --batch-size N          images per step (default ${d.batchSize})
  --optimizer adam|sgd    optimizer (default ${d.optimizer})
  --lr X                  learning rate (default ${d.learningRate} for adam, ${DEFAULT_SGD_LEARNING_RATE} for sgd)
  --momentum X            SGD momentum in [0, 1) (default ${d.momentum})
  --dropout R[,R...]      dropout rates in [0, 1): one value for every Dropout layer, or one
                          per Dropout layer in order (default: the model's own rates)
  --seed N                seed of initialisation, shuffling and dropout (default ${d.seed})
  --limit N               use only the first N training images (default: all; MNIST has ${TRAIN_IMAGES.toLocaleString('en-US')})
  --validation-split F    fraction held out from the end of the training images for
                          validation, in [0, 1) (default ${d.validationSplit})
  --no-shuffle            keep the training order (default: reshuffle every epoch)
  --init PATH             start from the weights of a saved model: a .keras file or a
                          TensorFlow.js model.json (or a directory holding one); its model
                          is the run's, or --model's if given (the same network, e.g. with
                          layers frozen by trainable: false); not with --resume
  --out DIR               output directory (default out/); every finished epoch is kept
                          there (model.json, weights.bin, history.json, checkpoint.bin)
  --resume                continue the stopped run checkpointed in --out with its options
                          (those given must be the same; --epochs may be raised)
  --test-limit N          evaluate only the first N test images, rounded up to a batch of 500
                          (default: all; MNIST has 10,000)
  --adapter auto|gpu|swiftshader
                          WebGPU adapter: the machine's GPU where there is one, else
                          SwiftShader with a notice (auto, the default); the GPU or an error
                          (gpu); SwiftShader, software WebGPU (swiftshader)
  --autotune auto|on|off|refresh
                          kernel choice: measured on this adapter and cached (on), the
                          fixed rules (off), measured again and the cache overwritten
                          (refresh); auto, the default: on for a GPU, off on SwiftShader.
                          The cache: $XDG_CACHE_HOME/${CACHE_OWNER}/autotune.json,
                          else ~/.cache/${CACHE_OWNER}/autotune.json
  --node                  run in Node through the webgpu package (Dawn + Vulkan) instead of
                          headless Chromium
  -h, --help              show this help

Environment: CHROMIUM_PATH names the browser binary; WEBGPU_BROWSER=bundled uses the
Chromium of the npm package @sparticuz/chromium even where a system browser exists;
WEBGPU_VULKAN=bundled gives --node only that package's Vulkan loader and SwiftShader.`;

function fail(message: string): never {
  throw new UsageError(message);
}

function positiveInt(name: string, raw: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\+?\d+$/.test(raw.trim())) fail(`--${name}: expected a positive integer, got "${raw}"`);
  const n = Number(raw);
  if (n < 1) fail(`--${name}: expected a positive integer, got "${raw}"`);
  if (n > max) fail(`--${name}: must be at most ${max.toLocaleString('en-US')}, got ${raw}`);
  return n;
}

function number(name: string, raw: string): number {
  const s = raw.trim();
  const n = s === '' ? NaN : Number(s);
  if (!Number.isFinite(n)) fail(`--${name}: expected a number, got "${raw}"`);
  return n;
}

function rate(name: string, raw: string): number {
  const n = number(name, raw);
  if (n < 0 || n >= 1) fail(`--${name}: expected a value in [0, 1), got ${raw}`);
  return n;
}

/**
 * Parses `argv` (without node and the script). Returns the command or throws UsageError with
 * a message naming the option and the bad value.
 */
export function parseTrainArgs(argv: readonly string[]): ParsedCommand {
  if (hasGpuFlag(argv)) fail(GPU_FLAG_REPLACED);
  const parsed = parseCommandLine({
    args: [...argv],
    allowPositionals: false,
    options: {
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      'learning-rate': { type: 'string' },
      momentum: { type: 'string' },
      model: { type: 'string' },
      ...DATASET_OPTIONS,
      dropout: { type: 'string' },
      seed: { type: 'string' },
      limit: { type: 'string' },
      'validation-split': { type: 'string' },
      'test-limit': { type: 'string' },
      'no-shuffle': { type: 'boolean' },
      shuffle: { type: 'boolean' },
      init: { type: 'string' },
      out: { type: 'string' },
      adapter: { type: 'string' },
      node: { type: 'boolean' },
      autotune: { type: 'string' },
      resume: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const v = parsed.values;
  if (v.help) return { kind: 'help' };

  const train: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS };
  const data = parseDatasetArgs(v);
  if (data.builtin) train.dataset = data.builtin;
  if (data.path) train.ownDataset = { path: data.path, imageSize: data.imageSize, colorMode: data.colorMode, testSplit: data.testSplit ?? DEFAULT_TEST_SPLIT };
  // The user's own dataset's size is known once it is read (dataset-source.ts checks --limit there).
  const maxImages = train.ownDataset ? Number.MAX_SAFE_INTEGER : TRAIN_IMAGES;
  if (v.epochs !== undefined) train.epochs = positiveInt('epochs', v.epochs);
  if (v['batch-size'] !== undefined) train.batchSize = positiveInt('batch-size', v['batch-size'], MAX_BATCH);
  if (v.optimizer !== undefined) {
    const o = v.optimizer.trim().toLowerCase();
    if (o !== 'adam' && o !== 'sgd') throw choiceError('--optimizer', v.optimizer, ['adam', 'sgd']);
    train.optimizer = o as OptimizerKind;
  }
  if (v.lr !== undefined && v['learning-rate'] !== undefined) fail('--lr and --learning-rate are the same option: give one');
  const lr = v.lr ?? v['learning-rate'];
  const lrName = v.lr !== undefined ? 'lr' : 'learning-rate';
  if (lr !== undefined) {
    train.learningRate = number(lrName, lr);
    if (!(train.learningRate > 0)) fail(`--${lrName}: expected a positive number, got ${lr}`);
  } else if (train.optimizer === 'sgd') {
    train.learningRate = DEFAULT_SGD_LEARNING_RATE;
  }
  if (v.momentum !== undefined) train.momentum = rate('momentum', v.momentum);
  if (v.dropout !== undefined) {
    // Whether the count matches the model's Dropout layers is checked once the model is known.
    train.dropout = v.dropout.split(',').map((p) => rate('dropout', p));
  }
  if (v.seed !== undefined) {
    if (!/^\d+$/.test(v.seed.trim()) || Number(v.seed) > 0xffffffff) {
      fail(`--seed: expected an integer from 0 to 4294967295, got "${v.seed}"`);
    }
    train.seed = Number(v.seed);
  }
  if (v.limit !== undefined) train.limit = positiveInt('limit', v.limit, maxImages);
  if (v['validation-split'] !== undefined) train.validationSplit = rate('validation-split', v['validation-split']);
  if (v['no-shuffle'] && v.shuffle) fail('--shuffle and --no-shuffle contradict each other');
  if (v['no-shuffle']) train.shuffle = false;

  // Enough images left to train on after the validation split?
  const images = train.limit ?? (train.ownDataset ? Number.MAX_SAFE_INTEGER : TRAIN_IMAGES);
  // Keras: the first floor(n * (1 - split)) images train, the rest validate.
  if (Math.floor(images * (1 - train.validationSplit)) < 1) {
    fail(`--validation-split ${train.validationSplit} leaves no training images out of ${images}`);
  }

  if (v.init !== undefined && v.init.trim() === '') fail('--init: expected a path to a model.json');
  if (v.out !== undefined && v.out.trim() === '') fail('--out: expected a directory');
  if (v.model !== undefined && v.model.trim() === '') fail('--model: expected a preset name or a path to a model config');
  const adapter = v.adapter === undefined ? 'auto' : parseAdapterChoice(v.adapter);
  if (adapter === null) throw choiceError('--adapter', v.adapter!, ADAPTER_CHOICES);
  const autotune = v.autotune === undefined ? DEFAULT_AUTOTUNE : parseAutotuneMode(v.autotune);
  if (autotune === null) throw choiceError('--autotune', v.autotune!, AUTOTUNE_MODES);
  if (v.resume && v.init !== undefined) fail('--resume continues from the checkpoint in --out: --init cannot be given with it');

  // The trainer's own checks, as a last gate (its messages use the TrainOptions names).
  try {
    validateOptions(train);
  } catch (e) {
    if (e instanceof OptionsError) fail(e.message);
    throw e;
  }

  return {
    kind: 'train',
    options: { train, model: v.model ?? null, init: v.init ?? null, out: v.out ?? 'out', adapter, node: v.node ?? false, resume: v.resume ?? false, autotune, given: givenOptions(v, Boolean(train.ownDataset)),
      testLimit: v['test-limit'] === undefined ? null : positiveInt('test-limit', v['test-limit'], train.ownDataset ? Number.MAX_SAFE_INTEGER : DATASET_SIZES[train.dataset].test) },
  };
}
