// fetchMnist and the Vite plugin: HTTP errors name the file and status; the plugin serves the
// files in dev (at <base>mnist/<name>) and emits them into a static build that serves them too.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, createServer, preview, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchMnist, labelCounts, MNIST_FILE_NAMES, MNIST_FILES, MnistFetchError } from '../../src/data/mnist.ts';
import { mnistDataDir } from '../../src/data/mnist-node.ts';
import { mnistPlugin } from '../../src/data/vite-mnist-plugin.ts';
import { imageFile, labelFile } from './idx-fixtures.ts';

const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

describe('fetchMnist with a fake fetch', () => {
  const good: Record<string, Uint8Array<ArrayBuffer>> = {
    [MNIST_FILES.trainImages]: imageFile(2),
    [MNIST_FILES.trainLabels]: labelFile([1, 2]),
    [MNIST_FILES.testImages]: imageFile(1),
    [MNIST_FILES.testLabels]: labelFile([7]),
  };
  function fakeFetch(respond: (name: string) => Response): { fetch: typeof fetch; urls: string[] } {
    const urls: string[] = [];
    const fn = async (input: string | URL | Request) => {
      const url = String(input);
      urls.push(url);
      return respond(url.slice(url.lastIndexOf('/') + 1));
    };
    return { fetch: fn as typeof fetch, urls };
  }
  const ok = (name: string) => new Response(good[name], { headers: { 'Content-Type': 'application/octet-stream' } });

  it('fetches ${baseUrl}/<name> for each file (trailing slash tolerated)', async () => {
    const { fetch, urls } = fakeFetch(ok);
    const mnist = await fetchMnist('/app/mnist/', fetch);
    expect(urls.sort()).toEqual(MNIST_FILE_NAMES.map((n) => `/app/mnist/${n}`).sort());
    expect(mnist.train.count).toBe(2);
    expect([...mnist.test.labels]).toEqual([7]);
  });

  it('reports an HTTP error with the file name and status', async () => {
    const { fetch } = fakeFetch((name) =>
      name === MNIST_FILES.testLabels
        ? new Response('nope', { status: 404, statusText: 'Not Found', headers: { 'Content-Type': 'application/json' } })
        : ok(name),
    );
    const err = await fetchMnist('/mnist', fetch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MnistFetchError);
    expect((err as MnistFetchError).status).toBe(404);
    expect((err as Error).message).toBe(`${MNIST_FILES.testLabels}: HTTP 404 Not Found (/mnist/${MNIST_FILES.testLabels})`);
  });

  it("quotes a plain-text error body (the dev server's reason)", async () => {
    const { fetch } = fakeFetch((name) =>
      name === MNIST_FILES.trainLabels
        ? new Response(`${name}: cannot read /x/${name}: ENOENT`, { status: 500, headers: { 'Content-Type': 'text/plain' } })
        : ok(name),
    );
    await expect(fetchMnist('/mnist', fetch)).rejects.toThrow(
      `${MNIST_FILES.trainLabels}: HTTP 500: ${MNIST_FILES.trainLabels}: cannot read /x/${MNIST_FILES.trainLabels}: ENOENT (/mnist/${MNIST_FILES.trainLabels})`,
    );
  });

  it('reports a network failure with the file name', async () => {
    const fetch = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof globalThis.fetch;
    await expect(fetchMnist('http://127.0.0.1:9/mnist', fetch)).rejects.toThrow(/-ubyte: request failed: Failed to fetch/);
  });

  it('reports an HTML page (SPA fallback) instead of the file', async () => {
    const { fetch } = fakeFetch(() => new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } }));
    await expect(fetchMnist('/mnist', fetch)).rejects.toThrow(/got an HTML page instead of the IDX file/);
  });

  it('reports a malformed body as a format error naming the file', async () => {
    const { fetch } = fakeFetch((name) =>
      name === MNIST_FILES.trainImages ? new Response(imageFile(2, { magic: 2049 })) : ok(name),
    );
    await expect(fetchMnist('/mnist', fetch)).rejects.toThrow(`${MNIST_FILES.trainImages}: bad magic number 2049`);
  });
});

describe('the Vite plugin', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mnist-vite-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><html><body>page</body></html>');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function devServer(base: string, dir?: string): Promise<{ server: ViteDevServer; origin: string }> {
    const server = await createServer({
      root,
      base,
      configFile: false,
      logLevel: 'silent',
      plugins: [mnistPlugin({ dir })],
      server: { host: '127.0.0.1', port: 0, strictPort: false, ws: false },
    });
    await server.listen();
    const { port } = server.httpServer!.address() as AddressInfo;
    return { server, origin: `http://127.0.0.1:${port}` };
  }

  it('serves the files in dev, and fetchMnist loads them', async () => {
    const { server, origin } = await devServer('/');
    try {
      const head = await fetch(`${origin}/mnist/${MNIST_FILES.testImages}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('7840016');
      const mnist = await fetchMnist(`${origin}/mnist`);
      expect(mnist.train.count).toBe(60000);
      expect(labelCounts(mnist.test.labels)).toEqual(TEST_COUNTS);
      // An unknown path falls through to Vite, whose SPA fallback answers with index.html.
      await expect(fetchMnist(`${origin}/not-mnist`)).rejects.toThrow(/got an HTML page/);
    } finally {
      await server.close();
    }
  });

  it('names a missing file and its path through fetchMnist', async () => {
    const empty = join(root, 'no-mnist-here');
    const { server, origin } = await devServer('/', empty);
    try {
      const err = await fetchMnist(`${origin}/mnist`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MnistFetchError);
      expect((err as Error).message).toMatch(new RegExp(`HTTP 500 .*: \\S+-ubyte: cannot read ${empty}/\\S+-ubyte: ENOENT`));
    } finally {
      await server.close();
    }
  });

  it('serves the files under a non-root base', async () => {
    const { server, origin } = await devServer('/app/');
    try {
      const response = await fetch(`${origin}/app/mnist/${MNIST_FILES.testLabels}?v=1`);
      expect(response.status).toBe(200);
      expect(new Uint8Array(await response.arrayBuffer()).length).toBe(10008);
    } finally {
      await server.close();
    }
  });

  it('emits the files into the build, where the static preview serves them', async () => {
    const outDir = join(root, 'dist');
    await build({ root, configFile: false, logLevel: 'silent', plugins: [mnistPlugin()], build: { outDir, emptyOutDir: true } });
    for (const name of MNIST_FILE_NAMES) {
      expect((await stat(join(outDir, 'mnist', name))).size).toBe((await stat(join(mnistDataDir(), name))).size);
    }
    const server = await preview({
      root,
      configFile: false,
      logLevel: 'silent',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    try {
      const { port } = server.httpServer.address() as AddressInfo;
      const mnist = await fetchMnist(`http://127.0.0.1:${port}/mnist`);
      expect(mnist.train.count).toBe(60000);
      expect(labelCounts(mnist.test.labels)).toEqual(TEST_COUNTS);
    } finally {
      await server.close();
    }
  });
});
