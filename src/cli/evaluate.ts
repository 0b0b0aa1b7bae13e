// `npm run evaluate -- PATH`: the test loss and accuracy of a saved model (a Keras 3 .keras
// file, or a TensorFlow.js model.json or the folder holding one), computed on the GPU through
// the same back ends as training (headless Chromium, or Dawn with --node) with an evaluation-
// only model (no gradients, optimizer state or training plan are built).
import { parseArgs } from 'node:util';
import { DEFAULT_TRAIN_OPTIONS } from '../train/types.ts';
import { summary } from '../model/summary.ts';
import { runCleanup, runInBrowser, runInNode, type BackendRun, type Cleanup } from './backends.ts';
import { CliError } from './cli-error.ts';
import { EventPrinter } from './event-printer.ts';
import { loadInitialModel } from './model-source.ts';
import { floatsToBase64, type HeadlessConfig } from './protocol.ts';
import { parseAdapterChoice, type AdapterChoice } from './adapter-choice.ts';
import { exitCodeFor, RunStopper } from './signals.ts';
import { rerunWithVulkanEnv } from './vulkan-env.ts';

export const EVALUATE_USAGE = `Usage: npm run evaluate -- PATH [options]

Prints the test loss and accuracy (10,000 MNIST test images) of a saved model: a Keras 3
.keras file, or a TensorFlow.js model.json (or the folder holding one).

Options:
  --json                  print one JSON object instead of text
  --test-limit N          evaluate only the first N test images, rounded up to a batch of 500
  --adapter auto|gpu|swiftshader   which WebGPU adapter (default auto)
  --node                  run in Node through the webgpu package (Dawn + Vulkan)
  -h, --help              show this help`;

interface EvaluateOptions {
  path: string;
  json: boolean;
  testLimit: number | null;
  adapter: AdapterChoice;
  node: boolean;
}

function parseEvaluateArgs(argv: string[]): EvaluateOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        'test-limit': { type: 'string' },
        adapter: { type: 'string' },
        node: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), 2);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (parsed.positionals.length !== 1) throw new CliError('expected one model path (a .keras file or a model.json)', 2);
  const adapter = v.adapter === undefined ? 'auto' : parseAdapterChoice(v.adapter);
  if (adapter === null) throw new CliError(`--adapter: expected auto, gpu or swiftshader, got "${v.adapter}"`, 2);
  let testLimit: number | null = null;
  if (v['test-limit'] !== undefined) {
    testLimit = Number(v['test-limit']);
    if (!Number.isInteger(testLimit) || testLimit < 1 || testLimit > 10_000) throw new CliError(`--test-limit: expected an integer from 1 to 10,000, got "${v['test-limit']}"`, 2);
  }
  return { path: parsed.positionals[0], json: v.json ?? false, testLimit, adapter, node: v.node ?? false };
}

async function evaluate(o: EvaluateOptions): Promise<void> {
  let loaded;
  try {
    loaded = await loadInitialModel(o.path);
  } catch (e) {
    throw new CliError(`${o.path}: ${e instanceof Error ? e.message : String(e)}`, 2);
  }
  const printer = new EventPrinter();
  if (o.json) printer.mute();
  else process.stdout.write(`${summary(loaded.model)}\n\n`);
  const config: HeadlessConfig = {
    options: { ...DEFAULT_TRAIN_OPTIONS, model: loaded.model.spec },
    initialWeights: floatsToBase64(loaded.params),
    samples: 0,
    testLimit: o.testLimit,
    trainerModule: null,
    resume: null,
    evaluateOnly: true,
  };
  const cleanup: Cleanup = [];
  const stopper = new RunStopper((signal) => {
    void runCleanup(cleanup, 3000).then(() => process.exit(exitCodeFor(signal)));
  }).install();
  const run: BackendRun = { config, printer, cleanup, checkpoint: async () => {} };
  try {
    const result = o.node ? await runInNode(run) : await runInBrowser(run, o.adapter);
    const { loss, accuracy, count } = result.test;
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ path: loaded.path, loss, accuracy, count, adapter: result.adapter })}\n`);
    } else {
      process.stdout.write(`${loaded.path}: test loss ${loss.toFixed(6)} - test accuracy ${accuracy.toFixed(4)} (${count.toLocaleString('en-US')} images)\n`);
    }
  } finally {
    stopper.dispose();
    await runCleanup(cleanup);
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    const o = parseEvaluateArgs(argv);
    if (o === 'help') {
      process.stdout.write(`${EVALUATE_USAGE}\n`);
      return 0;
    }
    if (o.node) {
      const rerun = await rerunWithVulkanEnv(o.adapter);
      if (rerun !== null) return rerun;
    }
    await evaluate(o);
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
