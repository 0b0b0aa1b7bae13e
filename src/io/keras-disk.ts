// Node-only: a `.keras` file on disk to the flat buffers (for `--init model.keras`, evaluation)
// and back. The browser reads the bytes itself and calls readKerasFile / paramsFromKeras.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { KerasFileError, readKerasFile, writeKerasFile, type KerasFile } from './keras-file.ts';
import { kerasFileFrom, type AdamState, type KerasExport } from './keras-mapping.ts';
import { modelFromKerasFile } from './keras-model.ts';
import type { DatasetDescription } from '../data/image-dataset.ts';
import { isolatedWeightsReader } from './h5-isolated.ts';
import { formatCount, MAX_KERAS_FILE_BYTES } from './load-limits.ts';
import type { ModelInfo } from '../model/model-info.ts';

export interface LoadedKeras {
  /** Absolute path of the file read. */
  path: string;
  file: KerasFile;
  /** The model of the file's config.json. */
  model: ModelInfo;
  /** (model.params.length) f32: the parameters in the model's table layout. */
  params: Float32Array;
  /** Adam's state when the file holds one. */
  adam?: AdamState;
  /** The dataset the file records the model was trained on (metadata.json), or null. */
  dataset: DatasetDescription | null;
}

/**
 * Reads a `.keras` file: the model from its config.json, the weights (and Adam's state when
 * present) in that model's layout; every problem is one KerasFileError naming the file.
 */
export async function loadKerasModelFile(path: string): Promise<LoadedKeras> {
  const abs = resolve(path);
  let bytes: Uint8Array;
  try {
    const info = await stat(abs);
    if (!info.isFile()) throw new KerasFileError(`${path}: not a regular file`);
    if (info.size > MAX_KERAS_FILE_BYTES) {
      throw new KerasFileError(`${path}: ${formatCount(info.size)} bytes, more than the ${formatCount(MAX_KERAS_FILE_BYTES)} a .keras file may have`);
    }
    bytes = new Uint8Array(await readFile(abs));
  } catch (e) {
    if (e instanceof KerasFileError) throw e;
    throw new KerasFileError(`${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  const name = basename(abs);
  const file = await readKerasFile(bytes, name, isolatedWeightsReader());
  return { path: abs, file, ...modelFromKerasFile(file, name) };
}

/** Writes the flat buffers as a `.keras` file at `path` (creating its directory; atomically); returns the absolute path. */
export async function saveKerasModelFile(path: string, source: KerasExport): Promise<string> {
  const abs = resolve(path);
  if (!abs.endsWith('.keras')) throw new KerasFileError(`${path}: a Keras model file must end in .keras (keras.models.load_model requires it)`);
  const bytes = await writeKerasFile(kerasFileFrom(source));
  await mkdir(dirname(abs), { recursive: true });
  await writeFileAtomic(abs, bytes);
  return abs;
}
