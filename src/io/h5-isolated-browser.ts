// The page's model.weights.h5 reader: each read in a worker of its own (h5-browser-worker.ts)
// that is ended when the read takes too long. The HDF5 library (C compiled to WebAssembly) may
// loop forever on a damaged file, and a loop cannot be interrupted in the worker it runs in:
// read in the training worker, it would hang the page's training and predictions for good.
import type { WeightsReader } from './keras-file.ts';
import type { H5Weights } from './keras-h5.ts';
import { KerasFileError } from './keras-h5.ts';
import { readTimeLimit, replyError, type H5Reply, type H5Request } from './h5-read-job.ts';

/** Time the worker may take to start (fetch and compile the HDF5 library) before the read is refused. */
const STARTUP_TIMEOUT_MS = 60_000;

/** Reads `bytes` in a fresh worker; refused with a KerasFileError when it takes longer than `timeoutMs` (default: as in Node). */
export function readWeightsH5InWorker(bytes: Uint8Array, where: string, timeoutMs = readTimeLimit(bytes.length)): Promise<H5Weights> {
  const worker = new Worker(new URL('./h5-browser-worker.ts', import.meta.url), { type: 'module', name: 'hdf5 reader' });
  return new Promise<H5Weights>((resolve, reject) => {
    let timer = setTimeout(() => fail(`${where}: the HDF5 reader did not start in ${STARTUP_TIMEOUT_MS / 1000} s`), STARTUP_TIMEOUT_MS);
    const end = () => {
      clearTimeout(timer);
      worker.terminate();
    };
    const fail = (message: string) => {
      end();
      reject(new KerasFileError(message));
    };
    worker.onerror = (e) => fail(`${where}: is damaged: the HDF5 reader stopped reading it (${e.message || 'worker error'})`);
    worker.onmessage = (e: MessageEvent<H5Reply | 'ready'>) => {
      if (e.data === 'ready') {
        clearTimeout(timer);
        timer = setTimeout(() => fail(`${where}: is damaged: the HDF5 library did not finish reading it in ${(timeoutMs / 1000).toFixed(1)} s`), timeoutMs);
        const copy = bytes.slice();
        worker.postMessage({ id: 1, bytes: copy, where } satisfies H5Request, [copy.buffer]);
        return;
      }
      end();
      if (e.data.ok) resolve(e.data.weights);
      else reject(replyError(e.data, where));
    };
  });
}

/** readWeightsH5InWorker as readKerasFile's weights reader. */
export function workerWeightsReader(timeoutMs?: number): WeightsReader {
  return (bytes, where) => readWeightsH5InWorker(bytes, where, timeoutMs);
}
