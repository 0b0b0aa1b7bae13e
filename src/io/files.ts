// Node-only: reads and writes a TensorFlow.js layers model (model.json + weight files) on disk.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ModelInfo } from '../model/model-info.ts';
import { exportModel, readModel, WEIGHTS_FILE, WeightsFormatError, type ExportOptions, type ImportResult } from './tfjs-model.ts';

/** `path` may be a model.json or a directory holding one. */
async function modelJsonPath(path: string): Promise<string> {
  const abs = resolve(path);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new Error(`${path}: no such file or directory`);
  }
  return info.isDirectory() ? join(abs, 'model.json') : abs;
}

/**
 * Loads model.json and every weight file its manifest lists (paths relative to model.json's
 * directory), validates them and returns the parameters. Throws WeightsFormatError for a
 * bad model, Error for unreadable files.
 */
export async function loadModelFiles(path: string): Promise<ImportResult & { path: string }> {
  const jsonPath = await modelJsonPath(path);
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (e) {
    throw new Error(`${jsonPath}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WeightsFormatError([`not valid JSON: ${e instanceof Error ? e.message : String(e)}`], jsonPath);
  }
  const dir = dirname(jsonPath);
  const weights = new Map<string, Uint8Array>();
  const missing: string[] = [];
  const manifest = (json as { weightsManifest?: unknown })?.weightsManifest;
  if (Array.isArray(manifest)) {
    for (const group of manifest) {
      const paths = (group as { paths?: unknown })?.paths;
      if (!Array.isArray(paths)) continue;
      for (const p of paths) {
        if (typeof p !== 'string' || weights.has(p)) continue;
        const file = resolve(dir, p);
        try {
          weights.set(p, new Uint8Array(await readFile(file)));
        } catch {
          missing.push(`weights file "${p}" (listed in the manifest) not found at ${file}`);
        }
      }
    }
  }
  if (missing.length > 0) throw new WeightsFormatError(missing, jsonPath);
  return { ...readModel(json, weights, { source: jsonPath }), path: jsonPath };
}

/** Writes `dir`/model.json and `dir`/weights.bin (creating dir); returns their paths. */
export async function saveModelFiles(
  dir: string,
  model: ModelInfo,
  flat: Float32Array,
  options: ExportOptions = {},
): Promise<{ modelJson: string; weightsBin: string }> {
  const { modelJson, weightsBin } = exportModel(model, flat, options);
  await mkdir(dir, { recursive: true });
  const jsonPath = join(dir, 'model.json');
  const binPath = join(dir, options.weightsPath ?? WEIGHTS_FILE);
  await writeFile(binPath, weightsBin);
  await writeFile(jsonPath, JSON.stringify(modelJson, null, 1) + '\n');
  return { modelJson: jsonPath, weightsBin: binPath };
}
