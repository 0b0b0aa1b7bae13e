// Command-line options of `npm run evaluate -- PATH`: parsing and validation (pure: no I/O, no
// exit); every problem is a UsageError (exit code 2).
import { ADAPTER_CHOICES, parseAdapterChoice, type AdapterChoice } from './adapter-choice.ts';
import { UsageError } from './cli-error.ts';
import { DATASET_SIZES } from '../data/datasets.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../train/types.ts';
import { choiceError, parseCommandLine } from './command-line.ts';
import { DATASET_OPTIONS, datasetUsage, parseDatasetArgs, type DatasetArgs } from './dataset-options.ts';

export const EVALUATE_USAGE = `Usage: npm run evaluate -- PATH [options]

Prints the test loss and accuracy of a saved model (a Keras 3 .keras file, or a TensorFlow.js
model.json or the folder holding one) on the test images of its dataset.

Options:
${datasetUsage('default: the one the model records, else mnist')}
  --allow-dataset-mismatch
                          evaluate on a --dataset whose classes, image shape or input
                          scaling differ from those the model was trained on
  --json                  print one JSON object instead of text
                          (with npm: npm run --silent evaluate -- PATH --json > FILE)
  --json-out FILE         also write that JSON object to FILE (whatever npm prints)
  --test-limit N          evaluate only the first N test images, rounded up to a batch of 500
  --adapter auto|gpu|swiftshader   which WebGPU adapter (default auto)
  --node                  run in Node through the webgpu package (Dawn + Vulkan)
  -h, --help              show this help`;

export interface EvaluateOptions {
  path: string;
  dataset: DatasetArgs;
  /** Evaluate even on a dataset other than the one the model records. */
  allowDatasetMismatch: boolean;
  json: boolean;
  /** --json-out: the file the JSON object is written to. */
  jsonOut: string | null;
  testLimit: number | null;
  adapter: AdapterChoice;
  node: boolean;
}

/** Parses `argv` (without node and the script): the options, 'help', or a UsageError naming the option. */
export function parseEvaluateArgs(argv: string[]): EvaluateOptions | 'help' {
  const parsed = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      'json-out': { type: 'string' },
      'test-limit': { type: 'string' },
      adapter: { type: 'string' },
      node: { type: 'boolean' },
      ...DATASET_OPTIONS,
      'allow-dataset-mismatch': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const v = parsed.values;
  if (v.help) return 'help';
  if (parsed.positionals.length === 0) throw new UsageError('expected the path of a model (a .keras file, a model.json or its folder)');
  if (parsed.positionals.length > 1) throw new UsageError(`expected one model path, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  const adapter = v.adapter === undefined ? 'auto' : parseAdapterChoice(v.adapter);
  if (adapter === null) throw choiceError('--adapter', v.adapter!, ADAPTER_CHOICES);
  const dataset = parseDatasetArgs(v);
  let testLimit: number | null = null;
  if (v['test-limit'] !== undefined) {
    testLimit = Number(v['test-limit']);
    // A built-in dataset's test images (the default's without --dataset); the user's own may have more.
    const builtinTest = v.dataset !== undefined && dataset.path !== null ? null : DATASET_SIZES[dataset.builtin ?? DEFAULT_TRAIN_OPTIONS.dataset].test;
    if (!/^\s*\d+\s*$/.test(v['test-limit']) || testLimit < 1 || testLimit > (builtinTest ?? Number.MAX_SAFE_INTEGER)) {
      throw new UsageError(`--test-limit: expected an integer from 1 to ${builtinTest === null ? 'the test images' : builtinTest.toLocaleString('en-US')}, got "${v['test-limit']}"`);
    }
  }
  return { path: parsed.positionals[0], dataset, allowDatasetMismatch: v['allow-dataset-mismatch'] ?? false, json: v.json ?? false, jsonOut: v['json-out'] ?? null, testLimit, adapter, node: v.node ?? false };
}
