// The dataset a model was trained on travels with it: model.json's userDefinedMetadata and a
// .keras file's metadata.json record it under "webgpu_trainer" and read it back; files without
// it (or with a damaged entry) record none.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFiles, saveModelFiles } from '../../src/io/files.ts';
import { readKerasFile, writeKerasFile } from '../../src/io/keras-file.ts';
import { kerasFileOfModel } from '../../src/io/keras-model.ts';
import { datasetMetadata, recordedDataset } from '../../src/io/model-dataset.ts';
import { initParams } from '../../src/model/init.ts';
import { presetSpec } from '../../src/model/presets.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import type { DatasetDescription } from '../../src/data/image-dataset.ts';

const MODEL = modelInfo(presetSpec('lenet5'));
const DATASET: DatasetDescription = { name: '/data/pets', classNames: ['cat', 'dog'], imageShape: [28, 28, 1], scaling: 'none', testSplit: 0.25 };

describe("a model's dataset", () => {
  it('model.json: recorded in userDefinedMetadata and read back; absent when not given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'model-dataset-'));
    try {
      const params = initParams(MODEL.params, 1);
      await saveModelFiles(join(dir, 'a'), MODEL, params, { dataset: DATASET });
      expect((await loadModelFiles(join(dir, 'a'))).dataset).toEqual(DATASET);
      await saveModelFiles(join(dir, 'b'), MODEL, params);
      expect((await loadModelFiles(join(dir, 'b'))).dataset).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('.keras: recorded in metadata.json beside keras_version and read back', async () => {
    const bytes = await writeKerasFile(kerasFileOfModel(MODEL, initParams(MODEL.params, 1), { dataset: DATASET }));
    const file = await readKerasFile(bytes, 'm.keras');
    expect(file.metadata.keras_version).toBe('3.15.1');
    expect(recordedDataset(file.metadata)).toEqual(DATASET);
  });

  it('a damaged or foreign entry records nothing', () => {
    expect(recordedDataset({ keras_version: '3.0' })).toBeNull();
    expect(recordedDataset({ webgpu_trainer: { dataset: { ...DATASET, scaling: 'halve' } } })).toBeNull();
    expect(recordedDataset({ webgpu_trainer: { dataset: { ...DATASET, imageShape: [28, 28] } } })).toBeNull();
    expect(recordedDataset({ webgpu_trainer: { dataset: { ...DATASET, classNames: [] } } })).toBeNull();
    expect(recordedDataset(datasetMetadata(DATASET))).toEqual(DATASET);
  });
});
