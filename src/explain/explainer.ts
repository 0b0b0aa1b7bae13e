// What the network sees in one image, computed on the GPU: every layer's output (feature
// maps), the saliency d(class logit)/d(input) and Grad-CAM on a convolution. Built once per
// model: one training plan of batch 1 over the model in inference mode
// (src/explain/inference-mode-model.ts: no dropout, BatchNormalization on its moving statistics,
// augmentation the identity), every layer on its own (no fusion, so each layer's output and
// dL/d output are the tensors Keras defines) and with the input gradient the training plans
// skip. An explanation runs the plan's forward (the gather and the loss left out: the input is
// written as the model sees it), reads the logits, writes a one-hot dL/d logits for the class
// (the gradient of the score before softmax) and runs the backward; the weight gradients it
// also writes go to a buffer of the explainer's own and are not used. Every buffer, pipeline
// and bind group is made by the constructor; an explanation makes a command encoder per pass.
import { createBufferWith, createStorageBuffer, writeBuffer } from '../gpu/buffers.ts';
import { encodeDispatches, type Dispatch } from '../gpu/kernel.ts';
import type { GpuContext } from '../layers/types.ts';
import { createStepState } from '../layers/step-state.ts';
import { shapeSize, type ModelInfo } from '../model/model-info.ts';
import { createModelPlan, type ModelPlan } from '../train/model-plan.ts';
import { softmaxRows } from '../train/gpu-model.ts';
import { scaleTable } from '../layers/gather.ts';
import type { InputScaling } from '../data/image-dataset.ts';
import { inferenceModeModel } from './inference-mode-model.ts';
import type { KernelChoices, KernelPass } from '../gpu/kernel-registry.ts';
import { isFastConv } from '../layers/single-layers.ts';
import { conv2dLayers, gradCam, type GradCam } from './grad-cam.ts';

/** One layer's output for the explained image. */
export interface FeatureMap {
  layer: string;
  type: string;
  /** The output's shape without the batch: (h, w, c) or (n). */
  shape: readonly number[];
  /** Channels-last values; the last layer's are its logits (the softmax is `probabilities`). */
  values: Float32Array;
}

export interface Explanation {
  /** The class the saliency and Grad-CAM explain (the predicted one unless chosen). */
  classIndex: number;
  /** (classes) the scores before softmax. */
  logits: Float32Array;
  /** (classes) their softmax. */
  probabilities: Float32Array;
  /** Every layer's output, in model order. */
  featureMaps: FeatureMap[];
  /** (H, W, C) d logits[classIndex] / d input, in the input's order. */
  saliency: Float32Array;
  /** On the chosen (default: last) Conv2D; absent for a model without one. */
  gradCam?: GradCam;
}

export interface ExplainerOptions {
  /** The Conv2D layer Grad-CAM uses when an explanation names none (default: the model's last Conv2D). */
  gradCamLayer?: string;
  /** Kernel choices by layer and pass, over the explainer's own (explainKernelChoices). */
  kernels?: KernelChoices;
}

/**
 * The explainer's kernel choices: at batch 1 every kernel runs in milliseconds, so it takes the
 * kernels quickest to compile, not the fastest at training's batch sizes: the seed network's
 * explanation plan compiled in about 6 s on SwiftShader with these, 50-70 s with the training
 * rules (the 16x16-tile dense kernels, the one-channel whole-row conv forward, the per-tile-class
 * conv input gradient). Kernel choices given to the explainer override these.
 */
export function explainKernelChoices(model: ModelInfo): KernelChoices {
  const choices: Record<string, Partial<Record<KernelPass, string>>> = {};
  for (const l of model.layers) {
    if (isFastConv(l)) {
      choices[l.spec.name] = {
        ...(l.inputShape[2] === 1 ? { forward: 'conv2d.forward.tile4x4' } : {}),
        'backward-input': 'conv2d.backward-input.direct',
        'backward-filter': 'conv2d.backward-filter.positions',
      };
    } else if (l.spec.type === 'Dense') {
      choices[l.spec.name] = { forward: 'dense.forward.tile4x4', 'backward-input': 'dense.backward-input.tile4x4', 'backward-weights': 'dense.backward-weights.tile4x4' };
    }
  }
  return choices;
}

/** The model's input for image bytes (H, W, C), scaled as the gather scales them. */
export function modelInput(pixels: Uint8Array, scaling: InputScaling = 'divide-255'): Float32Array {
  const table = scaleTable(scaling);
  return Float32Array.from(pixels, (p) => table[p]);
}

/** The Conv2D layer Grad-CAM reads: `name`, or the model's last Conv2D (undefined when it has none). */
export function gradCamLayerOf(model: ModelInfo, name?: string): string | undefined {
  const convs = conv2dLayers(model);
  if (name === undefined) return convs[convs.length - 1];
  if (!convs.includes(name)) throw new Error(`Grad-CAM: "${name}" is not a Conv2D layer of the model (its Conv2D layers: ${convs.join(', ') || 'none'})`);
  return name;
}

interface Readout {
  buffer: GPUBuffer;
  offset: number; // floats into the staging buffer
  count: number;
}

export class Explainer {
  private readonly plan: ModelPlan;
  private readonly forward: Dispatch[];
  private readonly backward: Dispatch[];
  private readonly logitsGrad: GPUBuffer;
  private readonly maps: { layer: string; type: string; shape: readonly number[]; read: Readout }[];
  private readonly featureStaging: GPUBuffer;
  private readonly featureFloats: number;
  private readonly inputGradient: Readout;
  private readonly gradientStaging: GPUBuffer; // the input gradient, then the Grad-CAM layer's
  private readonly camDefault?: string;
  private readonly owned: { destroy(): void }[] = [];
  private readonly ownParams?: GPUBuffer;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: GpuContext,
    readonly model: ModelInfo,
    params: Float32Array | GPUBuffer,
    options: ExplainerOptions = {},
  ) {
    const { device } = ctx;
    const own = <T extends { destroy(): void }>(x: T): T => (this.owned.push(x), x);
    const small = (label: string) => own(createStorageBuffer(device, 16, `explain ${label}`));
    try {
      const camName = gradCamLayerOf(model, options.gradCamLayer);
      if (params instanceof Float32Array && params.length !== model.params.length) {
        throw new Error(`weights have ${params.length} floats, expected ${model.params.length}`);
      }
      if (params instanceof Float32Array) this.ownParams = own(createBufferWith(device, params, 'explain params'));
      const paramBuffer = this.ownParams ?? (params as GPUBuffer);
      const shared = {
        params: paramBuffer,
        grads: own(createStorageBuffer(device, model.params.length * 4, 'explain weight grads (unused)')),
        state: own(createStepState(device, 0, 'explain state')),
        images: own(createStorageBuffer(device, model.inputSize, 'explain images (unused)')),
        labels: small('labels'), indices: small('indices'), batchLoss: small('batch loss'), batchCorrect: small('batch correct'),
      };
      const plan = createModelPlan(ctx, inferenceModeModel(model), {
        batch: 1, imageCount: 1, slots: 1, training: true, inputGradient: true, unfused: true,
        kernels: { ...explainKernelChoices(model), ...options.kernels },
      }, shared);
      this.plan = own(plan);
      const layers = plan.layers.filter((p) => p.name !== 'gather' && p.name !== 'loss');
      this.forward = layers.flatMap((p) => p.forward);
      this.backward = layers.slice().reverse().flatMap((p) => p.backward);
      const last = model.layers[model.layers.length - 1].spec.name;
      const logitsGrad = plan.gradients.get(last);
      if (!logitsGrad || !plan.inputGradient) throw new Error('explain: the plan keeps no gradient of the logits or the input');
      this.logitsGrad = logitsGrad;

      // Each distinct output buffer once (a layer that computes nothing shares its input's).
      const offsets = new Map<GPUBuffer, Readout>();
      let floats = 0;
      this.maps = model.layers.map((l) => {
        const buffer = plan.activations.get(l.spec.name)!;
        const count = shapeSize(l.outputShape);
        let read = offsets.get(buffer);
        if (!read) {
          read = { buffer, offset: floats, count };
          offsets.set(buffer, read);
          floats += count;
        }
        return { layer: l.spec.name, type: model.layers[l.index].spec.type, shape: l.outputShape, read };
      });
      this.featureFloats = floats;
      this.featureStaging = own(device.createBuffer({ label: 'explain features staging', size: floats * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));

      // Every convolution keeps its own dL/d output: any of them can weigh Grad-CAM, chosen per explanation.
      this.inputGradient = { buffer: plan.inputGradient, offset: 0, count: model.inputSize };
      this.camDefault = camName;
      const convFloats = model.layers.filter((l) => l.spec.type === 'Conv2D').map((l) => shapeSize(l.outputShape));
      const gradientFloats = model.inputSize + Math.max(0, ...convFloats);
      this.gradientStaging = own(device.createBuffer({ label: 'explain gradients staging', size: gradientFloats * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  /**
   * Explains one image given as the model's input (H, W, C) floats (modelInput scales bytes):
   * for `classIndex`, or the predicted class; Grad-CAM on `camLayer` (a Conv2D), or the
   * explainer's default. Calls run one after another.
   */
  explain(input: Float32Array, classIndex?: number, camLayer?: string): Promise<Explanation> {
    const run = this.queue.then(() => this.run(input, classIndex, camLayer));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** explain() of image bytes (H, W, C), scaled as the model's dataset scales them. */
  explainPixels(pixels: Uint8Array, scaling: InputScaling = 'divide-255', classIndex?: number, camLayer?: string): Promise<Explanation> {
    return this.explain(modelInput(pixels, scaling), classIndex, camLayer);
  }

  private async run(input: Float32Array, classIndex?: number, camLayer?: string): Promise<Explanation> {
    const { model } = this;
    const { device } = this.ctx;
    if (input.length !== model.inputSize) throw new Error(`explain: expected ${model.inputShape.join(' x ')} = ${model.inputSize} input values, got ${input.length}`);
    if (classIndex !== undefined && !(Number.isInteger(classIndex) && classIndex >= 0 && classIndex < model.classes)) {
      throw new Error(`explain: class ${classIndex} is not one of the model's ${model.classes} classes (0 .. ${model.classes - 1})`);
    }
    const camName = camLayer === undefined ? this.camDefault : gradCamLayerOf(model, camLayer);
    const camIndex = model.layers.findIndex((l) => l.spec.name === camName);
    const camShape = camIndex >= 0 ? model.layers[camIndex].outputShape : undefined;
    const gradientReads = [this.inputGradient];
    if (camName && camShape) gradientReads.push({ buffer: this.plan.gradients.get(camName)!, offset: model.inputSize, count: shapeSize(camShape) });
    writeBuffer(device, this.plan.input, input);
    const features = await this.runAndRead('explain forward', this.forward, this.maps.map((m) => m.read), this.featureStaging, this.featureFloats);
    const featureMaps = this.maps.map((m): FeatureMap => ({
      layer: m.layer, type: m.type, shape: m.shape, values: features.slice(m.read.offset, m.read.offset + m.read.count),
    }));
    const logits = featureMaps[featureMaps.length - 1].values.slice();
    const probabilities = new Float32Array(model.classes);
    softmaxRows(logits, probabilities, model.classes);
    const cls = classIndex ?? argmax(logits);

    const oneHot = new Float32Array(model.classes);
    oneHot[cls] = 1;
    writeBuffer(device, this.logitsGrad, oneHot);
    const gradients = await this.runAndRead('explain backward', this.backward, gradientReads, this.gradientStaging);
    const saliency = gradients.slice(0, model.inputSize);
    return {
      classIndex: cls,
      logits,
      probabilities,
      featureMaps,
      saliency,
      gradCam: camName && camShape ? gradCam(camName, camShape, featureMaps[camIndex].values, gradients.subarray(model.inputSize), model.inputShape) : undefined,
    };
  }

  /** Replaces the weights (an explainer built from a Float32Array: it holds its own copy); later explanations use them. */
  setWeights(weights: Float32Array): void {
    if (!this.ownParams) throw new Error('explain: the weights are the buffer the explainer was given; write them there');
    if (weights.length !== this.model.params.length) throw new Error(`weights have ${weights.length} floats, expected ${this.model.params.length}`);
    writeBuffer(this.ctx.device, this.ownParams, weights);
  }

  /** Runs `dispatches`, copies `reads` into `staging` and returns its floats. */
  private async runAndRead(label: string, dispatches: Dispatch[], reads: Readout[], staging: GPUBuffer, floats = staging.size / 4): Promise<Float32Array> {
    const { device } = this.ctx;
    const encoder = device.createCommandEncoder({ label });
    encodeDispatches(encoder, dispatches, label);
    const copied = new Set<Readout>();
    for (const r of reads) {
      if (copied.has(r)) continue;
      copied.add(r);
      encoder.copyBufferToBuffer(r.buffer, 0, staging, r.offset * 4, r.count * 4);
    }
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ, 0, floats * 4);
    const values = new Float32Array(staging.getMappedRange(0, floats * 4).slice(0));
    staging.unmap();
    return values;
  }

  destroy(): void {
    for (const o of this.owned.reverse()) o.destroy();
    this.owned.length = 0;
  }
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * One explanation of image bytes with a model's weights (what a command line needs): builds the
 * explainer, explains, releases it. Keep an Explainer to explain several images.
 */
export async function explainImage(
  ctx: GpuContext,
  model: ModelInfo,
  params: Float32Array,
  pixels: Uint8Array,
  options: ExplainerOptions & { scaling?: InputScaling; classIndex?: number } = {},
): Promise<Explanation> {
  const explainer = new Explainer(ctx, model, params, options);
  try {
    return await explainer.explainPixels(pixels, options.scaling, options.classIndex);
  } finally {
    explainer.destroy();
  }
}
