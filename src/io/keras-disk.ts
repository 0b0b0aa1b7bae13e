// Node-only: a `.keras` file on disk to the flat buffers (for `--init model.keras`, evaluation)
// and back. The browser reads the bytes itself and calls readKerasFile / paramsFromKeras.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { KerasFileError, readKerasFile, writeKerasFile, type KerasFile } from './keras-file.ts';
import { adamFromKeras, kerasFileFrom, paramsFromKeras, SEED_LAYOUT, type AdamState, type KerasExport, type ParamLayout } from './keras-mapping.ts';
import { seedDropoutRatesOf } from './keras-seed-config.ts';

export interface LoadedKeras {
  /** Absolute path of the file read. */
  path: string;
  file: KerasFile;
  /** (layout.length) f32: the parameters in the table's layout. */
  params: Float32Array;
  /** Adam's state when the file holds one. */
  adam?: AdamState;
  /** With the seed's table: the file's dropout rates (its config was checked to be the seed network). */
  dropout?: [number, number, number];
}

/**
 * Reads and maps a `.keras` file; every problem is one KerasFileError naming the file. With
 * the seed's table (the default) the config must be the seed network.
 */
export async function loadKerasModelFile(path: string, layout: ParamLayout = SEED_LAYOUT): Promise<LoadedKeras> {
  const abs = resolve(path);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(abs));
  } catch (e) {
    throw new KerasFileError(`${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  const name = basename(abs);
  const file = await readKerasFile(bytes, name);
  const loaded: LoadedKeras = { path: abs, file, params: paramsFromKeras(file, name, layout) };
  if (layout === SEED_LAYOUT) loaded.dropout = seedDropoutRatesOf(file.config, name);
  const adam = adamFromKeras(file, name, layout);
  if (adam) loaded.adam = adam;
  return loaded;
}

/** Writes the flat buffers as a `.keras` file at `path` (creating its directory); returns the absolute path. */
export async function saveKerasModelFile(path: string, source: KerasExport): Promise<string> {
  const abs = resolve(path);
  if (!abs.endsWith('.keras')) throw new KerasFileError(`${path}: a Keras model file must end in .keras (keras.models.load_model requires it)`);
  const bytes = await writeKerasFile(kerasFileFrom(source));
  await mkdir(dirname(abs), { recursive: true });
  await writeFile(abs, bytes);
  return abs;
}
