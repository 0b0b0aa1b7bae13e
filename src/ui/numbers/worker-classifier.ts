// The number reader's classifier on the training worker: each call is one 'predictBatch'
// message (one GPU batch), answered by the reply with the same id.
import type { PageToWorker, WorkerToPage } from '../protocol.ts';
import type { BatchClassifier } from './read-picture.ts';

export interface WorkerClassifier {
  classify: BatchClassifier;
  /** Hands a worker message to the classifier; true when it was a reply to one of its calls. */
  onMessage(msg: WorkerToPage): boolean;
}

/**
 * `ready()` says whether the worker has a model; without one a call fails at once with a hint.
 * Classifiers of different panels take ids from different `firstId`s (a reply is matched by id).
 * `reader()`, where given, makes each call the number reader's (protocol.ts 'predictBatch').
 */
export function workerClassifier(
  send: (msg: PageToWorker, transfer?: Transferable[]) => void,
  ready: () => boolean,
  firstId = 1,
  reader?: () => 'reader' | "model's digits",
): WorkerClassifier {
  const pending = new Map<number, { resolve(p: Float32Array): void; reject(e: Error): void }>();
  let nextId = firstId;
  return {
    classify(images, count) {
      if (!ready()) return Promise.reject(new Error('there is no model yet: train one or load weights'));
      const id = nextId++;
      return new Promise<Float32Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ type: 'predictBatch', id, images, count, ...(reader && { reader: reader() }) });
      });
    },
    onMessage(msg) {
      if (msg.type !== 'batchPrediction' && msg.type !== 'batchPredictionFailed') return false;
      const call = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.type === 'batchPrediction') call?.resolve(msg.probabilities);
      else call?.reject(new Error(msg.message));
      return true;
    },
  };
}
