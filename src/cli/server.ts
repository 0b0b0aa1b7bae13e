// Starts the repository's Vite dev server on 127.0.0.1 (a free port) for the headless runners.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { mnistPlugin } from '../data/vite-mnist-plugin.ts';
import { dataPackPlugin } from './pack-server.ts';

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Serves the MNIST files unless vite.config.ts already registers the mnist-data plugin
 * (so the runners work whether or not the config wires it in).
 */
function mnistFallback(): Plugin {
  const inner = mnistPlugin();
  let configured = false;
  return {
    name: 'mnist-data-cli-fallback',
    configResolved(config) {
      configured = config.plugins.some((p) => p.name === 'mnist-data');
    },
    configureServer(server) {
      if (configured) return;
      const hook = inner.configureServer;
      const fn = typeof hook === 'function' ? hook : hook?.handler;
      return fn?.call(this, server);
    },
  };
}

export interface DevServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/** `extraEntries`: more modules (relative to root) for the dependency scan. */
export async function startDevServer(root = REPO_ROOT, extraEntries: string[] = []): Promise<DevServer> {
  const server: ViteDevServer = await createServer({
    root,
    configFile: resolve(root, 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    plugins: [mnistFallback(), dataPackPlugin()],
    // Pre-bundle the headless page's dependencies at start-up: a dependency discovered in the
    // middle of a run is bundled again, and the page then holds two copies of it (typegpu
    // refuses mixed copies).
    optimizeDeps: { entries: ['src/cli/headless.html', ...extraEntries], include: ['typegpu', 'typegpu/data'] },
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error('the Vite dev server did not report its port');
  }
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

export interface SsrLoader {
  /** Loads a module of the repository (e.g. '/src/cli/node-entry.ts') with Vite's transforms. */
  load(path: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Vite in middleware mode (no port) used as a module loader for Node: the same transforms
 * as the page (WGSL files through import.meta.glob), run in this process.
 */
export async function startSsrLoader(root = REPO_ROOT): Promise<SsrLoader> {
  const server = await createServer({
    root,
    configFile: resolve(root, 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: [] },
    // The `webgpu` package is a native Node module: load it with Node, not Vite.
    ssr: { external: ['webgpu'] },
  });
  return { load: (path) => server.ssrLoadModule(path), close: () => server.close() };
}
