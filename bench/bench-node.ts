// Node side of `npm run bench -- --node`: WebGPU from the `webgpu` package (Dawn on Vulkan),
// MNIST from disk. Loaded through Vite's SSR loader so the WGSL files are bundled as in the page.
import { loadMnistFromDisk } from '../src/data/mnist-node.ts';
import { createNodeGpu } from '../src/gpu/node-gpu.ts';
import { runBench } from './bench-entry.ts';
import type { BenchRequest, BenchResult } from './bench-protocol.ts';

export async function run(req: BenchRequest): Promise<BenchResult> {
  return runBench(req, { gpu: await createNodeGpu(), loadData: () => loadMnistFromDisk() });
}
