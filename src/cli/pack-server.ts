// Node-only, for the CLI's dev server (server.ts): serves the packs of the user's own datasets
// from the cache folder (own-dataset-node.ts) at `<base>__dataset-packs/<sha256>.pack`, so that
// the headless page fetches what the command line decoded. Only pack names are served.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { datasetCacheDir } from '../data/own-dataset-node.ts';
import { DATA_PACK_URL_PATH } from './protocol.ts';

const PACK_NAME = /^[0-9a-f]{64}\.pack$/;

export function dataPackPlugin(dir: string = datasetCacheDir()): Plugin {
  return {
    name: 'data-packs',
    configureServer(server) {
      const prefix = `${server.config.base}${DATA_PACK_URL_PATH}/`;
      server.middlewares.use((req, res, next) => {
        const pathname = (req.url ?? '').split('?')[0];
        if (!pathname.startsWith(prefix) || req.method !== 'GET') return next();
        const name = pathname.slice(prefix.length);
        const fail = (status: number, text: string) => {
          res.statusCode = status;
          res.setHeader('Content-Type', 'text/plain');
          res.end(text);
        };
        if (!PACK_NAME.test(name)) return fail(404, `${name}: not a dataset pack`);
        const path = join(dir, name);
        stat(path).then(
          (info) => {
            res.statusCode = 200;
            res.setHeader('Content-Type', 'application/octet-stream');
            res.setHeader('Content-Length', String(info.size));
            createReadStream(path)
              .on('error', (e) => res.destroy(e))
              .pipe(res);
          },
          (e: unknown) => fail(404, `${name}: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`),
        );
      });
    },
  };
}
