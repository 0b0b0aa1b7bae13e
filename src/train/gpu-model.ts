// A model on the GPU without training state: its flat parameters, the evaluation passes
// (test set, prediction) and weights IO; no gradients, optimizer moments or training plan.
// Its plans share the trainer's pipelines wherever a kernel is the same (the batch size is read
// at run time), and a prediction of n images runs a batch of n (up to EVAL_BATCH at a time).
// `npm run evaluate` and the page's prediction use it alone; the Trainer builds one over its
// own parameter buffer and adds the training side.
import { createBufferWith, createStorageBuffer, readF32, writeBuffer } from '../gpu/buffers.ts';
import { encodeDispatches, type Dispatch } from '../gpu/kernel.ts';
import type { Mnist, MnistSplit } from '../data/mnist.ts';
import { describeDataset, shapeText, type ImageDataset, type InputScaling } from '../data/image-dataset.ts';
import { datasetModelProblem } from './dataset-fit.ts';
import type { ModelInfo } from '../model/model-info.ts';
import type { GpuContext } from '../layers/types.ts';
import { createStepEnd, createStepState, writeEpochStart } from '../layers/step-state.ts';
import { uploadSplit, type GpuImages } from './dataset-gpu.ts';
import { Pass, identityOrder } from './pass.ts';
import type { Evaluation } from './types.ts';
import type { KernelChoices } from '../gpu/kernel-registry.ts';
import { currentPipelineBuild, type BuildCost } from '../gpu/pipeline-build.ts';
import { pipelinesCompiled } from '../gpu/pipeline-cache.ts';
import { penultimateLayer, type PenultimateLayer } from '../explain/penultimate.ts';

/** Batch size of evaluation and prediction passes. */
export const EVAL_BATCH = 500;

/** The test split a model that only predicts is built over: one blank image (prediction runs its own pass). */
export function blankSplit(model: ModelInfo): MnistSplit {
  return { images: new Uint8Array(model.inputSize), labels: new Uint8Array(1), count: 1 };
}

/** GpuModel.penultimate's answer. */
export interface PenultimateOutputs {
  layer: PenultimateLayer;
  /** (N, layer.width) the input of the last Dense layer, channels-last. */
  features: Float32Array;
  /** (N, classes) the softmax of the logits. */
  probabilities: Float32Array;
}

export class GpuModel {
  /** (model.params.length) f32: the parameters (owned unless given to the constructor). */
  readonly params: GPUBuffer;
  /** StepState of evaluation passes (shared by every pass this model evaluates). */
  readonly evalState: GPUBuffer;
  private readonly evalEnd: Dispatch;
  private readonly testPass: Pass;
  private readonly predictImages: GpuImages; // (EVAL_BATCH, H, W, C) bytes
  private readonly predictPass: Pass;
  private readonly logitsStaging: GPUBuffer; // (EVAL_BATCH, classes) f32, MAP_READ
  /** (EVAL_BATCH, classes + penultimate width) f32, MAP_READ: made by the first penultimate() and kept. */
  private penultimateStaging: GPUBuffer | undefined;
  private readonly owned: { destroy(): void }[] = [];
  /**
   * What building the model cost: the pipelines it compiled and the constructor's milliseconds.
   * Made inside a Trainer's build, its pipelines compile with the trainer's afterwards
   * (Trainer.build counts them): here pipelines counts them and ms only their requests.
   */
  readonly build: BuildCost;

  /**
   * Builds the evaluation passes of `model` over the `test` split. `params` is either the
   * weights to upload (the model owns the buffer) or a parameter buffer owned by the caller.
   */
  constructor(
    private readonly ctx: GpuContext,
    readonly model: ModelInfo,
    params: Float32Array | GPUBuffer,
    test: MnistSplit,
    /** The buffer gradients are written to by a training caller's plans (evaluation plans never write it). */
    grads?: GPUBuffer,
    /** Overrides of the kernel registry's fixed rules for every evaluation pass. */
    private readonly kernels?: KernelChoices,
    /** What the gather makes of the images' bytes: 'divide-255' (MNIST, Fashion-MNIST) or 'none' (the user's own images). */
    readonly scaling: InputScaling = 'divide-255',
    /** Bytes of test images kept on the GPU at once; more are streamed (default: the device's largest binding). */
    residentBytes?: number,
  ) {
    const { device } = ctx;
    const start = performance.now();
    const compiledBefore = pipelinesCompiled(device);
    const inBuild = currentPipelineBuild();
    const builtBefore = inBuild?.compiled ?? 0;
    const owned = (x: { destroy(): void }) => {
      this.owned.push(x);
      return x;
    };
    if (params instanceof Float32Array) {
      if (params.length !== model.params.length) throw new Error(`weights have ${params.length} floats, expected ${model.params.length}`);
      this.params = owned(createBufferWith(device, params, 'params')) as GPUBuffer;
    } else {
      this.params = params;
    }
    // Evaluation plans bind the gradient buffer's slot without writing it: a 16-byte stand-in.
    const noGrads = grads ?? (owned(createStorageBuffer(device, 16, 'no grads')) as GPUBuffer);
    this.evalState = owned(createStepState(device, 0, 'eval state')) as GPUBuffer;
    this.evalEnd = createStepEnd(ctx, this.evalState);
    const testData = owned(uploadSplit(device, test, test.count, model.inputSize, 'test', residentBytes)) as GpuImages;
    const common = { params: this.params, grads: noGrads, state: this.evalState };
    this.testPass = owned(new Pass(ctx, model, { label: 'test', count: testData.stream?.count ?? testData.count, batch: EVAL_BATCH, training: false, kernels, scaling }, { ...common, data: testData })) as Pass;
    this.testPass.setOrder(identityOrder(this.testPass.count));
    const images = createStorageBuffer(device, EVAL_BATCH * model.inputSize, 'predict images');
    const labels = createStorageBuffer(device, EVAL_BATCH * 4, 'predict labels');
    const predictImages: GpuImages = { images, labels, count: EVAL_BATCH, destroy: () => (images.destroy(), labels.destroy()) };
    this.predictImages = owned(predictImages) as GpuImages;
    this.predictPass = owned(
      new Pass(ctx, model, { label: 'predict', count: EVAL_BATCH, batch: EVAL_BATCH, training: false, kernels, scaling, resizable: true }, { ...common, data: this.predictImages }),
    ) as Pass;
    this.predictPass.setOrder(identityOrder(EVAL_BATCH));
    this.logitsStaging = owned(
      device.createBuffer({ label: 'logits staging', size: EVAL_BATCH * model.classes * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    ) as GPUBuffer;
    const pipelines = inBuild ? inBuild.compiled - builtBefore : pipelinesCompiled(device) - compiledBefore;
    this.build = { pipelines, ms: performance.now() - start };
  }

  /** An evaluation pass of this model over other data (the Trainer's validation split), sharing the model's parameters. */
  evaluationPass(label: string, data: GpuImages, count: number, grads: GPUBuffer): Pass {
    return new Pass(this.ctx, this.model, { label, count, batch: EVAL_BATCH, training: false, kernels: this.kernels, scaling: this.scaling }, { params: this.params, grads, state: this.evalState, data });
  }

  /** Runs the first `batches` batches of an evaluation pass and returns loss and accuracy. */
  async run(pass: Pass, batches = pass.batches): Promise<Evaluation> {
    const { device } = this.ctx;
    writeEpochStart(device, this.evalState);
    // One submit per data window (one in all when the split is resident).
    for (let first = 0; first < batches; ) {
      const end = Math.min(batches, pass.windowEnd(first));
      pass.stage(first);
      const encoder = device.createCommandEncoder({ label: 'evaluation' });
      const list: Dispatch[] = [];
      for (let k = first; k < end; k++) list.push(...pass.inferBatch(k), this.evalEnd);
      encodeDispatches(encoder, list);
      device.queue.submit([encoder.finish()]);
      first = end;
    }
    const m = await pass.readback.read();
    return pass.summarize(m.lossSums, m.correct, batches);
  }

  /**
   * Loss and accuracy on the test split, or on its first `limit` images rounded up to whole
   * evaluation batches (for quick checks).
   */
  evaluate(limit?: number): Promise<Evaluation> {
    const pass = this.testPass;
    const batches = limit === undefined ? pass.batches : Math.min(pass.batches, Math.max(1, Math.ceil(limit / pass.batch)));
    return this.run(pass, batches);
  }

  /** Class probabilities (N, classes) for N images given as bytes (N, H, W, C). */
  async predict(images: Uint8Array, count = images.length / this.model.inputSize): Promise<Float32Array> {
    const classes = this.model.classes;
    const out = new Float32Array(count * classes);
    await this.inferImages('predict', images, count, [this.predictPass.logits(0)], [classes], this.logitsStaging, (first, n, [logits]) => {
      softmaxRows(logits, out.subarray(first * classes, (first + n) * classes), classes);
    });
    return out;
  }

  /**
   * What the network makes of N images (bytes (N, H, W, C)) before its classifier: the input
   * of its last Dense layer (penultimate.ts), (N, width) floats, with the class probabilities
   * (N, classes), from the same evaluation passes as predict (EVAL_BATCH images a batch, one
   * readback each). `onBatch` hears the images done after each batch.
   */
  async penultimate(images: Uint8Array, count = images.length / this.model.inputSize, onBatch?: (done: number) => void): Promise<PenultimateOutputs> {
    const layer = penultimateLayer(this.model);
    const { classes } = this.model;
    const plan = this.predictPass.mainPlan;
    const source = layer.source === undefined ? plan.input : plan.activations.get(layer.source);
    if (!source) throw new Error(`the evaluation plan keeps no output of ${layer.source}`);
    this.penultimateStaging ??= this.ctx.device.createBuffer({
      label: 'penultimate staging', size: EVAL_BATCH * (classes + layer.width) * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const features = new Float32Array(count * layer.width);
    const probabilities = new Float32Array(count * classes);
    await this.inferImages('penultimate', images, count, [plan.logits, source], [classes, layer.width], this.penultimateStaging, (first, n, [logits, values]) => {
      softmaxRows(logits, probabilities.subarray(first * classes, (first + n) * classes), classes);
      features.set(values, first * layer.width);
      onBatch?.(first + n);
    });
    return { layer, features, probabilities };
  }

  /**
   * Runs the prediction pass over `count` images in batches of EVAL_BATCH; after each batch
   * copies the first n rows of each of `reads` (with `floats` values per image) into `staging`
   * one after another, reads them back once and hands `take` each one's (n, floats) values.
   */
  private async inferImages(
    label: string,
    images: Uint8Array,
    count: number,
    reads: GPUBuffer[],
    floats: number[],
    staging: GPUBuffer,
    take: (first: number, n: number, values: Float32Array[]) => void,
  ): Promise<void> {
    const pixels = this.model.inputSize;
    if (!Number.isInteger(count) || count < 0 || images.length < count * pixels) {
      throw new Error(`${label}: expected (N, ${this.model.inputShape.join(', ')}) bytes, got ${images.length} bytes for ${count} images`);
    }
    const { device } = this.ctx;
    for (let first = 0; first < count; first += EVAL_BATCH) {
      // A batch of the n images themselves: the kernels read n at run time.
      const n = Math.min(EVAL_BATCH, count - first);
      writeBuffer(device, this.predictImages.images, images.subarray(first * pixels, (first + n) * pixels));
      writeEpochStart(device, this.evalState);
      const encoder = device.createCommandEncoder({ label });
      encodeDispatches(encoder, this.predictPass.inferCount(n));
      let bytes = 0;
      reads.forEach((buffer, i) => {
        encoder.copyBufferToBuffer(buffer, 0, staging, bytes, n * floats[i] * 4);
        bytes += n * floats[i] * 4;
      });
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ, 0, bytes);
      const mapped = new Float32Array(staging.getMappedRange(0, bytes));
      let at = 0;
      take(first, n, floats.map((f) => mapped.subarray(at, (at += n * f))));
      staging.unmap();
    }
  }

  /** The flat parameters (the model's table layout). */
  getWeights(): Promise<Float32Array> {
    return readF32(this.ctx.device, this.params, this.model.params.length);
  }

  /** Replaces the parameters. */
  setWeights(weights: Float32Array): void {
    if (weights.length !== this.model.params.length) {
      throw new Error(`weights have ${weights.length} floats, expected ${this.model.params.length}`);
    }
    writeBuffer(this.ctx.device, this.params, weights);
  }

  destroy(): void {
    this.penultimateStaging?.destroy();
    this.penultimateStaging = undefined;
    for (const o of this.owned.reverse()) o.destroy();
    this.owned.length = 0;
  }
}

/** Row-wise softmax of (N, classes) logits into `out`. */
export function softmaxRows(logits: Float32Array, out: Float32Array, classes: number): void {
  for (let r = 0; r < out.length / classes; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(row[c] - max);
    for (let c = 0; c < classes; c++) out[r * classes + c] = Math.exp(row[c] - max) / sum;
  }
}

/** Throws datasetModelProblem's line, or when the images' bytes do not make whole images of that shape. */
export function checkDataMatchesModel(data: Mnist | ImageDataset, model: ModelInfo): void {
  const problem = datasetModelProblem(describeDataset(data), model);
  if (problem) throw new Error(problem);
  const pixels = data.train.images.length / Math.max(1, data.train.count);
  if (pixels !== model.inputSize) throw new Error(`the dataset's images hold ${pixels} values each, not ${shapeText(model.inputShape)}`);
}
