// `npm run train -- --node`: the same headless run as the page, in Node, with WebGPU from the
// `webgpu` package (Dawn on the machine's Vulkan driver). Loaded through Vite's SSR module
// loader so the WGSL files are bundled exactly as in the browser.
import { loadDataset } from '../data/dataset-node.ts';
import { createNodeGpu, dawnRuntime } from '../gpu/node-gpu.ts';
import type { TrainEvent } from '../train/types.ts';
import { runHeadless } from './headless-run.ts';
import type { CheckpointSink, HeadlessConfig, HeadlessResult } from './protocol.ts';

export async function run(config: HeadlessConfig, send: (e: TrainEvent) => void, checkpoint: CheckpointSink): Promise<HeadlessResult> {
  return runHeadless(config, { gpu: await createNodeGpu(), loadData: () => loadDataset(config.options.dataset), send, checkpoint, runtime: dawnRuntime() });
}
