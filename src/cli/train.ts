// `npm run train`: trains the MNIST CNN with WebGPU in headless Chromium (Playwright) and
// writes model.json + weights.bin (TensorFlow.js layers format) and history.json.
//
// Node side: parses the options, serves the repository with Vite on 127.0.0.1, opens
// src/cli/headless.html, which runs the Trainer and streams its events back through an
// exposed function; renders them Keras-style and writes the outputs.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright';
import { loadModelFiles, saveModelFiles } from '../io/files.ts';
import { summary } from '../model/summary.ts';
import { modelOf, OptionsError } from '../train/options.ts';
import { dropoutRates } from '../model/model-spec.ts';
import { resolveModelSpec } from './model-source.ts';
import type { History, TrainEvent, TrainOptions } from '../train/types.ts';
import type { AdapterChoice } from './adapter-choice.ts';
import { BrowserNotFoundError, INSTALL_HINT, launchWebGpuBrowser } from './browser.ts';
import { parseTrainArgs, USAGE, UsageError, type CliOptions } from './options.ts';
import {
  base64ToBytes,
  base64ToFloats,
  EVENT_BINDING,
  floatsToBase64,
  HEADLESS_PAGE,
  PAGE_API,
  TRAINER_MODULE_ENV,
  type HeadlessConfig,
  type HeadlessResult,
} from './protocol.ts';
import { epochLine, formatInt, progressLine, renderSamples } from './render.ts';
import type { DevServer } from './server.ts';
import { loadTrainEntry } from './node-entries.ts';
import { rerunWithVulkanEnv, VulkanSetupError } from './vulkan-env.ts';

/** Test images predicted and drawn at the end. */
const SAMPLE_COUNT = 10;
/** Without a TTY, at most one progress line per this many milliseconds. */
const PLAIN_PROGRESS_INTERVAL_MS = 10_000;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const out = process.stdout;
const isTty = Boolean(out.isTTY);

function describeOptions(o: TrainOptions): string {
  const opt = o.optimizer === 'sgd' ? `sgd lr ${o.learningRate} momentum ${o.momentum}` : `adam lr ${o.learningRate}`;
  return (
    `epochs ${o.epochs}, batch ${o.batchSize}, ${opt}, dropout ${(o.dropout ?? dropoutRates(o.model)).join('/') || 'none'}, seed ${o.seed}` +
    `${o.shuffle ? '' : ', no shuffle'}`
  );
}

/** Renders the TrainEvents as they arrive. */
class EventPrinter {
  private epochsTotal = 0;
  private steps = 0;
  private epochStart = 0;
  private lastPlain = 0;
  private progressShown = false;
  /** The adapter the run's start event named (written to history.json). */
  adapter: string | null = null;

  handle(e: TrainEvent): void {
    switch (e.type) {
      case 'start':
        this.epochsTotal = e.options.epochs;
        this.steps = e.stepsPerEpoch;
        this.adapter = e.adapter;
        out.write(`WebGPU adapter: ${e.adapter}\n`);
        out.write(
          `Training on ${formatInt(e.trainCount)} images, validating on ${formatInt(e.validationCount)}; ` +
            `${describeOptions(e.options)}\n`,
        );
        break;
      case 'progress': {
        if (e.step === 1 || this.epochStart === 0) this.beginEpoch(e.epoch);
        const elapsed = (performance.now() - this.epochStart) / 1000;
        const line = progressLine(e, elapsed);
        if (isTty) {
          out.write(`\r${line}\x1b[K`);
          this.progressShown = true;
        } else if (performance.now() - this.lastPlain >= PLAIN_PROGRESS_INTERVAL_MS && e.step < e.steps) {
          this.lastPlain = performance.now();
          out.write(`${line}\n`);
        }
        break;
      }
      case 'epoch': {
        if (this.epochStart === 0) this.beginEpoch(e.epoch);
        const line = epochLine(e, this.steps, isTty);
        out.write(isTty && this.progressShown ? `\r${line}\x1b[K\n` : `${line}\n`);
        this.epochStart = 0;
        this.progressShown = false;
        break;
      }
      case 'test':
        out.write(`\nTest loss: ${e.loss.toFixed(4)} - test accuracy: ${e.accuracy.toFixed(4)}\n`);
        break;
    }
  }

  private beginEpoch(epoch: number): void {
    if (this.epochStart !== 0) return;
    this.epochStart = performance.now();
    this.lastPlain = performance.now();
    out.write(`Epoch ${epoch}/${this.epochsTotal}\n`);
  }

  /** Ends a `\r` progress line before other output. */
  interrupt(): void {
    if (this.progressShown) out.write('\n');
    this.progressShown = false;
  }
}

async function launchBrowser(adapter: AdapterChoice): Promise<Browser> {
  try {
    // Playwright (and Vite, below) are loaded only for the browser back ends: the portable Node
    // build (bench/gpu-kit) carries neither.
    const launched = await launchWebGpuBrowser(adapter);
    out.write(`Browser: ${launched.found.description}, Chromium ${launched.browser.version()}\n`);
    if (launched.notice) out.write(`${launched.notice}\n`);
    return launched.browser;
  } catch (e) {
    if (e instanceof BrowserNotFoundError) throw new CliError(e.message);
    throw e;
  }
}

function forwardBrowserErrors(page: Page, printer: EventPrinter): void {
  page.on('console', (msg) => {
    const type = msg.type();
    if (type !== 'error' && type !== 'warning') return;
    printer.interrupt();
    process.stderr.write(`[browser ${type}] ${msg.text()}\n`);
  });
  page.on('pageerror', (err) => {
    printer.interrupt();
    process.stderr.write(`[page error] ${err.stack ?? err.message}\n`);
  });
  page.on('crash', () => {
    printer.interrupt();
    process.stderr.write('[page crashed]\n');
  });
}

async function runInBrowser(config: HeadlessConfig, adapter: AdapterChoice, printer: EventPrinter, cleanup: (() => Promise<void>)[]): Promise<HeadlessResult & { ok: true }> {
  // The browser first: a missing browser is the likeliest failure, and vite.config.ts itself
  // looks for it.
  const browser = await launchBrowser(adapter);
  cleanup.push(() => browser.close());
  const { startDevServer } = await import('./server.ts');
  const server: DevServer = await startDevServer(undefined, config.trainerModule ? [config.trainerModule.replace(/^\//, '')] : []);
  cleanup.push(() => server.close());
  const page = await browser.newPage();
  forwardBrowserErrors(page, printer);
  await page.exposeFunction(EVENT_BINDING, (e: TrainEvent) => printer.handle(e));

  const url = `${server.url}${HEADLESS_PAGE}`;
  const response = await page.goto(url);
  if (!response?.ok()) throw new CliError(`Could not open the headless page ${url}: HTTP ${response?.status()}`);
  try {
    await page.waitForFunction((api) => api in globalThis, PAGE_API, { timeout: 120_000 });
  } catch {
    throw new CliError(`The headless page ${url} did not start (see the page errors above).`);
  }
  const result = await page.evaluate(
    ([api, cfg]) =>
      (globalThis as unknown as Record<string, { run(c: HeadlessConfig): Promise<HeadlessResult> }>)[api].run(cfg),
    [PAGE_API, config] as const,
  );
  printer.interrupt();
  if (!result.ok) {
    const { name, message, stack } = result.error;
    let text = `Failed while ${result.stage}: ${name}: ${message}`;
    if (name === 'WebGpuUnavailableError') {
      text += adapter === 'gpu'
        ? '\nChromium found no usable GPU adapter with --adapter gpu; --adapter auto falls back to SwiftShader (software WebGPU).'
        : '\nChromium has no WebGPU adapter, not even SwiftShader: is this a Chromium build with WebGPU?';
      text += `\n${INSTALL_HINT}`;
    }
    else if (stack && process.env.DEBUG) text += `\n${stack}`;
    throw new CliError(text);
  }
  return result;
}

/** Runs the same headless run in Node with the `webgpu` package (Dawn on Vulkan). */
async function runInNode(config: HeadlessConfig, printer: EventPrinter, cleanup: (() => Promise<void>)[]): Promise<HeadlessResult & { ok: true }> {
  const { entry, close } = await loadTrainEntry();
  cleanup.push(close);
  const result = await entry.run(config, (e) => printer.handle(e));
  printer.interrupt();
  if (!result.ok) {
    const { name, message, stack } = result.error;
    let text = `Failed while ${result.stage}: ${name}: ${message}`;
    if (name === 'WebGpuUnavailableError') {
      text += '\nDawn found no Vulkan adapter: install the GPU\'s Vulkan driver (without one, SwiftShader\'s from the npm package @sparticuz/chromium is used).';
    } else if (stack && process.env.DEBUG) text += `\n${stack}`;
    throw new CliError(text);
  }
  return result;
}

async function train(cli: CliOptions): Promise<void> {
  const started = performance.now();
  const outDir = resolve(cli.out);
  let initialWeights: string | null = null;
  let loaded;
  if (cli.init) {
    try {
      loaded = await loadModelFiles(cli.init);
    } catch (e) {
      throw new CliError(`--init ${cli.init}: ${e instanceof Error ? e.message : String(e)}`);
    }
    out.write(`Starting from ${loaded.path}\n`);
    for (const r of loaded.renamed) out.write(`  weight ${r.from} used as ${r.to}\n`);
    if (loaded.ignored.length) out.write(`  ignored weights: ${loaded.ignored.join(', ')}\n`);
  }
  cli.train.model = await resolveModelSpec(cli.model, loaded?.model.spec);
  let model;
  try {
    model = modelOf(cli.train);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), e instanceof OptionsError || e instanceof UsageError ? 2 : 1);
  }
  if (loaded) {
    if (loaded.params.length !== model.params.length || loaded.model.params.entries.some((p, i) => p.name !== model.params.entries[i]?.name || p.shape.join() !== model.params.entries[i].shape.join())) {
      throw new CliError(`--init ${cli.init}: its weights are for another model than --model ${cli.model}`, 2);
    }
    initialWeights = floatsToBase64(loaded.params);
  }
  // Fail before training, not after it, when the output directory cannot be created.
  try {
    await mkdir(outDir, { recursive: true });
  } catch (e) {
    throw new CliError(`--out ${cli.out}: cannot create the directory: ${e instanceof Error ? e.message : String(e)}`);
  }

  out.write(`${summary(model)}\n\n`);

  const printer = new EventPrinter();
  const cleanup: (() => Promise<void>)[] = [];
  const onSignal = () => {
    printer.interrupt();
    process.stderr.write('Interrupted.\n');
    void Promise.allSettled([...cleanup].reverse().map((f) => f())).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let result: HeadlessResult & { ok: true };
  try {
    const config: HeadlessConfig = {
        options: cli.train,
        initialWeights,
        samples: SAMPLE_COUNT,
        testLimit: cli.testLimit,
        trainerModule: process.env[TRAINER_MODULE_ENV] ? '/' + process.env[TRAINER_MODULE_ENV].replace(/^\/+/, '') : null,
    };
    result = cli.node ? await runInNode(config, printer, cleanup) : await runInBrowser(config, cli.adapter, printer, cleanup);
  } finally {
    for (const f of [...cleanup].reverse()) await f().catch(() => {});
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  // Sample predictions.
  const images = base64ToBytes(result.samples.images);
  const samples = result.samples.labels.map((label, i) => ({ label, probabilities: result.samples.probabilities[i] }));
  const right = samples.filter((s) => s.probabilities.indexOf(Math.max(...s.probabilities)) === s.label).length;
  out.write(`\nFirst ${samples.length} test images (true label, prediction; ${right}/${samples.length} right):\n\n`);
  out.write(`${renderSamples(images, samples)}\n\n`);

  // Outputs.
  const weights = base64ToFloats(result.weights);
  const files = await saveModelFiles(outDir, model, weights);
  const history: History & { adapter: string | null } = {
    epochs: result.epochs,
    test: { loss: result.test.loss, accuracy: result.test.accuracy },
    adapter: printer.adapter,
  };
  const historyPath = join(outDir, 'history.json');
  // NaN (no validation split) is written as null.
  await writeFile(historyPath, JSON.stringify(history, null, 2) + '\n');
  out.write(`Saved ${files.modelJson}\n      ${files.weightsBin}\n      ${historyPath}\n`);
  out.write(`Done in ${((performance.now() - started) / 1000).toFixed(1)}s.\n`);
}

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseTrainArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\nRun \`npm run train -- --help\` for the options.\n`);
      return e.exitCode;
    }
    throw e;
  }
  if (command.kind === 'help') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if (command.options.node) {
      const rerun = await rerunWithVulkanEnv(command.options.adapter);
      if (rerun !== null) return rerun;
    }
    await train(command.options);
    return 0;
  } catch (e) {
    if (e instanceof CliError || e instanceof UsageError || e instanceof VulkanSetupError) {
      process.stderr.write(`error: ${e.message}\n`);
      return e instanceof CliError ? e.exitCode : 1;
    }
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
