// The datasets manifest (datasets.json): what the page reads from it, and the dev server's
// answer for it under a base path (the build's copy is checked by the static-build e2e test).
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createServer } from 'vite';
import { DATASETS_MANIFEST, datasetsOfManifest } from '../../src/data/datasets.ts';
import { datasetsManifestPlugin } from '../../src/data/vite-datasets-plugin.ts';

describe('the datasets manifest', () => {
  it('lists the known datasets it names, in the trainer order, and none for a bad manifest', () => {
    expect(datasetsOfManifest({ datasets: ['fashion-mnist', 'mnist'] })).toEqual(['mnist', 'fashion-mnist']);
    expect(datasetsOfManifest({ datasets: ['mnist', 'cifar10'] })).toEqual(['mnist']);
    expect(datasetsOfManifest({ datasets: 'mnist' })).toEqual([]);
    expect(datasetsOfManifest(null)).toEqual([]);
  });

  it('is served by the dev server under its base with what the dev server has', async () => {
    const server = await createServer({
      root: import.meta.dirname,
      base: '/app/',
      configFile: false,
      logLevel: 'silent',
      plugins: [datasetsManifestPlugin({ serve: ['mnist', 'fashion-mnist'], build: ['mnist'] })],
      server: { host: '127.0.0.1', port: 0, strictPort: false, ws: false },
    });
    await server.listen();
    try {
      const { port } = server.httpServer!.address() as AddressInfo;
      const r = await fetch(`http://127.0.0.1:${port}/app/${DATASETS_MANIFEST}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(datasetsOfManifest(await r.json())).toEqual(['mnist', 'fashion-mnist']);
    } finally {
      await server.close();
    }
  });
});
