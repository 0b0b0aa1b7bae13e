// The checkpoint of `npm run train` in --out: checkpoint.bin round-trips every bit of the
// trainer state, options and history; damaged files are refused with the reason; the files
// are replaced atomically and non-finite states are never written; --resume's option check.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_FILE,
  CheckpointError,
  CheckpointKeeper,
  decodeCheckpoint,
  encodeCheckpoint,
  readCheckpoint,
  resumeMismatch,
  resumeOptions,
  writeCheckpoint,
  type Checkpoint,
} from '../../src/cli/checkpoint.ts';
import { loadModelFiles } from '../../src/io/files.ts';
import { PARAM_BUFFER_LENGTH, PARAM_COUNT } from '../model/seed-params.ts';
import { Rng } from '../../src/model/rng.ts';
import type { TrainerState } from '../../src/train/trainer-state.ts';
import { DEFAULT_TRAIN_OPTIONS, type EpochRecord } from '../../src/train/types.ts';
import { presetSpec } from '../../src/model/presets.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'checkpoint-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Random floats of every kind of bit pattern a run holds: signs, subnormals, -0. */
function randomFloats(seed: number): Float32Array {
  const rng = new Rng(seed);
  const a = new Float32Array(PARAM_BUFFER_LENGTH);
  for (let i = 0; i < a.length; i++) a[i] = (rng.nextFloat() - 0.5) * 10 ** (rng.nextInt(20) - 15);
  a[3] = -0;
  a[4] = 1e-42;
  return a;
}

function state(epoch: number, adam: boolean): TrainerState {
  return {
    epoch,
    step: epoch * 5,
    shuffleRng: 0xdeadbeef,
    params: randomFloats(epoch),
    moment1: randomFloats(100 + epoch),
    moment2: adam ? randomFloats(200 + epoch) : null,
  };
}

const record = (loss: number, val = true): EpochRecord => ({
  loss,
  accuracy: 0.5,
  val_loss: val ? loss / 2 : Number.NaN,
  val_accuracy: val ? 0.75 : Number.NaN,
  seconds: 1.5,
});

function expectSameBits(a: Float32Array | null, b: Float32Array | null): void {
  expect(a === null).toBe(b === null);
  if (!a || !b) return;
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
}

describe('checkpoint.bin', () => {
  it.each([true, false])('round-trips the state bit for bit (adam: %s), NaN validation as NaN', (adam) => {
    const c: Checkpoint = {
      options: { ...DEFAULT_TRAIN_OPTIONS, optimizer: adam ? 'adam' : 'sgd', epochs: 5, validationSplit: 0 },
      history: [record(2.25, false), record(1.5, false)],
      state: state(2, adam),
    };
    // An odd offset: the reader must not rely on 4-byte alignment.
    const bytes = encodeCheckpoint(c);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const back = decodeCheckpoint(shifted, 'x');
    expect(back.options).toEqual(c.options);
    expect(back.history).toEqual(c.history);
    expect(Number.isNaN(back.history[0].val_loss)).toBe(true);
    expect({ ...back.state, params: 0, moment1: 0, moment2: 0 }).toEqual({ ...c.state, params: 0, moment1: 0, moment2: 0 });
    expectSameBits(back.state.params, c.state.params);
    expectSameBits(back.state.moment1, c.state.moment1);
    expectSameBits(back.state.moment2, c.state.moment2);
  });

  it('refuses damaged files with the reason', () => {
    const good = encodeCheckpoint({ options: DEFAULT_TRAIN_OPTIONS, history: [record(1)], state: state(1, true) });
    const errorOf = (bytes: Uint8Array) => {
      try {
        decodeCheckpoint(bytes, 'ck');
      } catch (e) {
        expect(e).toBeInstanceOf(CheckpointError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(errorOf(new TextEncoder().encode('{"format":"layers-model"}'))).toBe('ck: not a checkpoint of this trainer');
    expect(errorOf(good.subarray(0, good.length - 4))).toMatch(/^ck: \d+ bytes, expected \d+$/);
    const version = good.slice();
    version[8] = 9;
    expect(errorOf(version)).toBe('ck: checkpoint version 9, this trainer reads version 1');
    const header = good.slice();
    header[16] = 0x78; // 'x' in place of the JSON's opening brace
    expect(errorOf(header)).toMatch(/^ck: bad header/);
    const badInit = encodeCheckpoint({ options: DEFAULT_TRAIN_OPTIONS, init: 7 as unknown as string, history: [record(1)], state: state(1, true) });
    expect(errorOf(badInit)).toBe('ck: bad header: init is not a path');
    expect(errorOf(good)).toBe('accepted');
  });
});

describe('writeCheckpoint and CheckpointKeeper', () => {
  it('writes model.json, weights.bin, history.json and checkpoint.bin, and leaves no temp file', async () => {
    const dir = await tempDir();
    const keeper = new CheckpointKeeper(dir, DEFAULT_TRAIN_OPTIONS, null);
    await keeper.save(state(1, true), record(2));
    await keeper.save(state(2, true), record(1));
    expect(keeper.epochsSaved).toBe(2);
    expect((await readdir(dir)).sort()).toEqual([CHECKPOINT_FILE, 'history.json', 'model.json', 'weights.bin']);
    const model = await loadModelFiles(dir);
    // model.json holds the PARAM_COUNT weights (the buffer's alignment padding is not a weight).
    expectSameBits(model.params.subarray(0, PARAM_COUNT), state(2, true).params.subarray(0, PARAM_COUNT));
    const history = JSON.parse(await readFile(join(dir, 'history.json'), 'utf8'));
    expect(history.epochs.map((r: EpochRecord) => r.loss)).toEqual([2, 1]);
    const back = await readCheckpoint(dir);
    expect(back?.state.epoch).toBe(2);
    expect(back?.history).toEqual([record(2), record(1)]);
  });

  it('never writes a non-finite state: the previous checkpoint stays', async () => {
    const dir = await tempDir();
    const keeper = new CheckpointKeeper(dir, DEFAULT_TRAIN_OPTIONS, null);
    await keeper.save(state(1, true), record(2));
    const before = await readFile(join(dir, 'weights.bin'));
    const bad = state(2, true);
    bad.moment2![77] = Number.POSITIVE_INFINITY;
    await expect(keeper.save(bad, record(1))).rejects.toThrow('epoch 2 not saved: moment2 77 is Infinity');
    expect(keeper.epochsSaved).toBe(1);
    expect((await readFile(join(dir, 'weights.bin'))).equals(before)).toBe(true);
    expect((await readCheckpoint(dir))?.state.epoch).toBe(1);
  });

  it('continues the history of the checkpoint it resumed from', async () => {
    const dir = await tempDir();
    const first = new CheckpointKeeper(dir, DEFAULT_TRAIN_OPTIONS, null);
    await first.save(state(1, true), record(3));
    const resumed = await readCheckpoint(dir);
    const keeper = new CheckpointKeeper(dir, DEFAULT_TRAIN_OPTIONS, resumed);
    await expect(keeper.save(state(3, true), record(1))).rejects.toThrow('epoch 3 does not follow the saved epoch 1');
    await keeper.save(state(2, true), record(2));
    expect((await readCheckpoint(dir))?.history.map((r) => r.loss)).toEqual([3, 2]);
  });

  it('keeps the --init file the run started from in history.json and the checkpoint, also across a resume', async () => {
    const dir = await tempDir();
    const first = new CheckpointKeeper(dir, DEFAULT_TRAIN_OPTIONS, null, '/models/base.keras');
    await first.save(state(1, true), record(3));
    const historyInit = async () => JSON.parse(await readFile(join(dir, 'history.json'), 'utf8')).init;
    expect(await historyInit()).toBe('/models/base.keras');
    const resumed = await readCheckpoint(dir);
    expect(resumed?.init).toBe('/models/base.keras');
    // A resumed run records what the stopped run started from.
    const keeper = new CheckpointKeeper(dir, DEFAULT_TRAIN_OPTIONS, resumed);
    expect(keeper.init).toBe('/models/base.keras');
    await keeper.save(state(2, true), record(2));
    expect(await historyInit()).toBe('/models/base.keras');
    // A run from fresh weights records none.
    const fresh = await tempDir();
    await new CheckpointKeeper(fresh, DEFAULT_TRAIN_OPTIONS, null).save(state(1, true), record(3));
    expect(JSON.parse(await readFile(join(fresh, 'history.json'), 'utf8'))).not.toHaveProperty('init');
    expect((await readCheckpoint(fresh))?.init).toBeUndefined();
  });

  it('replaces a file atomically: a stale temp file of a killed writer does not matter', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, `weights.bin.tmp-999999`), 'half-written');
    await writeCheckpoint(dir, { options: DEFAULT_TRAIN_OPTIONS, history: [record(1)], state: state(1, false) });
    expect((await readCheckpoint(dir))?.state.moment2).toBeNull();
  });

  it('reads no checkpoint as null', async () => {
    expect(await readCheckpoint(await tempDir())).toBeNull();
  });
});

describe('resumeOptions', () => {
  const saved = { ...DEFAULT_TRAIN_OPTIONS, epochs: 3, limit: 600, optimizer: 'sgd' as const, learningRate: 0.05, seed: 7 };
  it("takes every option not given from the checkpoint (a bare --resume continues the stopped run)", () => {
    expect(resumeOptions(saved, DEFAULT_TRAIN_OPTIONS, [])).toEqual(saved);
    expect(resumeMismatch(saved, resumeOptions(saved, DEFAULT_TRAIN_OPTIONS, []), 1)).toBeNull();
  });
  it('keeps the options given, so that a different one is refused and more epochs run', () => {
    const cli = { ...DEFAULT_TRAIN_OPTIONS, epochs: 5, seed: 8 };
    const wanted = resumeOptions(saved, cli, ['epochs', 'seed']);
    expect(wanted).toEqual({ ...saved, epochs: 5, seed: 8 });
    expect(resumeMismatch(saved, wanted, 3)).toBe("give the same options as the stopped run: seed 8 (the checkpoint's: 7)");
    expect(resumeMismatch(saved, resumeOptions(saved, cli, ['epochs']), 3)).toBeNull();
  });
});

describe('resumeMismatch', () => {
  const saved = DEFAULT_TRAIN_OPTIONS;
  it('accepts the same options, and more epochs', () => {
    expect(resumeMismatch(saved, { ...saved }, 3)).toBeNull();
    expect(resumeMismatch(saved, { ...saved, epochs: 20 }, 12)).toBeNull();
  });
  it('names every option that differs', () => {
    expect(resumeMismatch(saved, { ...saved, learningRate: 0.01, dropout: [0, 0, 0] }, 1)).toBe(
      'give the same options as the stopped run: learningRate 0.01 (the checkpoint\'s: 0.001), dropout [0,0,0] (the checkpoint\'s: null)',
    );
  });
  it("names a different dataset once, built-in or the user's own (an older checkpoint without ownDataset counts as none)", () => {
    const own = { path: '/data/pets', imageSize: null, colorMode: null, testSplit: 0.2 };
    expect(resumeMismatch(saved, { ...saved, ownDataset: null }, 1)).toBeNull();
    expect(resumeMismatch({ ...saved, ownDataset: own }, resumeOptions({ ...saved, ownDataset: own }, { ...saved, dataset: 'fashion-mnist' }, ['dataset']), 1)).toBe(
      'give the same options as the stopped run: dataset fashion-mnist (the checkpoint\'s: {"path":"/data/pets","imageSize":null,"colorMode":null,"testSplit":0.2})',
    );
    expect(resumeMismatch(saved, { ...saved, ownDataset: { ...own, testSplit: 0.3 } }, 1)).toBe(
      'give the same options as the stopped run: dataset {"path":"/data/pets","imageSize":null,"colorMode":null,"testSplit":0.3} (the checkpoint\'s: mnist)',
    );
  });
  it('names a different model by its layers, not its whole spec', () => {
    const lenet5 = presetSpec('lenet5');
    expect(resumeMismatch(saved, { ...saved, model: lenet5 }, 1)).toBe(
      "give the same options as the stopped run: model sequential (28x28x1: conv2d, average_pooling2d, conv2d_1, average_pooling2d_1, flatten, dense, dense_1, dense_2) (the checkpoint's: sequential (28x28x1: conv2d, max_pooling2d, dropout, conv2d_1, max_pooling2d_1, dropout_1, flatten, dense, dropout_2, dense_1))",
    );
    const wider = { ...saved.model, layers: saved.model.layers.map((l) => (l.type === 'Dense' && l.name === 'dense' ? { ...l, options: { ...l.options, units: 64 } } : l)) };
    expect(resumeMismatch(saved, { ...saved, model: wider }, 1)).toMatch(/^give the same options as the stopped run: model sequential \(28x28x1: conv2d, .*dense_1\) with other layer options \(the checkpoint's: /);
  });
  it('refuses fewer epochs than the checkpoint has; as many only finishes the run', () => {
    expect(resumeMismatch(saved, { ...saved, epochs: 2 }, 3)).toBe('the checkpoint already has 3 epochs, more than --epochs 2');
    expect(resumeMismatch(saved, { ...saved, epochs: 3 }, 3)).toBeNull(); // finishes: evaluation and final files
  });
});
