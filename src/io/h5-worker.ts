// The worker thread of h5-isolated.ts: reads the model.weights.h5 files posted to it with
// readWeightsH5 and posts back the weights (their buffers transferred) or the error's message.
// Node-only.
import { parentPort } from 'node:worker_threads';
import { H5LibraryCrashError, KerasFileError, readWeightsH5, type H5Weights } from './keras-h5.ts';
import type { H5Reply, H5Request } from './h5-isolated.ts';

function buffersOf(weights: H5Weights): ArrayBuffer[] {
  const all = [...weights.layers.flatMap((l) => l.vars), ...(weights.optimizer?.vars ?? [])].map((v) => v.data.buffer);
  return [...new Set(all)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

const port = parentPort;
if (port) {
  port.on('message', async (request: H5Request) => {
    let reply: H5Reply;
    try {
      const weights = await readWeightsH5(request.bytes, request.where);
      port.postMessage({ id: request.id, ok: true, weights } satisfies H5Reply, buffersOf(weights));
      return;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      reply = { id: request.id, ok: false, message, known: e instanceof KerasFileError, crashed: e instanceof H5LibraryCrashError || !(e instanceof KerasFileError) };
    }
    port.postMessage(reply);
  });
  port.postMessage('ready');
}
