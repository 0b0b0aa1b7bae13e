// The trainer: Keras-like fit / evaluate / predict with everything on the GPU. Built once
// per run: the training, validation, test and prediction passes (each a set of prepared
// dispatches), the flat parameter, gradient and optimizer-moment buffers and the step
// state (a TrainingStep: training-step.ts). A training step replays [step_begin, forward,
// loss, backward, optimizer, step_end]; several steps share one submit; the only uploads per epoch are the shuffled
// index buffer and the batch counter.
import type { Gpu } from '../gpu/device.ts';
import { describeAdapter } from '../gpu/device.ts';
import { lostMessage, watchDeviceLoss } from '../gpu/device-loss.ts';
import { readF32, writeBuffer } from '../gpu/buffers.ts';
import { encodeDispatches } from '../gpu/kernel.ts';
import { buildingPipelines, PipelineBuild, type BuildProgress, type TrainerBuildCost } from '../gpu/pipeline-build.ts';
import type { Mnist } from '../data/mnist.ts';
import { describeDataset, type ImageDataset, type InputScaling } from '../data/image-dataset.ts';
import type { ModelInfo } from '../model/model-info.ts';
import { initParams } from '../model/init.ts';
import { Rng } from '../model/rng.ts';
import type { GpuContext } from '../layers/types.ts';
import { readStepState, writeEpochStart, writeStepState } from '../layers/step-state.ts';
import { TrainingStep } from './training-step.ts';
import { FIRST_PACING, MAX_STEPS_PER_SUBMIT, StepClock, stepsAfterPause, type Pacing } from './step-pacing.ts';
import { firstNonFiniteBatch } from './metrics-readback.ts';
import { uploadSplit } from './dataset-gpu.ts';
import { Pass, identityOrder } from './pass.ts';
import { modelOf, validateOptions } from './options.ts';
import { checkDataMatchesModel, EVAL_BATCH, GpuModel, type PenultimateOutputs } from './gpu-model.ts';
import type { EpochRecord, Evaluation, History, TrainEvent, TrainOptions } from './types.ts';
import type { TrainerState } from './trainer-state.ts';
import type { PlanKernelChoices } from '../gpu/kernel-registry.ts';

export { firstNonFiniteValue, type TrainerState } from './trainer-state.ts';
import { freshShuffleState } from './trainer-state.ts';

export { EVAL_BATCH };
/** Most training steps recorded into one command buffer (fewer where steps are slow: step-pacing.ts). */
export const STEPS_PER_SUBMIT = MAX_STEPS_PER_SUBMIT;
/** Progress readbacks per epoch (at most). */
export const PROGRESS_READS_PER_EPOCH = 20;

export class DeviceLostError extends Error {
  constructor(message: string) {
    super(`The GPU device was lost: ${message}`);
    this.name = 'DeviceLostError';
  }
}

export class TrainingStoppedError extends Error {
  constructor() {
    super('Training was stopped');
    this.name = 'TrainingStoppedError';
  }
}

/** A NaN or infinite loss or parameter: training stops (nothing non-finite is kept). */
export class NonFiniteError extends Error {
  constructor(
    readonly epoch: number,
    /** 1-based training step within the epoch, or null when found after the epoch's steps. */
    readonly step: number | null,
    /** What was non-finite: 'loss', 'validation loss', ... */
    readonly what: string,
  ) {
    super(`Non-finite ${what} at epoch ${epoch}${step === null ? '' : `, step ${step}`}: training stopped (try a smaller learning rate)`);
    this.name = 'NonFiniteError';
  }
}

export interface FitControl {
  signal?: AbortSignal;
  /**
   * Whether the user asked to pause. Checked between submits (short ones: step-pacing.ts): the
   * trainer then lets the submits in flight finish and reports their progress (the GPU goes
   * idle) and calls waitIfPaused.
   */
  isPaused?: () => boolean;
  /**
   * Awaited once the GPU is idle after a pause, held after `step` steps of `epoch` (1-based);
   * resolves when the user resumes. The epoch then continues exactly (same order, same step).
   */
  waitIfPaused?: (at: { epoch: number; step: number }) => Promise<void>;
  /** Awaited after each finished epoch, before its 'epoch' event is sent and the next starts (checkpoints). */
  afterEpoch?: (epoch: number, record: EpochRecord) => Promise<void>;
}

/** How a trainer is built, besides its options and weights. */
export interface TrainerSetup {
  /** Hears how many of the pipelines are built. */
  onBuild?: (p: BuildProgress) => void;
  /** Overrides of the kernel registry's fixed rules for the training and the evaluation plans (e.g. the autotuner's). */
  kernels?: PlanKernelChoices;
  /** Bytes of images kept on the GPU at once; a larger split is streamed (default: the device's largest binding). */
  residentBytes?: number;
}

export class Trainer {
  readonly options: TrainOptions;
  /** What Trainer.create cost (its evaluation model's pipelines included, and that model's part). */
  build: TrainerBuildCost = { pipelines: 0, ms: 0, evaluation: { pipelines: 0, ms: 0 } };
  /** The model trained: its layers' shapes and the parameter table. */
  readonly model: ModelInfo;
  readonly trainCount: number;
  readonly validationCount: number;
  private readonly ctx: GpuContext;
  private readonly owned: { destroy(): void }[] = [];
  /** The parameter, gradient and moment buffers, the step state and the optimizer. */
  private readonly step: TrainingStep;
  private readonly trainPass: Pass;
  private readonly validationPass: Pass | undefined;
  /** The parameters' evaluation side (test set, prediction, weights IO) over this trainer's parameter buffer. */
  private readonly evaluator: GpuModel;
  private readonly rng: Rng;
  private nonFinite: NonFiniteError | undefined;
  private epochsDone = 0;
  private destroyed = false;
  /** Times the steps to choose how many share a submit. */
  private readonly clock = new StepClock();
  /** Training steps finished on the GPU (all epochs of this trainer; known to the trainer). */
  private stepsDone = 0;
  /** Training steps submitted (all epochs of this trainer); stepsSubmitted - stepsDone are in flight. */
  private stepsSubmitted = 0;
  /**
   * Most steps that may be in flight now: the largest stepsAfterPause of the pacings the
   * submits still on the GPU were made under (the pacing may change while they run).
   */
  private inFlightBound = stepsAfterPause(FIRST_PACING);

  private constructor(
    private readonly gpu: Gpu,
    data: Mnist | ImageDataset,
    options: TrainOptions,
    initialWeights: Float32Array | undefined,
    kernels: PlanKernelChoices,
    residentBytes: number | undefined,
  ) {
    this.options = options;
    const model = modelOf(options);
    this.model = model;
    checkDataMatchesModel(data, model);
    const { device, root } = gpu;
    this.ctx = { device, root };
    watchDeviceLoss(gpu.lost);

    const total = options.limit ?? data.train.count;
    if (total > data.train.count) throw new Error(`limit ${total} exceeds the ${data.train.count} training images`);
    // Keras validation_split: the LAST fraction of the samples, before any shuffling.
    this.trainCount = Math.floor(total * (1 - options.validationSplit));
    this.validationCount = total - this.trainCount;
    if (this.trainCount < 1) throw new Error('no training samples left after the validation split');

    const length = model.params.length;
    const weights = initialWeights ?? initParams(model.params, options.seed);
    if (weights.length !== length) {
      throw new Error(`initial weights have ${weights.length} floats, expected ${length}`);
    }
    this.step = new TrainingStep(this.ctx, {
      table: model.params,
      weights,
      optimizer: { kind: options.optimizer, lr: options.learningRate, momentum: options.momentum },
      seed: options.seed,
    });
    this.owned.push(this.step);
    const { params, grads } = this.step;

    const trainData = uploadSplit(device, data.train, total, model.inputSize, 'train', residentBytes);
    this.owned.push(trainData);
    const { scaling } = describeDataset(data);
    this.evaluator = new GpuModel(this.ctx, model, params, data.test, grads, kernels.evaluation, scaling, residentBytes);
    this.owned.push(this.evaluator);

    this.trainPass = new Pass(
      this.ctx,
      model,
      { label: 'train', count: this.trainCount, batch: options.batchSize, training: true, kernels: kernels.training, scaling },
      this.step.passBuffers(trainData),
    );
    this.owned.push(this.trainPass);
    if (this.validationCount > 0) {
      const validation = this.evaluator.evaluationPass('validation', trainData, this.validationCount, grads);
      validation.setOrder(identityOrder(this.validationCount, this.trainCount));
      this.owned.push(validation);
      this.validationPass = validation;
    }
    this.rng = new Rng(freshShuffleState(options.seed));
  }

  /**
   * Builds every pass for `options` (validated) and uploads the data. The pipelines compile
   * together, asynchronously; `setup.onBuild` hears how many of them are built.
   */
  static async create(
    gpu: Gpu,
    data: Mnist | ImageDataset,
    options: TrainOptions,
    initialWeights?: Float32Array,
    setup: TrainerSetup = {},
  ): Promise<Trainer> {
    const { onBuild, kernels = {}, residentBytes } = setup;
    validateOptions(options);
    const { device } = gpu;
    const start = performance.now();
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let trainer: Trainer | undefined;
    const build = new PipelineBuild(device);
    try {
      trainer = buildingPipelines(build, () => new Trainer(gpu, data, options, initialWeights, kernels, residentBytes));
    } finally {
      const validation = await device.popErrorScope();
      const oom = await device.popErrorScope();
      if (validation || oom) {
        trainer?.destroy();
        throw new Error(`GPU error while building the trainer: ${(validation ?? oom)!.message}`);
      }
    }
    try {
      await build.finish(onBuild);
    } catch (e) {
      trainer.destroy();
      throw e;
    }
    trainer.build = { pipelines: build.compiled, ms: performance.now() - start, evaluation: trainer.evaluator.build };
    return trainer;
  }

  get stepsPerEpoch(): number {
    return this.trainPass.batches;
  }

  /** Trains for options.epochs epochs (continuing from where a previous fit stopped). */
  async fit(onEvent: (e: TrainEvent) => void = () => {}, control: FitControl = {}): Promise<History> {
    const history: History = { epochs: [] };
    const { epochs } = this.options;
    onEvent({
      type: 'start',
      adapter: describeAdapter(this.gpu.adapter),
      trainCount: this.trainCount,
      validationCount: this.validationCount,
      stepsPerEpoch: this.stepsPerEpoch,
      options: this.options,
      build: this.build,
    });
    for (let epoch = this.epochsDone + 1; epoch <= epochs; epoch++) {
      const record = await this.trainEpoch(epoch, onEvent, control);
      history.epochs.push(record);
      this.epochsDone = epoch;
      // The epoch is announced only once afterEpoch has kept it (the CLI's checkpoint): a run
      // stopped at any moment never loses an epoch it reported.
      await control.afterEpoch?.(epoch, record);
      onEvent({ type: 'epoch', epoch, ...record });
    }
    return history;
  }

  /** How steps are grouped into submits now, and the measured time per step (ms; undefined before the first). */
  get pacing(): Pacing & { stepMs: number | undefined; stepsSubmitted: number; stepsDone: number; inFlightBound: number } {
    const { clock, stepsSubmitted, stepsDone, inFlightBound } = this;
    return { ...clock.pacing, stepMs: clock.stepMs, stepsSubmitted, stepsDone, inFlightBound };
  }

  /** Finished epochs (a fit continues after them). */
  get epochsFinished(): number {
    return this.epochsDone;
  }

  /** Reads back the state a later run needs to continue exactly from here (between epochs). */
  async exportState(): Promise<TrainerState> {
    const { device } = this.gpu;
    const { step } = this;
    const [params, moment1, moment2, stepState] = await Promise.all([
      readF32(device, step.params, step.length),
      readF32(device, step.moment1, step.length),
      this.options.optimizer === 'adam' ? readF32(device, step.moment2, step.length) : Promise.resolve(null),
      readStepState(device, step.state),
    ]);
    if (this.lostMessage !== undefined) throw new DeviceLostError(this.lostMessage);
    return { epoch: this.epochsDone, step: stepState.step, shuffleRng: this.rng.getState(), params, moment1, moment2 };
  }

  /** Continues from an exported state (of a trainer with the same options); call before fit. */
  importState(s: TrainerState): void {
    const n = this.model.params.length;
    const sized = (name: string, a: Float32Array | null) => {
      if (a && a.length !== n) throw new Error(`trainer state: ${name} has ${a.length} floats, expected ${n}`);
    };
    sized('params', s.params);
    sized('moment1', s.moment1);
    sized('moment2', s.moment2);
    if (this.options.optimizer === 'adam' && !s.moment2) throw new Error('trainer state: Adam needs moment2');
    for (const [name, v] of [['epoch', s.epoch], ['step', s.step]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`trainer state: bad ${name} ${v}`);
    }
    const { device } = this.gpu;
    const { step } = this;
    writeBuffer(device, step.params, s.params);
    writeBuffer(device, step.moment1, s.moment1);
    if (s.moment2) writeBuffer(device, step.moment2, s.moment2);
    writeStepState(device, step.state, { step: s.step, batch: 0, seed: this.options.seed });
    this.rng.setState(s.shuffleRng);
    this.epochsDone = s.epoch;
  }

  /** The device's loss message, once it is lost. */
  private get lostMessage(): string | undefined {
    return lostMessage(this.gpu.lost);
  }

  private checkAlive(control: FitControl): void {
    if (this.lostMessage !== undefined) throw new DeviceLostError(this.lostMessage);
    if (this.nonFinite) throw this.nonFinite;
    if (this.destroyed) throw new Error('the trainer was destroyed');
    if (control.signal?.aborted) throw new TrainingStoppedError();
  }

  private async trainEpoch(epoch: number, onEvent: (e: TrainEvent) => void, control: FitControl) {
    const { device } = this.gpu;
    const pass = this.trainPass;
    const start = performance.now();
    const order = identityOrder(this.trainCount);
    if (this.options.shuffle) this.rng.shuffle(order);
    pass.setOrder(order);
    writeEpochStart(device, this.step.state);

    const steps = pass.batches;
    const readEvery = Math.max(1, Math.ceil(steps / PROGRESS_READS_PER_EPOCH));
    let reported = 0; // batches whose losses have been sent in a progress event
    let nextRead = readEvery;
    const pendingReads: Promise<void>[] = [];
    let pausedMs = 0; // time held by a pause (not training time)

    const report = (done: number, lossSums: Float32Array, correct: Uint32Array) => {
      if (done <= reported) return;
      const bad = firstNonFiniteBatch({ lossSums, correct }, 0, done);
      if (bad >= 0) {
        this.nonFinite ??= new NonFiniteError(epoch, bad + 1, 'loss');
        return;
      }
      let loss = 0;
      let right = 0;
      let samples = 0;
      for (let k = 0; k < done; k++) {
        loss += lossSums[k];
        right += correct[k];
        samples += pass.batchSize(k);
      }
      const batchLosses: number[] = [];
      for (let k = reported; k < done; k++) batchLosses.push(lossSums[k] / pass.batchSize(k));
      reported = done;
      const seconds = (performance.now() - start - pausedMs) / 1000;
      onEvent({
        type: 'progress',
        epoch,
        step: done,
        steps,
        loss: loss / samples,
        accuracy: right / samples,
        samplesPerSecond: samples / seconds,
        batchLosses,
      });
    };

    // Submits on the GPU, oldest first; the pacing bounds how many steps may be in flight.
    const inFlight: { steps: number; bound: number; submittedAt: number; done: Promise<unknown> }[] = [];
    const updateBound = () => {
      this.inFlightBound = Math.max(stepsAfterPause(this.clock.pacing), ...inFlight.map((s) => s.bound));
    };
    const drainTo = async (submits: number) => {
      while (inFlight.length > submits) {
        const s = inFlight.shift()!;
        await s.done;
        this.clock.record(s.steps, s.submittedAt, performance.now());
        this.stepsDone += s.steps;
        updateBound();
      }
    };
    this.clock.idle();
    for (let k = 0; k < steps; ) {
      if (control.isPaused?.()) {
        // Held at the boundary after step k: the steps in flight finish and are reported.
        await drainTo(0);
        await Promise.all(pendingReads);
        this.checkAlive(control);
        if (k > reported && pass.readback.canRead) {
          const m = await pass.readback.read();
          report(k, m.lossSums, m.correct);
        }
        this.checkAlive(control);
        const heldAt = performance.now();
        await control.waitIfPaused?.({ epoch, step: k });
        pausedMs += performance.now() - heldAt;
        this.clock.idle();
      }
      this.checkAlive(control);
      const pacing = this.clock.pacing;
      const { stepsPerSubmit, inFlight: depth } = pacing;
      const encoder = device.createCommandEncoder({ label: `epoch ${epoch} steps ${k}+` });
      const first = k;
      const end = Math.min(steps, k + stepsPerSubmit, pass.windowEnd(k));
      pass.stage(k);
      encodeDispatches(encoder, this.step.dispatches(pass, first, end));
      k = end;
      device.queue.submit([encoder.finish()]);
      this.stepsSubmitted += end - first;
      inFlight.push({ steps: end - first, bound: stepsAfterPause(pacing), submittedAt: performance.now(), done: device.queue.onSubmittedWorkDone() });
      updateBound();
      await drainTo(depth - 1);
      if (k >= nextRead && k < steps && pass.readback.canRead) {
        nextRead = k + readEvery;
        const done = k;
        const read = pass.readback.read().then((m) => report(done, m.lossSums, m.correct));
        // Awaited at the end of the epoch; if the epoch ends early (stop, device lost) it must
        // not surface as an unhandled rejection.
        read.catch(() => {});
        pendingReads.push(read);
      }
    }
    await drainTo(0);
    await Promise.all(pendingReads);
    const final = await pass.readback.read();
    this.checkAlive(control);
    report(steps, final.lossSums, final.correct);
    this.checkAlive(control);
    const trainMetrics = pass.summarize(final.lossSums, final.correct);
    const validation = this.validationPass ? await this.runEvaluation(this.validationPass) : undefined;
    if (validation && !Number.isFinite(validation.loss)) throw new NonFiniteError(epoch, null, 'validation loss');
    return {
      loss: trainMetrics.loss,
      accuracy: trainMetrics.accuracy,
      val_loss: validation?.loss ?? Number.NaN,
      val_accuracy: validation?.accuracy ?? Number.NaN,
      seconds: (performance.now() - start - pausedMs) / 1000,
    };
  }

  /**
   * Times training steps on this adapter (ms per step, for run estimates) and leaves the
   * trainer as it was: the parameters, optimizer moments and step state are copied aside and
   * back. One untimed step first (first-use costs), then `repeats` timings of up to `count`
   * steps in one submit each; the fastest counts (other work on the machine can only slow a
   * timing down, never speed it up). Call between runs, never during fit.
   */
  async timeSteps(count = 3, repeats = 3): Promise<number> {
    const { device } = this.gpu;
    const { params, moment1, moment2, state } = this.step;
    const kept = [params, moment1, moment2, state];
    const backups = kept.map((b) => device.createBuffer({ label: `${b.label} (kept while timing)`, size: b.size, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST }));
    const copyAll = (from: GPUBuffer[], to: GPUBuffer[]) => {
      const encoder = device.createCommandEncoder({ label: 'timing: keep state' });
      from.forEach((b, i) => encoder.copyBufferToBuffer(b, 0, to[i], 0, b.size));
      device.queue.submit([encoder.finish()]);
    };
    const pass = this.trainPass;
    const run = async (steps: number) => {
      writeEpochStart(device, state);
      const encoder = device.createCommandEncoder({ label: 'timing steps' });
      encodeDispatches(encoder, this.step.dispatches(pass, 0, steps));
      const t0 = performance.now();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    };
    try {
      copyAll(kept, backups);
      pass.setOrder(identityOrder(this.trainCount));
      pass.stage(0);
      await run(1);
      const steps = Math.max(1, Math.min(count, pass.windowEnd(0)));
      let ms = Infinity;
      for (let r = 0; r < Math.max(1, repeats); r++) ms = Math.min(ms, (await run(steps)) / steps);
      if (this.lostMessage !== undefined) throw new DeviceLostError(this.lostMessage);
      return ms;
    } finally {
      copyAll(backups, kept);
      await device.queue.onSubmittedWorkDone().catch(() => undefined);
      for (const b of backups) b.destroy();
    }
  }

  /** Runs the first `batches` batches of an evaluation pass and returns loss and accuracy. */
  private async runEvaluation(pass: Pass, batches = pass.batches): Promise<Evaluation> {
    const result = await this.evaluator.run(pass, batches);
    if (this.lostMessage !== undefined) throw new DeviceLostError(this.lostMessage);
    return result;
  }

  /**
   * Loss and accuracy on the dataset's test images, or on the first `limit` of them rounded up
   * to whole evaluation batches (of EVAL_BATCH images; for quick checks).
   */
  async evaluate(limit?: number): Promise<Evaluation> {
    const result = await this.evaluator.evaluate(limit);
    if (this.lostMessage !== undefined) throw new DeviceLostError(this.lostMessage);
    return result;
  }

  /** Loss and accuracy on the held-out validation images (undefined without a split). */
  async evaluateValidation(): Promise<Evaluation | undefined> {
    return this.validationPass ? this.runEvaluation(this.validationPass) : undefined;
  }

  /** Class probabilities (N, classes) for N images given as bytes (N, H, W, C). */
  /** What the model makes of the images' bytes (its dataset's input scaling). */
  get scaling(): InputScaling {
    return this.evaluator.scaling;
  }

  predict(images: Uint8Array, count?: number): Promise<Float32Array> {
    return this.evaluator.predict(images, count);
  }

  /** The input of the last Dense layer and the class probabilities for N images (GpuModel.penultimate). */
  penultimate(images: Uint8Array, count?: number, onBatch?: (done: number) => void): Promise<PenultimateOutputs> {
    return this.evaluator.penultimate(images, count, onBatch);
  }

  /** The flat parameters (model.params.length floats, the model's parameter table layout). */
  getWeights(): Promise<Float32Array> {
    return this.evaluator.getWeights();
  }

  /** Replaces the parameters (optimizer moments are kept). */
  setWeights(weights: Float32Array): void {
    this.evaluator.setWeights(weights);
  }

  setLearningRate(lr: number): void {
    this.step.optimizer.setLearningRate(lr);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const o of this.owned.reverse()) o.destroy();
  }
}

