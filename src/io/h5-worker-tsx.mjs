// Starts the HDF5 reader's worker thread (h5-worker.ts) from the TypeScript sources: a worker
// thread does not inherit tsx's loader, so this registers it, then imports the worker.
import { register } from 'tsx/esm/api';

register();
await import('./h5-worker.ts');
