// The page's state around the user's own dataset: reading it (progress), read (shown and chosen
// for the next run), refused (one line, the dataset read before kept and still chosen), the
// run's options for it, and a finished run named by the folder.
import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../src/data/dataset-summary.ts';
import { ownDatasetOptions } from '../../src/ui/controls.ts';
import { datasetsProbed, initialState, onWorkerMessage, ownDatasetGiven, runStarted } from '../../src/ui/state.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/train/types.ts';

const SUMMARY: DatasetSummary = {
  name: 'colours',
  classNames: ['blue', 'green', 'red'],
  imageShape: [8, 8, 3],
  trainCounts: [16, 16, 16],
  testCounts: [4, 4, 4],
  testSplit: 0.2,
  skipped: { count: 0, first: [] },
  samples: [],
  cliOptions: '--dataset colours --image-size 8,8 --color-mode rgb --test-split 0.2',
};

describe('the own dataset in the page state', () => {
  it('reads, shows and chooses a dataset; a bad one is named and the one before stays', () => {
    let s = ownDatasetGiven(initialState(), 'colours');
    expect(s.ownReading).toEqual({ name: 'colours', done: 0, total: 0 });
    s = onWorkerMessage(s, { type: 'dataset-progress', name: 'colours', done: 30, total: 62 });
    expect(s.ownReading).toEqual({ name: 'colours', done: 30, total: 62 });
    s = onWorkerMessage(s, { type: 'own-dataset', summary: SUMMARY, kept: false });
    expect(s).toMatchObject({ own: SUMMARY, ownKept: false, ownReading: undefined, ownError: '', dataset: 'own' });

    s = ownDatasetGiven(s, 'empty.npz');
    s = onWorkerMessage(s, { type: 'error', context: 'dataset', message: 'empty.npz: an empty file (0 bytes)' });
    expect(s).toMatchObject({ own: SUMMARY, ownReading: undefined, ownError: 'empty.npz: an empty file (0 bytes)', dataset: 'own', busy: false, running: false });
    expect(s.message.text).toBe('');
    // The server's list of built-in datasets leaves the choice of one's own alone.
    expect(datasetsProbed(s, ['mnist']).dataset).toBe('own');
  });

  it('shows a dataset kept from an earlier visit without choosing it for training', () => {
    const s = onWorkerMessage(initialState(), { type: 'own-dataset', summary: SUMMARY, kept: true });
    expect(s).toMatchObject({ own: SUMMARY, ownKept: true, dataset: initialState().dataset });
  });

  it("gives a run the dataset's name, size, colours and split, and names the finished run by it", () => {
    const own = ownDatasetOptions(SUMMARY);
    expect(own).toEqual({ path: 'colours', imageSize: [8, 8], colorMode: 'rgb', testSplit: 0.2 });
    expect(ownDatasetOptions({ ...SUMMARY, imageShape: [28, 28, 1], testSplit: null })).toEqual({ path: 'colours', imageSize: [28, 28], colorMode: 'grayscale', testSplit: 0.2 });
    const options = { ...DEFAULT_TRAIN_OPTIONS, epochs: 2, ownDataset: own };
    let s = runStarted(initialState(), { options, evalCount: 12, epochOffset: 0, autotune: 'off' }, []);
    s = onWorkerMessage(s, { type: 'done', reason: 'stopped' });
    expect(s.active).toEqual({ kind: 'trained', label: 'trained now (0 epochs on colours)' });
  });
});
