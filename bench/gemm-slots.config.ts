// The 'gpu' test project of vite.config.ts (headless Chromium on the chosen WebGPU adapter)
// running bench/gemm-slots.gpu.ts alone: `npx vitest run --config bench/gemm-slots.config.ts`.
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import base from '../vite.config.ts';

type Project = { test?: { name?: string; include?: string[] } };

export default defineConfig(async (env): Promise<ViteUserConfig> => {
  const config = await (base as (e: typeof env) => Promise<ViteUserConfig>)(env);
  const gpu = (config.test?.projects as Project[]).find((p) => p.test?.name === 'gpu')!;
  return { ...config, test: { ...config.test, projects: [{ ...gpu, test: { ...gpu.test, include: ['bench/gemm-slots.gpu.ts'] } }] } };
});
