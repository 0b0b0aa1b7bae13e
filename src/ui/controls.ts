// The options form: reads and writes every TrainOptions field, plus the page's own
// settings (how many test images to evaluate, whether to start from the current model).
import { DEFAULT_SPEC } from '../model/presets.ts';
import { dropoutRates } from '../model/model-spec.ts';
import { validateOptions } from '../train/options.ts';
import type { OptimizerKind, TrainOptions } from '../train/types.ts';

export interface FormValues {
  options: TrainOptions;
  evalCount: number;
  continueFromCurrent: boolean;
}

function input(form: HTMLFormElement, name: string): HTMLInputElement {
  return form.elements.namedItem(name) as HTMLInputElement;
}

function num(form: HTMLFormElement, name: string, label: string): number {
  const raw = input(form, name).value.trim();
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v)) throw new Error(`${label}: enter a number`);
  return v;
}

/** The form's values, validated; throws an Error with a message for the user. */
export function readForm(form: HTMLFormElement): FormValues {
  const limitRaw = input(form, 'limit').value.trim();
  const options: TrainOptions = {
    model: DEFAULT_SPEC,
    dataset: 'mnist',
    epochs: num(form, 'epochs', 'Epochs'),
    batchSize: num(form, 'batchSize', 'Batch size'),
    optimizer: (form.elements.namedItem('optimizer') as HTMLSelectElement).value as OptimizerKind,
    learningRate: num(form, 'learningRate', 'Learning rate'),
    momentum: num(form, 'momentum', 'Momentum'),
    dropout: [num(form, 'dropout0', 'Dropout 1'), num(form, 'dropout1', 'Dropout 2'), num(form, 'dropout2', 'Dropout 3')],
    seed: num(form, 'seed', 'Seed'),
    limit: limitRaw === '' ? null : Number(limitRaw),
    validationSplit: num(form, 'validationSplit', 'Validation split'),
    shuffle: input(form, 'shuffle').checked,
  };
  validateOptions(options);
  if (options.limit !== null && options.limit > 60000) throw new Error('limit: at most 60,000 training images');
  const evalCount = num(form, 'evalCount', 'Test images');
  if (!Number.isInteger(evalCount) || evalCount < 1 || evalCount > 10000) throw new Error('Test images: an integer from 1 to 10,000');
  return { options, evalCount, continueFromCurrent: input(form, 'continue').checked };
}

export function writeForm(form: HTMLFormElement, options: TrainOptions, evalCount?: number): void {
  input(form, 'epochs').value = String(options.epochs);
  input(form, 'batchSize').value = String(options.batchSize);
  (form.elements.namedItem('optimizer') as HTMLSelectElement).value = options.optimizer;
  input(form, 'learningRate').value = String(options.learningRate);
  input(form, 'momentum').value = String(options.momentum);
  (options.dropout ?? dropoutRates(options.model)).forEach((r, i) => (input(form, `dropout${i}`).value = String(r)));
  input(form, 'seed').value = String(options.seed);
  input(form, 'limit').value = options.limit === null ? '' : String(options.limit);
  input(form, 'validationSplit').value = String(options.validationSplit);
  input(form, 'shuffle').checked = options.shuffle;
  if (evalCount !== undefined) input(form, 'evalCount').value = String(evalCount);
}

/** Switching optimizer proposes its usual learning rate, unless the user changed it. */
export function wireOptimizerDefaults(form: HTMLFormElement): void {
  const select = form.elements.namedItem('optimizer') as HTMLSelectElement;
  const lr = input(form, 'learningRate');
  select.addEventListener('change', () => {
    if (select.value === 'sgd' && lr.value === '0.001') lr.value = '0.01';
    if (select.value === 'adam' && lr.value === '0.01') lr.value = '0.001';
  });
}

export function setFormEnabled(form: HTMLFormElement, enabled: boolean): void {
  for (const el of Array.from(form.elements)) (el as HTMLInputElement).disabled = !enabled;
}
