// The portable Node build of the two command lines (src/cli/train.ts, src/cli/bench.ts) for
// a GPU machine without npm: one folder of ES modules with the WGSL files, typegpu and the rest
// compiled in. Only `webgpu` (the native Dawn module) stays outside, beside it in the kit
// (bench/gpu-kit/build.sh); Playwright and Vite are imported by the browser back ends alone and
// are never loaded there. `npm run gpu-kit` builds it.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '../..');
/** The kit folder: .gpu-kit, or $GPU_KIT_DIR (the kit's test builds one in a temporary folder). */
const kit = resolve(root, process.env.GPU_KIT_DIR ?? '.gpu-kit');

export default defineConfig({
  root,
  logLevel: 'warn',
  define: { __PORTABLE_NODE__: 'true' },
  ssr: { noExternal: true },
  build: {
    ssr: true,
    target: 'node20',
    outDir: resolve(kit, 'app'),
    emptyOutDir: true,
    minify: false,
    rollupOptions: {
      // h5-worker: the worker thread that reads .keras weights (src/io/h5-isolated.ts starts it beside train.mjs).
      input: { train: resolve(root, 'src/cli/train.ts'), bench: resolve(root, 'src/cli/bench.ts'), 'h5-worker': resolve(root, 'src/io/h5-worker.ts') },
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
      // @sparticuz/chromium (the npm Chromium, for SwiftShader) is not carried: the kit runs on the
      // machine's own Vulkan driver.
      external: ['webgpu', 'playwright', 'vite', '@sparticuz/chromium', /^node:/],
    },
  },
});
