// The worker's side of "Teach it your handwriting": scores the current model on the user's
// held-back samples and a slice of the MNIST test set, fine-tunes a copy of it
// (src/train/fine-tune.ts), scores the copy, and makes its weights the current model's. The
// current model keeps predicting meanwhile (the draw pad, the number reader). A stopped
// fine-tune changes nothing.
import type { Gpu } from '../../gpu/device.ts';
import type { BuildProgress } from '../../gpu/pipeline-build.ts';
import type { Mnist, MnistSplit } from '../../data/mnist.ts';
import type { ModelInfo } from '../../model/model-info.ts';
import { firstImages, fineTune, warmFineTune, type FineTuneSettings } from '../../train/fine-tune.ts';
import { scoreModel, type Predict } from './fine-tune-scores.ts';
import type { FineTuneEvent, FineTuneRequest } from './fine-tune-messages.ts';
import { DIGITS } from '../mnist-style.ts';

/** The worker's current model, as far as a fine-tune uses it. */
export interface CurrentModel {
  model: ModelInfo;
  predict: Predict;
  getWeights(): Promise<Float32Array>;
}

export interface FineTuneDeps {
  gpu(): Promise<Gpu>;
  mnist(): Promise<Mnist>;
  current(): CurrentModel | undefined;
  /** Runs a job on the current model when no other is (predictions share its readback buffer). */
  exclusive<T>(job: () => Promise<T>): Promise<T>;
  /** Makes these weights the current model's. */
  install(model: ModelInfo, weights: Float32Array): Promise<void>;
  send(event: FineTuneEvent): void;
  signal: AbortSignal;
}

/** Why the current model cannot be fine-tuned on these samples, or undefined. */
export function fineTuneProblem(model: ModelInfo | undefined, mnist: Pick<Mnist, 'imageShape' | 'classNames'> | undefined, req: FineTuneRequest): string | undefined {
  if (!model) return 'there is no model yet: train one or load weights';
  const [h, w, c] = model.inputShape;
  if (model.classes !== DIGITS) return `fine-tuning on handwriting needs a digit model (${DIGITS} classes); this one has ${model.classes}`;
  if (mnist && (mnist.imageShape[0] !== h || mnist.imageShape[1] !== w || mnist.imageShape[2] !== c)) {
    return `fine-tuning mixes in MNIST images (${mnist.imageShape.join('x')}); this model takes ${h}x${w}x${c}`;
  }
  for (const [name, split] of [['training', req.train], ['held-back', req.heldBack]] as const) {
    if (split.images.length !== split.count * model.inputSize || split.labels.length !== split.count) {
      return `the ${name} samples are not ${split.count} images of ${h}x${w}x${c}`;
    }
  }
  if (req.train.count === 0) return 'there are no samples to train on';
  return undefined;
}

/** The fine-tuners each device has compiled the kernels of (by model and settings that choose kernels). */
const warmed = new WeakMap<Gpu, Set<string>>();

/**
 * Compiles the kernels of a fine-tune of the current model while the user is still drawing
 * samples (once per model and device), so that "Fine-tune" starts training at once on an
 * adapter that compiles slowly. A failure is left to the fine-tune itself to report.
 */
export async function warmFineTuneJob(deps: Pick<FineTuneDeps, 'gpu' | 'current'>, settings: FineTuneSettings): Promise<void> {
  const current = deps.current();
  if (!current) return;
  const gpu = await deps.gpu();
  const done = warmed.get(gpu) ?? new Set<string>();
  warmed.set(gpu, done);
  const key = JSON.stringify([current.model.spec, settings.batchSize]);
  if (done.has(key)) return;
  done.add(key);
  await warmFineTune(gpu, current.model, settings);
}

function finite(weights: Float32Array): boolean {
  for (const v of weights) if (!Number.isFinite(v)) return false;
  return true;
}

/** Resolves to whether the tuned weights became the current model's. */
export async function runFineTuneJob(deps: FineTuneDeps, req: FineTuneRequest): Promise<boolean> {
  const t0 = performance.now();
  const { send, signal } = deps;
  const failed = (message: string): false => (send({ kind: 'failed', message }), false);
  const early = fineTuneProblem(deps.current()?.model, undefined, req);
  if (early) return failed(early);
  send({ kind: 'step', text: 'Loading MNIST to mix in…' });
  const mnist = await deps.mnist();
  const current = deps.current();
  const problem = fineTuneProblem(current?.model, mnist, req);
  if (problem || !current) return failed(problem ?? 'there is no model');
  const { model } = current;
  const test: MnistSplit = firstImages(mnist.test, req.settings.testCount, model.inputSize);
  send({ kind: 'step', text: 'Scoring the current model…' });
  const previous = await deps.exclusive(() => current.getWeights());
  const before = await scoreModel((images, n) => deps.exclusive(() => current.predict(images, n)), req.heldBack, test, model.classes);
  send({ kind: 'before', scores: before });
  const onBuild = ({ built, total }: BuildProgress) => send({ kind: 'step', text: `Building the fine-tuner: ${built} of ${total} kernels compiled…` });
  const tuned = await fineTune({
    gpu: await deps.gpu(),
    model,
    weights: previous,
    user: req.train,
    mnist,
    settings: req.settings,
    signal,
    onProgress: (step, steps, loss) => send({ kind: 'progress', step, steps, loss }),
    setup: { onBuild },
  });
  if (!tuned) {
    send({ kind: 'done', reason: 'stopped', before, seconds: (performance.now() - t0) / 1000 });
    return false;
  }
  try {
    const weights = await tuned.getWeights();
    if (!finite(weights)) return failed('the fine-tuned weights are not finite (try a smaller learning rate); the model is unchanged');
    const after = await scoreModel((images, n) => tuned.predict(images, n), req.heldBack, test, model.classes);
    await deps.install(model, weights);
    send({ kind: 'done', reason: 'finished', before, after, tuned: weights, previous: { spec: model.spec, weights: previous }, seconds: (performance.now() - t0) / 1000 });
    return true;
  } finally {
    tuned.destroy();
  }
}
