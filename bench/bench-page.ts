// Page side of `npm run bench`: the browser's WebGPU and MNIST from the dev server.
import { fetchMnist } from '../src/data/mnist.ts';
import { runBench } from './bench-entry.ts';
import { BENCH_API_GLOBAL, type BenchPageApi } from './bench-protocol.ts';

const api: BenchPageApi = { run: (req) => runBench(req, { gpu: navigator.gpu, loadData: () => fetchMnist('/mnist') }) };
(globalThis as unknown as Record<string, BenchPageApi>)[BENCH_API_GLOBAL] = api;
