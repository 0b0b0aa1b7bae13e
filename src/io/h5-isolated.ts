// Node-only: model.weights.h5 read in a worker thread (h5-worker.ts) that can be stopped. The
// HDF5 library is C compiled to WebAssembly: on a damaged file it may loop forever (a corrupt
// heap in a name attribute does) or trap, and neither can be interrupted in the thread it runs
// in. Here a read that takes too long ends the worker and is refused; a worker whose library
// crashed is ended too; the next read starts a fresh one (a fresh HDF5 instance). One read at a
// time; the worker does not keep the process alive.
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { KerasFileError, readWeightsH5, type H5Weights } from './keras-h5.ts';
import { readTimeLimit, replyError, type H5Reply, type H5Request } from './h5-read-job.ts';
import type { WeightsReader } from './keras-file.ts';

export interface IsolationOptions {
  /** Time a read may take before it is refused: default h5-read-job.ts readTimeLimit. */
  timeoutMs?: number;
}

/** Time the worker may take to start (load the HDF5 library) before reads run in this thread instead. */
const STARTUP_TIMEOUT_MS = 60_000;

declare const __PORTABLE_NODE__: boolean | undefined;
/** The worker's module in the repository: a bootstrap that registers tsx first. */
const FROM_SOURCE = './h5-worker-tsx.mjs';

/** The worker's entry: the portable Node build ships it compiled beside its command lines. */
function workerEntry(): URL {
  const portable = typeof __PORTABLE_NODE__ !== 'undefined' && __PORTABLE_NODE__;
  return portable ? pathToFileURL(join(dirname(process.argv[1]), 'h5-worker.mjs')) : new URL(FROM_SOURCE, import.meta.url);
}

interface Running {
  worker: Worker;
  /** Settles with the worker ready, or with an error when it could not start. */
  started: Promise<void>;
  /** The reply handler of the read in progress. */
  onReply: ((reply: H5Reply) => void) | null;
  /** Called when the worker dies (an error or an exit) during a read. */
  onDeath: ((why: string) => void) | null;
}

let running: Running | null = null;
/** Set when the worker cannot start here: reads then run in this thread. */
let unavailable = false;
let nextId = 0;
let queue: Promise<unknown> = Promise.resolve();

function start(): Running {
  const worker = new Worker(workerEntry());
  const r: Running = { worker, started: Promise.resolve(), onReply: null, onDeath: null };
  r.started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start in ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS);
    timer.unref();
    worker.on('message', (m: H5Reply | 'ready') => {
      if (m === 'ready') {
        clearTimeout(timer);
        resolve();
      } else r.onReply?.(m);
    });
    const died = (why: string) => {
      clearTimeout(timer);
      if (running === r) running = null;
      reject(new Error(why));
      r.onDeath?.(why);
    };
    worker.on('error', (e) => died(e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => died(`exited with code ${code}`));
  });
  r.started.catch(() => {}); // observed by the read that waits for it
  return r;
}

function stop(r: Running): void {
  if (running === r) running = null;
  void r.worker.terminate();
}

function readIn(r: Running, bytes: Uint8Array, where: string, timeoutMs: number): Promise<H5Weights> {
  const id = ++nextId;
  return new Promise<H5Weights>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      r.onReply = null;
      r.onDeath = null;
    };
    const timer = setTimeout(() => {
      done();
      stop(r);
      reject(new KerasFileError(`${where}: is damaged: the HDF5 library did not finish reading it in ${(timeoutMs / 1000).toFixed(1)} s`));
    }, timeoutMs);
    r.onReply = (reply) => {
      if (reply.id !== id) return;
      done();
      if (reply.ok) return resolve(reply.weights);
      if (reply.crashed) stop(r);
      reject(replyError(reply, where));
    };
    r.onDeath = (why) => {
      done();
      reject(new KerasFileError(`${where}: is damaged: the HDF5 reader stopped reading it (${why})`));
    };
    const copy = bytes.slice();
    r.worker.postMessage({ id, bytes: copy, where } satisfies H5Request, [copy.buffer]);
  });
}

async function readOnce(bytes: Uint8Array, where: string, timeoutMs: number): Promise<H5Weights> {
  if (unavailable) return readWeightsH5(bytes, where);
  const r = running ?? (running = start());
  r.worker.ref(); // keeps the process alive while a read waits on the worker
  try {
    try {
      await r.started;
    } catch {
      if (running === r) running = null;
      unavailable = true;
      return await readWeightsH5(bytes, where);
    }
    return await readIn(r, bytes, where, timeoutMs);
  } finally {
    r.worker.unref(); // an idle worker does not
  }
}

/**
 * Reads model.weights.h5 like readWeightsH5, in the worker thread: a read that passes its time
 * limit or crashes the HDF5 library is refused with a KerasFileError, and the next read gets a
 * fresh library instance.
 */
export function readWeightsH5Isolated(bytes: Uint8Array, where: string, options: IsolationOptions = {}): Promise<H5Weights> {
  const timeoutMs = options.timeoutMs ?? readTimeLimit(bytes.length);
  const read = queue.then(() => readOnce(bytes, where, timeoutMs));
  queue = read.catch(() => {});
  return read;
}

/** readWeightsH5Isolated as readKerasFile's weights reader. */
export function isolatedWeightsReader(options: IsolationOptions = {}): WeightsReader {
  return (bytes, where) => readWeightsH5Isolated(bytes, where, options);
}
