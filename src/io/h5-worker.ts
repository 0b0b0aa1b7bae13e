// The worker thread of h5-isolated.ts: reads the model.weights.h5 files posted to it
// (h5-read-job.ts) and posts back the weights (their buffers transferred) or the error.
// Node-only.
import { parentPort } from 'node:worker_threads';
import { answerH5Request, type H5Request } from './h5-read-job.ts';

const port = parentPort;
if (port) {
  port.on('message', async (request: H5Request) => {
    const { reply, transfer } = await answerH5Request(request);
    port.postMessage(reply, transfer);
  });
  port.postMessage('ready');
}
