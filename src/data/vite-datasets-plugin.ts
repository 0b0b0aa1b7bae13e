// Vite plugin (node side, for vite.config.ts): the datasets manifest (datasets.ts's
// DATASETS_MANIFEST) at `<base>datasets.json`, served by the dev server and emitted into the
// build, each listing the datasets it has, so the page learns what it may offer with one
// request that cannot fail.
import type { Plugin } from 'vite';
import { DATASETS_MANIFEST, type DatasetName } from './datasets.ts';

export interface ServedDatasets {
  /** What the dev server serves. */
  serve: readonly DatasetName[];
  /** What a static build holds. */
  build: readonly DatasetName[];
}

export function manifestJson(datasets: readonly DatasetName[]): string {
  return JSON.stringify({ datasets }) + '\n';
}

export function datasetsManifestPlugin(served: ServedDatasets): Plugin {
  return {
    name: 'datasets-manifest',

    configureServer(server) {
      const path = `${server.config.base}${DATASETS_MANIFEST}`;
      const body = manifestJson(served.serve);
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== path || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Content-Length', String(Buffer.byteLength(body)));
        res.setHeader('Cache-Control', 'no-cache');
        res.end(req.method === 'HEAD' ? undefined : body);
      });
    },

    generateBundle() {
      this.emitFile({ type: 'asset', fileName: DATASETS_MANIFEST, source: manifestJson(served.build) });
    },
  };
}
