// The page tests' one setup: the Vite dev server on a free port and headless Chromium with
// WebGPU on SwiftShader (src/cli/browser.ts), closed together.
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright';
import { createServer } from 'vite';
import { launchWebGpuBrowser } from '../../src/cli/browser.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface PageServer {
  /** The dev server's root URL, ending in '/'. */
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const server = await createServer({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  await server.listen();
  try {
    const { browser } = await launchWebGpuBrowser('swiftshader');
    return {
      url: server.resolvedUrls!.local[0],
      browser,
      close: async () => {
        await browser.close();
        await server.close();
      },
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}
