// One read of model.weights.h5 as the isolated readers' workers do it (h5-worker.ts in Node,
// h5-browser-worker.ts in the page): readWeightsH5, answered as a reply (the weights, their
// buffers to transfer) or the error's message, saying whether the HDF5 instance crashed.
import { H5LibraryCrashError, KerasFileError, readWeightsH5, type H5Weights } from './keras-h5.ts';

/** The least time a read is given (a 3 MB file reads in about 0.1 s)... */
export const READ_TIMEOUT_MS = 5000;
/** ...and the time added per MB of the file (HDF5 reads about 100 MB/s; this allows ten times slower). */
export const READ_MS_PER_MB = 100;

/** The time a read of `bytes` bytes may take before it is refused. */
export function readTimeLimit(bytes: number): number {
  return READ_TIMEOUT_MS + Math.ceil((bytes / 1e6) * READ_MS_PER_MB);
}

export interface H5Request {
  id: number;
  bytes: Uint8Array;
  where: string;
}

export type H5Reply =
  | { id: number; ok: true; weights: H5Weights }
  /** known: a KerasFileError; crashed: the worker's HDF5 instance must not be used again. */
  | { id: number; ok: false; message: string; known: boolean; crashed: boolean };

function buffersOf(weights: H5Weights): ArrayBuffer[] {
  const all = [...weights.layers.flatMap((l) => l.vars), ...(weights.optimizer?.vars ?? [])].map((v) => v.data.buffer);
  return [...new Set(all)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** The reply to `request`, with the buffers to transfer with it. */
export async function answerH5Request(request: H5Request): Promise<{ reply: H5Reply; transfer: ArrayBuffer[] }> {
  try {
    const weights = await readWeightsH5(request.bytes, request.where);
    return { reply: { id: request.id, ok: true, weights }, transfer: buffersOf(weights) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const crashed = e instanceof H5LibraryCrashError || !(e instanceof KerasFileError);
    return { reply: { id: request.id, ok: false, message, known: e instanceof KerasFileError, crashed }, transfer: [] };
  }
}

/** The KerasFileError a failed reply stands for. */
export function replyError(reply: Extract<H5Reply, { ok: false }>, where: string): KerasFileError {
  return new KerasFileError(reply.known ? reply.message : `${where}: is damaged: the HDF5 library failed reading it (${reply.message})`);
}
