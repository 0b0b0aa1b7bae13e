// The dataset of a run, made ready before any GPU work (src/cli/dataset-source.ts): a folder's
// pictures sized and coloured as the model's input, its counts, its description; and every
// problem one line before a browser starts: a model whose input or output does not fit, --limit
// past the dataset, --image-size with a .npz file, a file that is no dataset; a model that does
// not start with Rescaling warned about; evaluation's check against the dataset a model records.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRunDataset, type DatasetReport } from '../../src/cli/dataset-source.ts';
import { builtinDescription } from '../../src/data/image-dataset.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { parseModelConfig } from '../../src/model/model-spec.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';
import type { OwnDatasetOptions } from '../../src/train/types.ts';
import { encodePng } from '../data/images/encode.ts';
import { readFileSync } from 'node:fs';

const TINY_RGB = modelInfo(parseModelConfig(JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/models/tiny-rgb.json'), 'utf8'))));
let dir = '';
let folder = '';
const savedCache = process.env.XDG_CACHE_HOME;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dataset-source-'));
  process.env.XDG_CACHE_HOME = join(dir, 'cache');
  folder = join(dir, 'pets');
  for (const [k, name] of ['cat', 'dog', 'fox'].entries()) {
    await mkdir(join(folder, name), { recursive: true });
    for (let i = 0; i < 5; i++) {
      await writeFile(join(folder, name, `${i}.png`), encodePng({ width: 10, height: 6, colorType: 2, depth: 8, samples: Array.from({ length: 180 }, (_, p) => (p * (k + 2) + i) % 256) }));
    }
  }
  await writeFile(join(dir, 'notes.txt'), 'x');
});
afterAll(async () => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
  await rm(dir, { recursive: true, force: true });
});

function recorder(): DatasetReport & { notes: string[]; warnings: string[] } {
  const notes: string[] = [];
  const warnings: string[] = [];
  return { notes, warnings, note: (l) => notes.push(l), warn: (l) => warnings.push(l) };
}

const own = (o: Partial<OwnDatasetOptions> = {}): OwnDatasetOptions => ({ path: folder, imageSize: null, colorMode: null, testSplit: 0.2, ...o });
const options = (ownDataset: OwnDatasetOptions | null, limit: number | null = null) => ({ dataset: 'mnist' as const, ownDataset, limit, validationSplit: 0.1 });

describe('the dataset of a run', () => {
  it("a folder's pictures take the model's input size and channels; counts and description", async () => {
    const report = recorder();
    const run = await prepareRunDataset(options(own()), TINY_RGB, report);
    expect(run.description).toEqual({ name: folder, classNames: ['cat', 'dog', 'fox'], imageShape: [8, 8, 3], scaling: 'none', testSplit: 0.2 });
    expect([run.trainCount, run.testCount]).toEqual([12, 3]);
    expect(run.dataPack?.url).toMatch(/^__dataset-packs\/[0-9a-f]{64}\.pack$/);
    expect(report.notes[0]).toMatch(/^Dataset: .*pets: 3 classes \[cat, dog, fox\], 12 training and 3 test images of 8x8x3, 0\.2 of each class held out for testing; decoded in/);
    expect(report.warnings).toEqual([]);
    // The second time, from the cache.
    const again = recorder();
    await prepareRunDataset(options(own()), TINY_RGB, again);
    expect(again.notes[0]).toMatch(/; loaded from .*\.pack$/);
  });

  it('refuses, in one line, what does not fit the model or the options', async () => {
    await expect(prepareRunDataset(options(own({ imageSize: [9, 9] })), TINY_RGB, recorder())).rejects.toThrow(
      `--dataset: the model's input is 8x8x3 (height x width x channels), the dataset's images are 9x9x3 (${folder}): its InputLayer's batch_shape must be [null, 9, 9, 3]`,
    );
    await expect(prepareRunDataset(options(null), TINY_RGB, recorder())).rejects.toThrow("--dataset: the model's input is 8x8x3 (height x width x channels), the dataset's images are 28x28x1 (mnist)");
    await expect(prepareRunDataset(options(own()), DEFAULT_MODEL, recorder())).rejects.toThrow(
      `--dataset: the model's output layer dense_1 (Dense) has 10 units, the dataset 3 classes [cat, dog, fox] (${folder}): give it 3 units`,
    );
    await expect(prepareRunDataset(options(own(), 13), TINY_RGB, recorder())).rejects.toThrow('--limit 13: the dataset has 12 training images');
    await expect(prepareRunDataset(options(own({ path: join(dir, 'notes.txt') })), TINY_RGB, recorder())).rejects.toThrow(/notes\.txt: not a folder of class folders or a Keras \.npz file$/);
    await expect(prepareRunDataset(options(own({ path: join(dir, 'd.npz'), colorMode: 'rgb' })), TINY_RGB, recorder())).rejects.toThrow(/no such file or folder/);
    await writeFile(join(dir, 'd.npz'), 'x');
    await expect(prepareRunDataset(options(own({ path: join(dir, 'd.npz'), colorMode: 'rgb' })), TINY_RGB, recorder())).rejects.toThrow('--color-mode applies to a folder of pictures; the images of d.npz are used as they are');
    await expect(prepareRunDataset(options(own({ path: join(dir, 'd.npz') })), TINY_RGB, recorder())).rejects.toThrow(/^--dataset: .*d\.npz: not a readable \.npz file/);
  });

  it('warns when the model does not start by rescaling the bytes 0..255', async () => {
    const noRescaling = modelInfo({ ...TINY_RGB.spec, layers: TINY_RGB.spec.layers.slice(1) });
    const report = recorder();
    await prepareRunDataset(options(own()), noRescaling, report);
    expect(report.warnings).toEqual([
      "warning: the model's first layer conv2d (Conv2D) is not Rescaling: it gets the images' bytes 0..255 as they are, as Keras gives them (start the model with Rescaling(1/255) to train on 0..1)",
    ]);
  });

  it("evaluation: a dataset other than the model's is refused, or warned about when allowed", async () => {
    const trained = { ...builtinDescription('fashion-mnist') };
    await expect(prepareRunDataset(options(null), DEFAULT_MODEL, recorder(), { description: trained, allowMismatch: false })).rejects.toThrow(
      /^--dataset mnist: the model was trained on fashion-mnist, another dataset: classes \[0, 1, 2, 3, 4, 5, … 4 more\] \(the model's: \[T-shirt\/top, Trouser, Pullover, Dress, Coat, Sandal, … 4 more\]\); give --dataset fashion-mnist, or --allow-dataset-mismatch to evaluate anyway$/,
    );
    const report = recorder();
    await prepareRunDataset(options(null), DEFAULT_MODEL, report, { description: trained, allowMismatch: true });
    expect(report.warnings[0]).toMatch(/^warning: --dataset mnist: the model was trained on fashion-mnist, another dataset: .*; evaluating anyway \(--allow-dataset-mismatch\)$/);
    // The same folder elsewhere (same classes, shape and scaling) is the same dataset.
    const moved = { name: '/elsewhere/pets', classNames: ['cat', 'dog', 'fox'], imageShape: [8, 8, 3] as const, scaling: 'none' as const };
    await expect(prepareRunDataset(options(own()), TINY_RGB, recorder(), { description: moved, allowMismatch: false })).resolves.toBeTruthy();
  });
});
