// Node-only: reads and writes a TensorFlow.js layers model (model.json + weight files) on disk.
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.ts';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ModelInfo } from '../model/model-info.ts';
import { exportModel, manifestGroups, readModel, WEIGHTS_FILE, WeightsFormatError, type ExportOptions, type ImportResult } from './tfjs-model.ts';
import { JsonContentError, parseJsonContent } from './json-content.ts';
import { formatCount, MAX_JSON_BYTES, MAX_WEIGHTS_BYTES } from './load-limits.ts';

/** `path` may be a model.json or a directory holding one. */
async function modelJsonPath(path: string): Promise<string> {
  const abs = resolve(path);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new Error(`${path}: no such file or directory`);
  }
  const json = info.isDirectory() ? join(abs, 'model.json') : abs;
  const jsonInfo = await stat(json).catch(() => null);
  if (!jsonInfo) throw new Error(`${json}: no such file`);
  if (!jsonInfo.isFile()) throw new Error(`${json}: not a regular file`);
  if (jsonInfo.size > MAX_JSON_BYTES) throw new WeightsFormatError([`${formatCount(jsonInfo.size)} bytes, more than the ${formatCount(MAX_JSON_BYTES)} a model.json may have`], json);
  return json;
}

/**
 * Checks, before reading anything, that every weight path of the manifest names a regular
 * file inside the model's folder (also after following links), that each group's files add
 * up to the byte size its manifest entries describe and that all of them stay under
 * MAX_WEIGHTS_BYTES. Returns path -> absolute file, and the problems found.
 */
async function checkWeightFiles(
  dir: string,
  groups: { paths: string[]; bytes: number | undefined }[],
): Promise<{ paths: Map<string, string>; problems: string[] }> {
  const paths = new Map<string, string>();
  const problems: string[] = [];
  const realDir = await realpath(dir).catch(() => dir);
  const inside = (root: string, p: string) => {
    const r = relative(root, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r);
  };
  let allBytes = 0;
  for (const group of groups) {
    let total = 0;
    let complete = true;
    for (const p of group.paths) {
      const file = resolve(dir, p);
      let problem: string | null = null;
      if (!inside(dir, file)) problem = `weights file "${p}" lies outside the model's folder ${dir}`;
      else {
        try {
          const real = await realpath(file);
          const info = await stat(real);
          if (!inside(realDir, real)) problem = `weights file "${p}" links outside the model's folder (to ${real})`;
          else if (!info.isFile()) problem = `weights file "${p}" (${file}) is not a regular file`;
          else total += info.size;
        } catch {
          problem = `weights file "${p}" (listed in the manifest) not found at ${file}`;
        }
      }
      if (problem) {
        problems.push(problem);
        complete = false;
      } else paths.set(p, file);
    }
    allBytes += total;
    if (complete && group.bytes !== undefined && total !== group.bytes) {
      problems.push(`${group.paths.join(' + ')}: ${total.toLocaleString('en-US')} bytes on disk, the manifest describes ${group.bytes.toLocaleString('en-US')}`);
    }
  }
  if (allBytes > MAX_WEIGHTS_BYTES) problems.push(`the weight files hold ${formatCount(allBytes)} bytes, more than the ${formatCount(MAX_WEIGHTS_BYTES)} this trainer reads`);
  return { paths, problems };
}

/**
 * Loads model.json and every weight file its manifest lists (paths relative to model.json's
 * directory), validates them and returns the parameters. Throws WeightsFormatError for a
 * bad model, Error for unreadable files.
 */
export async function loadModelFiles(path: string): Promise<ImportResult & { path: string }> {
  const jsonPath = await modelJsonPath(path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(jsonPath);
  } catch (e) {
    throw new Error(`${jsonPath}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown;
  try {
    json = parseJsonContent(bytes);
  } catch (e) {
    throw e instanceof JsonContentError ? new WeightsFormatError([e.message], jsonPath) : e;
  }
  const dir = dirname(jsonPath);
  const weights = new Map<string, Uint8Array>();
  let groups: ReturnType<typeof manifestGroups> = [];
  try {
    groups = manifestGroups(json, jsonPath);
  } catch {
    // A bad manifest: read no file; readModel below names every problem.
  }
  const files = await checkWeightFiles(dir, groups);
  if (files.problems.length > 0) throw new WeightsFormatError(files.problems, jsonPath);
  for (const [p, file] of files.paths) weights.set(p, new Uint8Array(await readFile(file)));
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
  await writeFileAtomic(binPath, weightsBin);
  await writeFileAtomic(jsonPath, JSON.stringify(modelJson, null, 1) + '\n');
  return { modelJson: jsonPath, weightsBin: binPath };
}
