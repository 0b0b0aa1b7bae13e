// `npm run train`: trains a Keras Sequential CNN (default: the MNIST CNN) with WebGPU in headless Chromium (or in Node with
// --node) and keeps every finished epoch in --out: model.json + weights.bin (TensorFlow.js
// layers format), history.json and checkpoint.bin (what --resume needs; src/cli/checkpoint.ts).
//
// A run stopped by a signal keeps its last finished epoch and says how to resume; a lost GPU
// device restarts the back end once from the last checkpoint; a non-finite loss or parameter
// stops the run with the last good checkpoint kept.
import { join } from 'node:path';
import { saveModelFiles } from '../io/files.ts';
import { OutDirError, prepareOutDir } from '../io/out-dir.ts';
import { lockOutDir, OutDirBusyError } from './out-lock.ts';
import { summary } from '../model/summary.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { modelOf, OptionsError } from '../train/options.ts';
import { loadInitialModel, resolveModelSpec, type InitialModel } from './model-source.ts';
import { checkInputPath } from './input-path.ts';
import { networkDifference } from '../model/same-network.ts';
import { saveKerasModelFile } from '../io/keras-disk.ts';
import { kerasExportOfModel } from '../io/keras-model.ts';
import { runCleanup, runInBrowser, runInNode, type BackendRun, type Cleanup, type SuccessfulResult } from './backends.ts';
import {
  CHECKPOINT_FILE,
  CheckpointKeeper,
  HISTORY_FILE,
  historyJson,
  readCheckpoint,
  removeCheckpoint,
  resumeMismatch,
  resumeOptions,
  type Checkpoint,
} from './checkpoint.ts';
import { CliError, errorText, UsageError } from './cli-error.ts';
import { EventPrinter } from './event-printer.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { parseTrainArgs, USAGE, type CliOptions } from './options.ts';
import {
  base64ToBytes,
  base64ToFloats,
  decodeTrainerState,
  encodeTrainerState,
  floatsToBase64,
  TRAINER_MODULE_ENV,
  type CheckpointSink,
  type HeadlessConfig,
} from './protocol.ts';
import { renderPredictions, renderSamples } from './render.ts';
import { prepareRunDataset, type RunDataset } from './dataset-source.ts';
import { endBySignal, exitCodeFor, RunStopper, type StopSignal } from './signals.ts';
import { isVulkanRerun, rerunWithVulkanEnv } from './vulkan-env.ts';
import type { EpochRecord } from '../train/types.ts';
import { freshShuffleState, type TrainerState } from '../train/trainer-state.ts';
import { tuningHistory } from '../tune/report.ts';
import { tuneCacheFile } from '../tune/cache-file.ts';
import { TuneCacheStore } from '../tune/store.ts';

/** Test images predicted and drawn at the end. */
const SAMPLE_COUNT = 10;
/** The Keras 3 file written beside model.json and weights.bin. */
const KERAS_FILE = 'model.keras';
/** Errors after which the back end is started again (once) from the last checkpoint. */
const RESTARTABLE = new Set(['DeviceLostError', 'BrowserClosed']);
/** How long such an error waits for a stop signal that may have caused it before restarting. */
const STOP_GRACE_MS = 2000;

const out = process.stdout;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function loadInitial(path: string, printer: EventPrinter): Promise<InitialModel> {
  const loaded = await loadInitialModel(path, '--init');
  printer.note(`Starting from ${loaded.path}`);
  for (const line of loaded.notes) printer.note(`  ${line}`);
  return loaded;
}

/**
 * --init with a .keras file that holds Adam's state, training with Adam the same trainable
 * weights: the run continues that optimizer (its moments and step, so Adam's bias correction and
 * the dropout masks go on from where Keras, or an earlier run, stopped); its epochs count from 1
 * and shuffle as a fresh run. Otherwise (SGD, a model.json, or other layers frozen: fine-tuning,
 * where Keras compiles again) the optimizer starts fresh.
 */
function continuedAdam(cli: CliOptions, model: ModelInfo, init: InitialModel, printer: EventPrinter): TrainerState | null {
  if (!init.adam) return null;
  const unused = `  the file's Adam state (step ${init.adam.step}) is not used`;
  if (cli.train.optimizer !== 'adam') {
    printer.note(`${unused}: training with ${cli.train.optimizer}`);
    return null;
  }
  const fileTable = init.model.params.entries;
  if (model.params.entries.some((p, i) => p.trainable !== fileTable[i].trainable)) {
    printer.note(`${unused}: this run freezes other layers than the file, so its optimizer starts fresh`);
    return null;
  }
  printer.note(`  continuing its Adam state (step ${init.adam.step})`);
  return { epoch: 0, step: init.adam.step, shuffleRng: freshShuffleState(cli.train.seed), params: init.params, moment1: init.adam.m, moment2: init.adam.v };
}

/**
 * The model of the run: --model, else --init's own, else the default. With both, --model must be
 * --init's network (its layers' trainable flags and Dropout rates may differ, its names too):
 * the run trains the file's weights with --model's frozen layers.
 */
async function chooseModel(cli: CliOptions, init: InitialModel | null): Promise<ModelInfo> {
  cli.train.model = await resolveModelSpec(cli.model, init?.model.spec);
  if (init) {
    const difference = networkDifference(cli.train.model, init.model.spec);
    if (difference) throw new CliError(`--init ${cli.init}: its model is not the network of --model ${cli.model} (${difference} in the file)`, 2);
  }
  let model: ModelInfo;
  try {
    model = modelOf(cli.train);
  } catch (e) {
    throw new CliError(message(e), e instanceof OptionsError ? 2 : 1);
  }
  return model;
}


/** The checkpoint --resume continues (same options, epochs left), or a CliError (exit 2). */
async function loadResume(outDir: string, cli: CliOptions): Promise<Checkpoint> {
  let checkpoint;
  try {
    checkpoint = await readCheckpoint(outDir);
  } catch (e) {
    throw new CliError(`--resume: ${message(e)}`, 2);
  }
  if (!checkpoint) throw new CliError(`--resume: no ${CHECKPOINT_FILE} in ${outDir}: nothing to resume`, 2);
  // The stopped run's options continue; those given (--model among them) must be the same.
  cli.train = resumeOptions(checkpoint.options, cli.train, cli.given);
  if (cli.model !== null) cli.train.model = await resolveModelSpec(cli.model);
  const why = resumeMismatch(checkpoint.options, cli.train, checkpoint.state.epoch);
  if (why) throw new CliError(`--resume: ${why}`, 2);
  return checkpoint;
}

/**
 * The autotuning cache file (none with --autotune off), loaded; each autotune event's new
 * entries are written to it as they arrive. A failed write warns and the run goes on.
 */
async function loadTuneCache(cli: CliOptions, printer: EventPrinter): Promise<TuneCacheStore | null> {
  if (cli.autotune === 'off') return null;
  const store = new TuneCacheStore(tuneCacheFile(), (line) => printer.note(line));
  await store.load();
  printer.onTuning = (report) => {
    store.record(report.updates).catch((e: unknown) => printer.note(`warning: could not write the autotuning cache ${store.backend.where}: ${message(e)}`));
  };
  return store;
}

/** What is kept in --out after a failed run, as a line for the error message. */
function keptNote(keeper: CheckpointKeeper): string {
  const n = keeper.epochsSaved;
  return n > 0
    ? `The checkpoint of epoch ${n} is kept in ${keeper.dir}.`
    : 'No epoch finished: nothing was saved.';
}

interface Trained {
  result: SuccessfulResult;
  dataset: RunDataset;
  /** Epochs of the checkpoint the last attempt resumed from. */
  earlier: EpochRecord[];
}

/**
 * Runs the back end from the last checkpoint (or the start); after a lost device (or a browser
 * that died) starts it once more from the checkpoint written meanwhile.
 */
async function trainWithRestart(
  cli: CliOptions,
  dataset: RunDataset,
  initialWeights: string | null,
  initialState: TrainerState | null,
  keeper: CheckpointKeeper,
  printer: EventPrinter,
  stopper: RunStopper,
  cleanup: Cleanup,
  tuneStore: TuneCacheStore | null,
): Promise<Trained> {
  const checkpoint: CheckpointSink = async (state, record) => {
    if (stopper.signal) throw new Error('the run is stopping');
    await keeper.save(decodeTrainerState(state), record);
  };
  for (let attempt = 1; ; attempt++) {
    const from = keeper.latest;
    const config: HeadlessConfig = {
      options: cli.train,
      dataPack: dataset.dataPack,
      initialWeights: from || initialState ? null : initialWeights,
      samples: SAMPLE_COUNT,
      testLimit: cli.testLimit,
      trainerModule: process.env[TRAINER_MODULE_ENV] ? '/' + process.env[TRAINER_MODULE_ENV].replace(/^\/+/, '') : null,
      resume: from ? encodeTrainerState(from.state) : initialState ? encodeTrainerState(initialState) : null,
      autotune: { mode: cli.autotune, cache: tuneStore?.current ?? null },
    };
    const run: BackendRun = { config, printer, checkpoint, cleanup };
    try {
      const result = cli.node ? await runInNode(run) : await runInBrowser(run, cli.adapter);
      return { result, dataset, earlier: from?.history ?? [] };
    } catch (e) {
      if (stopper.signal || attempt > 1 || !(e instanceof CliError) || !RESTARTABLE.has(e.kind ?? '')) throw e;
      // Ctrl-C reaches Chromium (and its GPU process) too, which may die before this process
      // hears the signal: a stop that follows at once wins over the restart.
      if (await stopper.stopWithin(STOP_GRACE_MS)) throw e;
      const n = keeper.epochsSaved;
      printer.restart();
      process.stderr.write(`${e.message}\n`);
      printer.note(
        `Restarting ${cli.node ? 'Dawn' : 'Chromium'} and resuming from ${n > 0 ? `epoch ${n} (the last checkpoint)` : 'the start (no epoch had finished)'}.`,
      );
    } finally {
      if (!stopper.signal) await runCleanup(cleanup);
    }
  }
}

/** The line a stopped run ends with: what --out keeps. */
function stopLine(kept: number | null, resume: boolean, epochs: number): string {
  if (kept === null && resume) return 'Stopped before resuming; the checkpoint is as it was: resume with --resume';
  if (kept !== null && kept >= epochs) return `Stopped after the last epoch (${kept}), before the test evaluation; finish with --resume`;
  return kept ? `Stopped after epoch ${kept}; resume with --resume` : 'Stopped before epoch 1 finished; nothing was saved';
}

/**
 * The inputs a run names (--init's file, --model's preset or file), checked before --out is
 * locked: a mistyped command says what is wrong even while another run holds --out, and never
 * takes the lock.
 */
async function checkNamedInputs(cli: CliOptions): Promise<void> {
  if (cli.init) await checkInputPath('--init', cli.init, cli.init.toLowerCase().endsWith('.keras') ? undefined : 'model.json');
  if (cli.model !== null && !cli.resume) await resolveModelSpec(cli.model);
}

/**
 * --out, checked (exit 2 when it cannot be written) and locked for this run (exit 2 when another
 * run holds it). The --node re-run works under its parent's lock.
 */
async function claimOutDir(cli: CliOptions): Promise<string> {
  try {
    const outDir = await prepareOutDir(cli.out);
    await lockOutDir(outDir, isVulkanRerun() ? process.ppid : null);
    return outDir;
  } catch (e) {
    throw e instanceof OutDirError || e instanceof OutDirBusyError ? new CliError(e.message, 2) : e;
  }
}

/** Writes the finished run's files into --out (the last checkpoint's, now with the test result); returns their paths. */
async function saveOutputs(outDir: string, model: ModelInfo, keeper: CheckpointKeeper, cli: CliOptions, trained: Trained, printer: EventPrinter): Promise<string[]> {
  const { result, earlier } = trained;
  const dataset = trained.dataset.description;
  const weights = base64ToFloats(result.weights);
  const files = await saveModelFiles(outDir, model, weights, { dataset });
  // The same model for Python Keras: keras.models.load_model("model.keras").
  const last = keeper.latest?.state;
  const adam = last?.moment2 && cli.train.optimizer === 'adam' ? { step: last.step, learningRate: cli.train.learningRate, m: last.moment1, v: last.moment2 } : undefined;
  const kerasPath = await saveKerasModelFile(join(outDir, KERAS_FILE), kerasExportOfModel(model, weights, { learningRate: cli.train.learningRate, dataset, ...(adam ? { adam } : {}) }));
  const historyPath = join(outDir, HISTORY_FILE);
  const test = { loss: result.test.loss, accuracy: result.test.accuracy };
  const autotune = printer.tuning ? tuningHistory(printer.tuning) : undefined;
  const init = keeper.init !== undefined ? { init: keeper.init } : {};
  const build = printer.build ?? undefined;
  await writeFileAtomic(historyPath, historyJson({ ...init, dataset, epochs: [...earlier, ...result.epochs], test, adapter: printer.adapter, autotune, build }));
  return [files.modelJson, files.weightsBin, kerasPath, historyPath];
}

async function train(cli: CliOptions, outDir: string): Promise<void> {
  const started = performance.now();
  const printer = new EventPrinter();
  const cleanup: Cleanup = [];
  // Null until training starts: --out is unchanged until then.
  let keeper: CheckpointKeeper | null = null;
  let finishing: Promise<unknown> | null = null;
  const stopRun = async (signal: StopSignal) => {
    printer.mute();
    // A checkpoint (or the final files) being written is finished and counts.
    await keeper?.settle();
    await finishing?.catch(() => {});
    await runCleanup(cleanup, 3000);
    process.stderr.write(`${stopLine(keeper ? keeper.epochsSaved : null, cli.resume, cli.train.epochs)}\n`);
    if (cli.node && isVulkanRerun()) endBySignal(signal);
    process.exit(exitCodeFor(signal));
  };
  const stopper = new RunStopper((signal) => void stopRun(signal)).install();

  let trained: Trained;
  let model: ModelInfo;
  let tuneStore: TuneCacheStore | null;
  try {
    const resumed = cli.resume ? await loadResume(outDir, cli) : null;
    const init = cli.init ? await loadInitial(cli.init, printer) : null;
    model = resumed ? modelOf(resumed.options) : await chooseModel(cli, init);
    const initialWeights = init ? floatsToBase64(init.params) : null;
    out.write(`${summary(model)}\n\n`);
    const dataset = await prepareRunDataset(cli.train, model, { note: (line) => printer.note(line), warn: (line) => process.stderr.write(`${line}\n`) });
    keeper = new CheckpointKeeper(outDir, cli.train, resumed, init?.path, dataset.description);
    if (resumed) {
      const done = resumed.state.epoch >= cli.train.epochs;
      printer.note(
        done
          ? `All ${resumed.state.epoch} epochs of ${join(outDir, CHECKPOINT_FILE)} are done: evaluating and writing the final files`
          : `Resuming from epoch ${resumed.state.epoch} of ${join(outDir, CHECKPOINT_FILE)}`,
      );
    } else await removeCheckpoint(outDir);
    tuneStore = await loadTuneCache(cli, printer);
    trained = await trainWithRestart(cli, dataset, initialWeights, init ? continuedAdam(cli, model, init, printer) : null, keeper, printer, stopper, cleanup, tuneStore);
  } catch (e) {
    if (stopper.signal) await new Promise(() => {}); // stopRun reports and exits
    // A failure of the run itself (not of starting it) says what it left in --out.
    throw keeper && e instanceof CliError && e.kind ? new CliError(`${e.message}\n${keptNote(keeper)}`, e.exitCode, e.kind) : e;
  }
  const { result } = trained;

  // Sample predictions.
  const { shape, classNames } = result.samples;
  const images = { images: base64ToBytes(result.samples.images), shape, classNames };
  const samples = result.samples.labels.map((label, i) => ({ label, probabilities: result.samples.probabilities[i] }));
  const right = samples.filter((s) => s.probabilities.indexOf(Math.max(...s.probabilities)) === s.label).length;
  out.write(`\nFirst ${samples.length} test images (true label, prediction; ${right}/${samples.length} right):\n\n`);
  const { description } = trained.dataset;
  // MNIST and Fashion-MNIST are drawn; the user's own images are named by their classes.
  const drawable = description.scaling === 'divide-255';
  out.write(`${drawable ? renderSamples(images, samples) : renderPredictions(samples, description.classNames)}\n\n`);

  // Outputs (the last checkpoint's files, now with the test result); a stop meanwhile lets them finish.
  const saving = saveOutputs(outDir, model, keeper, cli, trained, printer);
  finishing = saving;
  const saved = await saving;
  await tuneStore?.settled();
  stopper.dispose();
  out.write(`Saved ${saved.join('\n      ')}\n`);
  out.write(`Done in ${((performance.now() - started) / 1000).toFixed(1)}s.\n`);
}

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseTrainArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(errorText(e, 'train'));
      return e.exitCode;
    }
    throw e;
  }
  if (command.kind === 'help') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  try {
    await checkNamedInputs(command.options);
    // Claimed before the --node re-run: the lock belongs to this top-level process.
    const outDir = await claimOutDir(command.options);
    if (command.options.node) {
      const rerun = await rerunWithVulkanEnv(command.options.adapter);
      if (rerun !== null) return rerun;
    }
    await train(command.options, outDir);
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(errorText(e, 'train'));
      return e.exitCode;
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
