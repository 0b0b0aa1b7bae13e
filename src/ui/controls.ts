// The options form: reads and writes the TrainOptions fields it shows, plus the page's own
// settings (how many test images to evaluate, whether to start from the current model). The
// model and the dataset come from their own controls (the config editor, the dataset choice).
// Every message names the field by its label and respects the input's min and max.
import type { DataChoice } from '../data/datasets.ts';
import type { DatasetSummary } from '../data/dataset-summary.ts';
import { colorModeOfChannels } from '../data/images/color-mode.ts';
import type { ModelSpec } from '../model/model-spec.ts';
import { OptionsError, validateOptions } from '../train/options.ts';
import { DEFAULT_TEST_SPLIT, type OptimizerKind, type OwnDatasetOptions, type TrainOptions } from '../train/types.ts';
import { requireAutotuneMode, type AutotuneMode } from '../tune/mode.ts';

export interface FormValues {
  options: TrainOptions;
  evalCount: number;
  continueFromCurrent: boolean;
  /** The "Kernels" choice: how the run's kernels are chosen. */
  autotune: AutotuneMode;
}

function input(form: HTMLFormElement, name: string): HTMLInputElement {
  return form.elements.namedItem(name) as HTMLInputElement;
}

/** The visible label of a field ("Learning rate"), without its input's value. */
export function fieldLabel(form: HTMLFormElement, name: string): string {
  const label = input(form, name)?.closest('label');
  const own = label ? Array.from(label.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join(' ') : '';
  return own.replace(/\s+/g, ' ').trim() || name;
}

/** A number field's value within its min and max (and whole when its step is 1). */
function num(form: HTMLFormElement, name: string): number {
  const el = input(form, name);
  const label = fieldLabel(form, name);
  const raw = el.value.trim();
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v)) throw new Error(`${label}: enter a number`);
  const min = el.min === '' ? -Infinity : Number(el.min);
  const max = el.max === '' ? Infinity : Number(el.max);
  if (v < min || v > max) {
    throw new Error(`${label}: ${Number.isFinite(max) ? `from ${el.min} to ${el.max}` : `at least ${el.min}`}, got ${raw}`);
  }
  if (el.step === '1' && !Number.isInteger(v)) throw new Error(`${label}: a whole number, got ${raw}`);
  return v;
}

/** A run's options for the user's dataset as the page read it: its name, size, colours and split. */
export function ownDatasetOptions(own: DatasetSummary): OwnDatasetOptions {
  const [h, w, c] = own.imageShape;
  return { path: own.name, imageSize: [h, w], colorMode: colorModeOfChannels(c), testSplit: own.testSplit ?? DEFAULT_TEST_SPLIT };
}

/** The form's values, validated (`own`: the user's dataset, when `dataset` is 'own'); throws an Error with a message for the user. */
export function readForm(form: HTMLFormElement, model: ModelSpec, dataset: DataChoice, own?: DatasetSummary): FormValues {
  const limitRaw = input(form, 'limit').value.trim();
  if (dataset === 'own' && !own) throw new Error('Dataset: give the page your own images first (Your data)');
  const options: TrainOptions = {
    model,
    dataset: dataset === 'own' ? 'mnist' : dataset,
    ...(dataset === 'own' && own ? { ownDataset: ownDatasetOptions(own) } : {}),
    epochs: num(form, 'epochs'),
    batchSize: num(form, 'batchSize'),
    optimizer: (form.elements.namedItem('optimizer') as HTMLSelectElement).value as OptimizerKind,
    learningRate: num(form, 'learningRate'),
    momentum: num(form, 'momentum'),
    dropout: null, // the model's own rates (edit them in the model config)
    seed: num(form, 'seed'),
    limit: limitRaw === '' ? null : num(form, 'limit'),
    validationSplit: num(form, 'validationSplit'),
    shuffle: input(form, 'shuffle').checked,
  };
  try {
    validateOptions(options);
  } catch (e) {
    // The trainer names options by their field names: say the label instead.
    if (!(e instanceof OptionsError)) throw e;
    const [, name, rest] = /^(\w+): (.*)$/s.exec(e.message) ?? [];
    throw new Error(name && input(form, name) ? `${fieldLabel(form, name)}: ${rest}` : e.message);
  }
  const evalCount = num(form, 'evalCount');
  return { options, evalCount, continueFromCurrent: input(form, 'continue').checked, autotune: kernelsChoice(form) };
}

function kernelsChoice(form: HTMLFormElement): AutotuneMode {
  return requireAutotuneMode((form.elements.namedItem('autotune') as HTMLSelectElement).value, fieldLabel(form, 'autotune'));
}

/** Shows a run's "Kernels" choice (a resumed run's). */
export function writeKernelsChoice(form: HTMLFormElement, mode: AutotuneMode): void {
  (form.elements.namedItem('autotune') as HTMLSelectElement).value = mode;
}

export function writeForm(form: HTMLFormElement, options: TrainOptions, evalCount?: number): void {
  input(form, 'epochs').value = String(options.epochs);
  input(form, 'batchSize').value = String(options.batchSize);
  (form.elements.namedItem('optimizer') as HTMLSelectElement).value = options.optimizer;
  input(form, 'learningRate').value = String(options.learningRate);
  input(form, 'momentum').value = String(options.momentum);
  input(form, 'seed').value = String(options.seed);
  input(form, 'limit').value = options.limit === null ? '' : String(options.limit);
  input(form, 'validationSplit').value = String(options.validationSplit);
  input(form, 'shuffle').checked = options.shuffle;
  if (evalCount !== undefined) input(form, 'evalCount').value = String(evalCount);
}

/** Switching optimizer proposes its usual learning rate, unless the user changed it. */
export function wireOptimizerDefaults(form: HTMLFormElement, onChange: () => void): void {
  const select = form.elements.namedItem('optimizer') as HTMLSelectElement;
  const lr = input(form, 'learningRate');
  select.addEventListener('change', () => {
    if (select.value === 'sgd' && lr.value === '0.001') lr.value = '0.01';
    if (select.value === 'adam' && lr.value === '0.01') lr.value = '0.001';
    onChange();
  });
}

/** Enables the form while idle; Momentum only with SGD, which uses it. */
export function setFormEnabled(form: HTMLFormElement, enabled: boolean): void {
  for (const el of Array.from(form.elements)) (el as HTMLInputElement).disabled = !enabled;
  const sgd = (form.elements.namedItem('optimizer') as HTMLSelectElement).value === 'sgd';
  input(form, 'momentum').disabled = !enabled || !sgd;
}
