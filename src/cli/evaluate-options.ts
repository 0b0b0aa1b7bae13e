// Command-line options of `npm run evaluate -- PATH`: parsing and validation (pure: no I/O, no
// exit); every problem is a UsageError (exit code 2).
import { ADAPTER_CHOICES, parseAdapterChoice, type AdapterChoice } from './adapter-choice.ts';
import { UsageError } from './cli-error.ts';
import { choiceError, parseCommandLine } from './command-line.ts';

export const EVALUATE_USAGE = `Usage: npm run evaluate -- PATH [options]

Prints the test loss and accuracy (10,000 MNIST test images) of a saved model: a Keras 3
.keras file, or a TensorFlow.js model.json (or the folder holding one).

Options:
  --json                  print one JSON object instead of text
                          (with npm: npm run --silent evaluate -- PATH --json > FILE)
  --json-out FILE         also write that JSON object to FILE (whatever npm prints)
  --test-limit N          evaluate only the first N test images, rounded up to a batch of 500
  --adapter auto|gpu|swiftshader   which WebGPU adapter (default auto)
  --node                  run in Node through the webgpu package (Dawn + Vulkan)
  -h, --help              show this help`;

export interface EvaluateOptions {
  path: string;
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const v = parsed.values;
  if (v.help) return 'help';
  if (parsed.positionals.length === 0) throw new UsageError('expected the path of a model (a .keras file, a model.json or its folder)');
  if (parsed.positionals.length > 1) throw new UsageError(`expected one model path, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  const adapter = v.adapter === undefined ? 'auto' : parseAdapterChoice(v.adapter);
  if (adapter === null) throw choiceError('--adapter', v.adapter!, ADAPTER_CHOICES);
  let testLimit: number | null = null;
  if (v['test-limit'] !== undefined) {
    testLimit = Number(v['test-limit']);
    if (!/^\s*\d+\s*$/.test(v['test-limit']) || testLimit < 1 || testLimit > 10_000) {
      throw new UsageError(`--test-limit: expected an integer from 1 to 10,000, got "${v['test-limit']}"`);
    }
  }
  return { path: parsed.positionals[0], json: v.json ?? false, jsonOut: v['json-out'] ?? null, testLimit, adapter, node: v.node ?? false };
}
