// Environment for Dawn (the `webgpu` package) to find a Vulkan driver. With a GPU driver
// installed nothing changes. Without one, Debian's chromium package ships SwiftShader's Vulkan
// ICD and a Vulkan loader in its library folder: point Dawn at those.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relaySignalsTo } from './signals.ts';

const CHROMIUM_LIB_DIRS = ['/usr/lib/chromium', '/usr/lib64/chromium', '/usr/lib/chromium-browser'];
const LOADER_PATHS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
];
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/** Extra environment variables, or null when none are needed. */
export function vulkanEnv(env: NodeJS.ProcessEnv, forceSwiftShader: boolean): Record<string, string> | null {
  const chromiumLib = CHROMIUM_LIB_DIRS.find((d) => existsSync(`${d}/libvulkan.so.1`));
  const extra: Record<string, string> = {};
  const hasLoader = LOADER_PATHS.some((p) => existsSync(p)) || (env.LD_LIBRARY_PATH ?? '').split(':').some((d) => d && existsSync(`${d}/libvulkan.so.1`));
  if (!hasLoader && chromiumLib) extra.LD_LIBRARY_PATH = [chromiumLib, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const hasIcd = Boolean(env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) || ICD_DIRS.some((d) => existsSync(d));
  const swiftshaderIcd = CHROMIUM_LIB_DIRS.map((d) => `${d}/vk_swiftshader_icd.json`).find((p) => existsSync(p));
  if ((forceSwiftShader || !hasIcd) && swiftshaderIcd && env.VK_ICD_FILENAMES !== swiftshaderIcd) {
    extra.VK_ICD_FILENAMES = swiftshaderIcd;
  }
  return Object.keys(extra).length ? extra : null;
}

/**
 * Dawn reads the Vulkan loader path and driver list at start-up: when `vulkanEnv` asks for
 * changes, re-runs this same command with them set and resolves with its exit code; resolves
 * null when this process can go on itself.
 */
export function rerunWithVulkanEnv(forceSwiftShader: boolean): Promise<number> | null {
  const extra = vulkanEnv(process.env, forceSwiftShader);
  if (!extra || process.env.MNIST_VULKAN_ENV_SET) return null;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...extra, MNIST_VULKAN_ENV_SET: '1' },
  });
  return relaySignalsTo(child);
}
