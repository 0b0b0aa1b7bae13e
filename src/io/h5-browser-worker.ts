/// <reference lib="webworker" />
// The page's worker for one model.weights.h5 read (h5-isolated-browser.ts): reads the file
// posted to it (h5-read-job.ts) and posts back the weights or the error.
import { answerH5Request, type H5Request } from './h5-read-job.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<H5Request>) => {
  const { reply, transfer } = await answerH5Request(e.data);
  scope.postMessage(reply, transfer);
};
scope.postMessage('ready');
