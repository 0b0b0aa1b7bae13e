// `npm run train -- --node`: the same headless run as the page, in Node, with WebGPU from the
// `webgpu` package (Dawn on the machine's Vulkan driver). Loaded through Vite's SSR module
// loader so the WGSL files are bundled exactly as in the browser.
import { loadRunDataset } from '../data/dataset-node.ts';
import { DEFAULT_TEST_SPLIT } from '../train/types.ts';
import { createNodeGpu, dawnRuntime } from '../gpu/node-gpu.ts';
import type { TrainEvent } from '../train/types.ts';
import { runHeadless } from './headless-run.ts';
import type { CheckpointSink, HeadlessConfig, HeadlessResult } from './protocol.ts';

export async function run(config: HeadlessConfig, send: (e: TrainEvent) => void, checkpoint: CheckpointSink): Promise<HeadlessResult> {
  const { dataPack, options } = config;
  const pack = dataPack ? { file: dataPack.file, testSplit: options.ownDataset?.testSplit ?? DEFAULT_TEST_SPLIT } : null;
  return runHeadless(config, { gpu: await createNodeGpu(), loadData: () => loadRunDataset(options.dataset, pack), send, checkpoint, runtime: dawnRuntime() });
}
