// What the page autosaves after an epoch (src/ui/autosave.ts) and how it resumes from it:
// exactly from a whole trainer state, from the weights alone (with a note) for an older
// autosave or a state that does not fit.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_OPTIONS, type EpochRecord, type TrainEvent } from '../../src/train/types.ts';
import type { TrainerState } from '../../src/train/trainer-state.ts';
import { checkpointOfEpoch, exactState, heldProgress, resumeNote, resumeRequest, WEIGHTS_ONLY_NOTE, type CheckpointMessage } from '../../src/ui/autosave.ts';
import { initialState, onWorkerMessage, runStarted } from '../../src/ui/state.ts';
import type { Checkpoint } from '../../src/ui/storage.ts';

const record = (loss: number): EpochRecord => ({ loss, accuracy: 0.8, val_loss: 0.3, val_accuracy: 0.9, seconds: 1 });
const options = { ...DEFAULT_TRAIN_OPTIONS, epochs: 3 };

function state(epoch: number, n = 4): TrainerState {
  const p = new Float32Array(n).fill(0.5);
  return { epoch, step: 42 * epoch, shuffleRng: 123456789, params: p, moment1: new Float32Array(n), moment2: new Float32Array(n) };
}

function checkpoint(over: Partial<Checkpoint> = {}): Checkpoint {
  const s = state(2);
  return { options, evalCount: 100, epoch: 2, history: [record(1), record(0.5)], weights: s.params, state: s, savedAt: 0, adapter: 'SwiftShader', autotune: 'off', ...over };
}

describe('the autosave of an epoch', () => {
  it('holds the run with the epoch not yet shown, the trainer state and the panels\' extras', () => {
    const started = runStarted(initialState(), { options, evalCount: 100, epochOffset: 1, autotune: 'off' }, [record(1)]);
    const s = state(2);
    const progress: TrainEvent = { type: 'progress', epoch: 2, step: 8, steps: 8, loss: 0.5, accuracy: 0.8, samplesPerSecond: 1, batchLosses: [0.4] };
    const msg: CheckpointMessage = { type: 'checkpoint', epoch: 2, record: record(0.5), weights: s.params, state: s, events: [progress, { type: 'epoch', epoch: 2, ...record(0.5) }] };
    const batches = { x: [1], loss: [1] };
    const c = checkpointOfEpoch(started.run!, msg, { savedAt: 7, adapter: 'SwiftShader', extras: { batches } });
    expect(c).toEqual({ options, evalCount: 100, epoch: 2, history: [record(1), record(0.5)], weights: s.params, state: s, savedAt: 7, adapter: 'SwiftShader', autotune: 'off', batches });
    expect(c.weights).toBe(c.state!.params); // one array, stored once
    expect(heldProgress(msg.events)).toEqual([progress]);
    // once shown, the run's history is the checkpoint's
    const shown = onWorkerMessage(started, { type: 'train', event: msg.events[1] });
    expect(shown.run!.history).toEqual(c.history);
  });

  it('holds no trainer state where the worker sent none (a run resumed from weights alone)', () => {
    const started = runStarted(initialState(), { options, evalCount: 100, epochOffset: 0, autotune: 'off' }, []);
    const w = new Float32Array(4);
    const c = checkpointOfEpoch(started.run!, { type: 'checkpoint', epoch: 1, record: record(1), weights: w, state: null, events: [] }, { savedAt: 0, adapter: '', extras: {} });
    expect('state' in c).toBe(false);
    expect(resumeRequest(c).from).toEqual({ kind: 'given', weights: w });
  });
});

describe('resuming an autosave', () => {
  it('continues exactly from a whole trainer state, numbering epochs after the saved ones', () => {
    const c = checkpoint();
    expect(resumeRequest(c)).toEqual({ options, evalCount: 100, from: { kind: 'state', state: c.state }, epochOffset: 2, autotune: 'off' });
    expect(resumeNote(c)).toBe('');
  });

  it('takes an older autosave (weights only) as weights, with a note', () => {
    const { state: _s, autotune: _a, ...old } = checkpoint();
    expect(resumeRequest(old)).toEqual({ options, evalCount: 100, from: { kind: 'given', weights: old.weights }, epochOffset: 2, autotune: 'auto' });
    expect(resumeNote(old)).toBe(WEIGHTS_ONLY_NOTE);
  });

  it('resumes from the weights alone when the state does not fit the autosave', () => {
    const bad: [string, Partial<Checkpoint>][] = [
      ['another epoch', { state: state(1) }],
      ['another size', { state: state(2, 5) }],
      ['no second moment for Adam', { state: { ...state(2), moment2: null } }],
      ['a moment that is not float32', { state: { ...state(2), moment1: [0, 0, 0, 0] as unknown as Float32Array } }],
      ['a step that is no u32', { state: { ...state(2), step: -1 } }],
      ['an RNG state that is no integer', { state: { ...state(2), shuffleRng: 0.5 } }],
      ['not an object', { state: 'x' as unknown as TrainerState }],
    ];
    for (const [why, over] of bad) {
      expect(exactState(checkpoint(over)), why).toBeUndefined();
      expect(resumeRequest(checkpoint(over)).from.kind, why).toBe('given');
    }
    // SGD has no second moment
    expect(exactState(checkpoint({ options: { ...options, optimizer: 'sgd' }, state: { ...state(2), moment2: null } }))).toBeDefined();
  });
});
