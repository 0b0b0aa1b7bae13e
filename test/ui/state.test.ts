// The page's pure state changes (src/ui/state.ts) and the config editor's checks
// (src/ui/model-config.ts): what each worker message and user action does to the state.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/model/presets.ts';
import { DEFAULT_TRAIN_OPTIONS, type EpochRecord } from '../../src/train/types.ts';
import { configOfSpec, configProblem, editedConfig, presetConfig } from '../../src/ui/model-config.ts';
import { CLASS_NAMES } from '../../src/data/datasets.ts';
import type { DatasetFacts } from '../../src/data/dataset-facts.ts';
import type { TestResults } from '../../src/ui/protocol.ts';
import {
  busyStarted,
  checkpointFound,
  checkpointRestoring,
  datasetChosen,
  datasetsProbed,
  deviceLost,
  formShowsNewResume,
  initialState,
  isIdle,
  onWorkerMessage,
  runStarted,
  type PageState,
} from '../../src/ui/state.ts';
import type { Checkpoint } from '../../src/ui/storage.ts';
import { tuningHistory } from '../../src/tune/report.ts';
import { tuneReport } from './tune-report-fixture.ts';

const ADAPTER = { vendor: 'google', architecture: 'swiftshader', isFallback: true } as never;
const RECORD: EpochRecord = { loss: 0.5, accuracy: 0.8, val_loss: 0.3, val_accuracy: 0.9, seconds: 10 };

function ready(): PageState {
  return onWorkerMessage(initialState(), { type: 'adapter', adapter: ADAPTER, description: 'SwiftShader' });
}

function training(epochs: number): PageState {
  const options = { ...DEFAULT_TRAIN_OPTIONS, epochs };
  return runStarted(ready(), { options, evalCount: 100, epochOffset: 0, autotune: 'auto' }, []);
}

function checkpoint(s: PageState, epoch: number): Checkpoint {
  return { options: s.run!.options, evalCount: 100, epoch, history: [RECORD], weights: new Float32Array(3), savedAt: 0, adapter: '' };
}

describe('page state', () => {
  it('is idle only with an adapter and nothing running or loading', () => {
    expect(isIdle(initialState())).toBe(false);
    expect(isIdle(ready())).toBe(true);
    expect(isIdle(training(1))).toBe(false);
    expect(isIdle(busyStarted(ready()))).toBe(false);
    expect(isIdle(onWorkerMessage(initialState(), { type: 'unavailable', message: 'no' }))).toBe(false);
  });

  it('says "1 epoch" and "2 epochs" when a run finishes, and evaluates next', () => {
    const one = onWorkerMessage(training(1), { type: 'done', reason: 'finished' });
    expect(one.message.text).toMatch(/^Training finished: 1 epoch\. Evaluating on 100 test images/);
    expect(one.busy).toBe(true);
    expect(one.running).toBe(false);
    expect(onWorkerMessage(training(2), { type: 'done', reason: 'finished' }).message.text).toMatch(/^Training finished: 2 epochs\./);
  });

  it('drops the progress (and so the time left) once a run is stopped', () => {
    let s = training(3);
    s = onWorkerMessage(s, {
      type: 'train',
      event: { type: 'progress', epoch: 1, step: 5, steps: 10, loss: 1, accuracy: 0.5, samplesPerSecond: 100, batchLosses: [1] },
    });
    expect(s.run!.progress?.step).toBe(5);
    s = onWorkerMessage(s, { type: 'done', reason: 'stopped' });
    expect(s.run!.progress).toBeUndefined();
    expect(s.message.text).toMatch(/stopped/);
    expect(s.active.kind).toBe('trained');
  });

  it('appends each epoch to the history, keeping the earlier arrays unchanged', () => {
    const before = training(2);
    const after = onWorkerMessage(before, { type: 'train', event: { type: 'epoch', epoch: 1, ...RECORD } });
    expect(after.run!.history).toEqual([RECORD]);
    expect(before.run!.history).toEqual([]);
  });

  it('makes a loaded model active only once it is ready, with the shipped test accuracy', () => {
    let s = busyStarted(ready(), { kind: 'shipped', label: 'shipped with the page' });
    expect(s.active.kind).toBe('none');
    s = onWorkerMessage(s, { type: 'loaded', message: 'ok', spec: presetConfig('mnist-cnn').model!.spec, testAccuracy: 0.99 });
    expect(s.busy).toBe(false);
    expect(s.active.kind).toBe('none');
    s = onWorkerMessage(s, { type: 'model-ready' });
    expect(s.active).toEqual({ kind: 'shipped', label: 'shipped with the page', testAccuracy: 0.99 });
    expect(s.modelReady).toBe(true);
  });

  it('keeps the model when a load fails, and names the reason', () => {
    const s = onWorkerMessage(busyStarted(ready(), { kind: 'file', label: 'x.json' }), { type: 'error', context: 'load', message: 'bad file' });
    expect(s.active.kind).toBe('none');
    expect(s.pendingActive).toBeUndefined();
    expect(s.message).toEqual({ text: 'Could not load the weights; nothing was changed. bad file', kind: 'error' });
  });

  it('a missing shipped model is no error, only a hint', () => {
    const s = onWorkerMessage(busyStarted(ready(), { kind: 'shipped', label: '' }), { type: 'error', context: 'shipped', message: 'not found' });
    expect(s.message.kind).toBe('info');
    expect(s.modelStatus).toBe('No shipped model: not found');
  });

  it('a restored autosave is the active model and shows its history', () => {
    const c = checkpoint(training(2), 1);
    let s = checkpointRestoring(checkpointFound(ready(), c), c);
    s = onWorkerMessage(onWorkerMessage(s, { type: 'loaded', message: 'ok', spec: c.options.model }), { type: 'model-ready' });
    expect(s.active.kind).toBe('autosave');
    expect(s.run!.history).toEqual([RECORD]);
    expect(s.offerCheckpoint).toBe(true); // the banner says why the autosave won
  });

  it("keeps the run's autotuning as history.json records it, and the cache's warnings; a new run starts without them", () => {
    const report = tuneReport('on', 'on');
    let s = runStarted(ready(), { options: DEFAULT_TRAIN_OPTIONS, evalCount: 100, epochOffset: 0, autotune: 'on' }, []);
    expect(s.run!.autotune).toBe('on');
    expect(s.run!.tuning).toBeUndefined();
    s = onWorkerMessage(s, { type: 'tune-warning', message: 'warning: autotuning cache IndexedDB x ignored and rebuilt: not JSON' });
    s = onWorkerMessage(s, { type: 'train', event: { type: 'autotune', report } });
    expect(s.run!.tuning).toEqual(tuningHistory(report));
    expect(s.run!.tuning).not.toHaveProperty('updates');
    expect(s.run!.tuning!.slots.map((x) => x.choice)).toEqual(report.slots.map((x) => x.choice));
    expect(s.run!.tuneWarnings).toEqual(['warning: autotuning cache IndexedDB x ignored and rebuilt: not JSON']);
    const next = runStarted(s, { options: DEFAULT_TRAIN_OPTIONS, evalCount: 100, epochOffset: 0, autotune: 'off' }, []);
    expect(next.run!.autotune).toBe('off');
    expect(next.run!.tuning).toBeUndefined();
    expect(next.run!.tuneWarnings).toEqual([]);
    // no run: nothing to attach a warning to
    expect(onWorkerMessage(ready(), { type: 'tune-warning', message: 'x' })).toEqual(ready());
  });

  it('the Train form shows a resumed run once, also one resumed from a restored autosave (the same options object)', () => {
    const c = checkpoint(training(2), 1);
    const restored = checkpointRestoring(ready(), c).run!;
    const shownRestore = { options: restored.options, epochOffset: restored.epochOffset };
    expect(formShowsNewResume(restored, { options: undefined, epochOffset: 0 })).toBe(false); // a restore is not a resume
    const resumed = runStarted(ready(), { options: c.options, evalCount: c.evalCount, epochOffset: c.epoch, autotune: 'auto' }, c.history).run!;
    expect(resumed.options).toBe(restored.options);
    expect(formShowsNewResume(resumed, shownRestore)).toBe(true);
    expect(formShowsNewResume(resumed, { options: resumed.options, epochOffset: resumed.epochOffset })).toBe(false); // shown already
  });

  it('a restored autosave shows the kernels its run chose, and an older one the default choice', () => {
    const tuning = tuningHistory(tuneReport('refresh', 'refresh'));
    const c = { ...checkpoint(training(2), 1), autotune: 'refresh' as const, tuning };
    const restored = checkpointRestoring(ready(), c).run!;
    expect(restored.autotune).toBe('refresh');
    expect(restored.tuning).toBe(tuning);
    const old = checkpointRestoring(ready(), checkpoint(training(2), 1)).run!;
    expect(old.autotune).toBe('auto');
    expect(old.tuning).toBeUndefined();
  });

  it('falls back to a dataset the server has', () => {
    const s = datasetChosen(ready(), 'fashion-mnist');
    expect(datasetsProbed(s, ['mnist']).dataset).toBe('mnist');
    expect(datasetsProbed(s, ['mnist', 'fashion-mnist']).dataset).toBe('fashion-mnist');
    expect(datasetsProbed(s, ['mnist']).datasetsServed).toEqual(['mnist']);
  });

  it('after a lost device resumes from an autosave of this run, restarts without one, and gives up after 3 tries', () => {
    let s = training(3);
    s = { ...s, checkpoint: checkpoint(s, 1) };
    const resume = deviceLost(s, 'reset');
    expect(resume.plan.kind).toBe('resume');
    expect(resume.state.message.text).toMatch(/Resuming from the autosave after epoch 1/);
    expect(resume.state.run!.resumes).toBe(1);
    expect(deviceLost(training(3), 'reset').plan.kind).toBe('restart');
    const tired = { ...s, run: { ...s.run!, resumes: 3 } };
    const none = deviceLost(tired, 'reset');
    expect(none.plan.kind).toBe('none');
    expect(none.state.offerCheckpoint).toBe(true);
    expect(deviceLost(ready(), 'reset').plan.kind).toBe('none');
  });

  it('keeps the test results it is given', () => {
    const results: TestResults = { count: 2, loss: 0.1, accuracy: 0.5, confusion: [], classNames: ['a', 'b'], imageShape: [2, 2, 1], samples: [], worst: [], seconds: 1 };
    const s = onWorkerMessage(busyStarted(ready()), { type: 'results', results });
    expect(s.results).toBe(results);
    expect(s.busy).toBe(false);
    expect(s.message.text).toBe('Test accuracy 50.00% · loss 0.1000 on 2 images (evaluated in 1 s).');
  });
});

describe('model config editor', () => {
  it('accepts every preset', () => {
    for (const name of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) {
      const c = presetConfig(name);
      expect(c.error).toBe('');
      expect(c.model!.classes).toBe(10);
    }
  });

  it('names the layer index, name and option of a bad option', () => {
    const json = JSON.parse(presetConfig('mnist-cnn').text);
    const conv = json.config.layers.find((l: { class_name: string }) => l.class_name === 'Conv2D');
    conv.config.kernel_size = [9, 9];
    const c = editedConfig(JSON.stringify(json));
    expect(c.preset).toBe('custom');
    expect(c.model).toBeUndefined();
    expect(c.error).toMatch(/layer 0 "conv2d" \(Conv2D\), option kernel_size/);
  });

  it('says where JSON breaks, and, once the dataset is known, rejects inputs and class counts it does not have', () => {
    expect(editedConfig('{ "class_name": ').error).toMatch(/^not valid JSON/);
    const mnist: DatasetFacts = { imageShape: [28, 28, 1], classNames: CLASS_NAMES.mnist, trainCount: 60000, testCount: 10000 };
    const json = JSON.parse(presetConfig('lenet5').text);
    json.config.layers[0].config.batch_shape = [null, 32, 32, 1];
    const wide = editedConfig(JSON.stringify(json));
    expect(wide.error).toBe('');
    expect(configProblem(wide, undefined)).toBe('');
    expect(configProblem(wide, mnist)).toBe("the model's input is 32x32x1 (height x width x channels), the dataset's images are 28x28x1: its InputLayer's batch_shape must be [null, 28, 28, 1]");
    expect(configProblem(wide, { ...mnist, imageShape: [32, 32, 1] })).toBe('');
    const last = JSON.parse(presetConfig('lenet5').text);
    last.config.layers[last.config.layers.length - 1].config.units = 7;
    const seven = editedConfig(JSON.stringify(last));
    expect(configProblem(seven, mnist)).toMatch(/^the model's output layer \w+ \(Dense\) has 7 units, the dataset 10 classes \[0, 1, .*\]: give it 10 units$/);
    expect(configProblem(seven, { ...mnist, classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })).toBe('');
    expect(configProblem(editedConfig('{'), mnist)).toMatch(/^not valid JSON/);
  });

  it('keeps what the worker says of each dataset and of its model', () => {
    const facts: DatasetFacts = { imageShape: [28, 28, 1], classNames: CLASS_NAMES['fashion-mnist'], trainCount: 60000, testCount: 10000 };
    let s = onWorkerMessage(initialState(), { type: 'dataset', name: 'fashion-mnist', facts });
    expect(s.datasets).toEqual({ 'fashion-mnist': facts });
    s = onWorkerMessage(s, { type: 'model-input', input: { shape: [32, 24, 3], classes: 5 } });
    expect(s.modelInput).toEqual({ shape: [32, 24, 3], classes: 5 });
  });

  it('shows a spec as its preset when it is one, else as an edited config', () => {
    expect(configOfSpec(presetConfig('strided-bn').model!.spec).preset).toBe('strided-bn');
    const json = JSON.parse(presetConfig('mnist-cnn').text);
    json.config.layers.find((l: { class_name: string }) => l.class_name === 'Dense').config.units = 64;
    const edited = editedConfig(JSON.stringify(json)).model!;
    const c = configOfSpec(edited.spec);
    expect(c.preset).toBe('custom');
    expect(c.model!.params.count).toBe(edited.params.count);
    expect(c.model!.params.count).not.toBe(presetConfig('mnist-cnn').model!.params.count);
  });
});
