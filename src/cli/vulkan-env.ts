// The Vulkan environment of the Node back end (`--node`: Dawn, the `webgpu` package, on a
// Vulkan driver). Dawn reads it at start-up, so the command re-runs itself with it set.
//
// Drivers: VK_ICD_FILENAMES / VK_DRIVER_FILES where the user set them; else NVIDIA's driver
// where its ICD file is installed (also in /usr/local/nvidia, outside the loader's search);
// else any driver in the standard ICD folders; else SwiftShader (software) from the unpacked
// npm Chromium (bundled-chromium.ts), or from Debian's chromium package. The Vulkan loader
// (libvulkan.so.1): the system's, else the one beside that SwiftShader.
// $WEBGPU_VULKAN=bundled hides the system's loader and drivers (the loader and SwiftShader of
// the npm Chromium only, as on a machine without Vulkan); `system` never falls back.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { softwareNotice, type AdapterChoice } from './adapter-choice.ts';
import { relaySignalsTo } from './signals.ts';

export const VULKAN_ENV = 'WEBGPU_VULKAN';
export type VulkanPreference = 'auto' | 'system' | 'bundled';

/** Set in the re-run child, so that it does not re-run again. */
const RERUN_MARK = 'MNIST_VULKAN_ENV_SET';

/** Whether this process is the re-run child of rerunWithVulkanEnv (its parent relays signals and exit codes). */
export function isVulkanRerun(): boolean {
  return Boolean(process.env[RERUN_MARK]);
}

const NVIDIA_ICDS = [
  '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json',
  '/usr/share/vulkan/icd.d/nvidia_icd.json',
  '/etc/vulkan/icd.d/nvidia_icd.json',
];
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const LOADER_PATHS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
];
/** Debian's chromium package: SwiftShader's ICD and a loader in its library folder. */
const CHROMIUM_PACKAGE_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'];

/** What the machine has, as seen by `probeSystemVulkan`. */
export interface SystemVulkan {
  /** A libvulkan.so.1 the dynamic linker finds (standard folders or LD_LIBRARY_PATH). */
  hasLoader: boolean;
  /** VK_ICD_FILENAMES or VK_DRIVER_FILES is set. */
  userDrivers: boolean;
  /** NVIDIA's ICD file, if installed. */
  nvidiaIcd: string | null;
  /** ICD files in the standard folders. */
  icdFiles: string[];
}

/** SwiftShader's Vulkan driver: its ICD file, with libvulkan.so.1 in the same folder. */
export interface SwiftShaderVulkan {
  icd: string;
  loaderDir: string;
}

export interface VulkanPlan {
  /** Variables to set (empty: none). */
  set: Record<string, string>;
  driver: 'system' | 'swiftshader';
  /** One line to print (a fallback to SwiftShader under `auto`), or null. */
  notice: string | null;
  /** The driver and loader in use, for the log. */
  description: string;
}

export class VulkanSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VulkanSetupError';
  }
}

export function vulkanPreference(env: NodeJS.ProcessEnv): VulkanPreference {
  const raw = (env[VULKAN_ENV] ?? '').trim().toLowerCase();
  if (raw === '') return 'auto';
  if (raw === 'auto' || raw === 'system' || raw === 'bundled') return raw;
  throw new VulkanSetupError(`${VULKAN_ENV}=${env[VULKAN_ENV]}: expected auto, system or bundled`);
}

function listIcds(dir: string, exists: (p: string) => boolean, list: (d: string) => string[]): string[] {
  if (!exists(dir)) return [];
  return list(dir).filter((f) => f.endsWith('.json')).map((f) => `${dir}/${f}`);
}

export function probeSystemVulkan(
  env: NodeJS.ProcessEnv,
  exists: (p: string) => boolean = existsSync,
  list: (d: string) => string[] = (d) => readdirSync(d),
): SystemVulkan {
  const libraryPath = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return {
    hasLoader: LOADER_PATHS.some(exists) || libraryPath.some((d) => exists(`${d}/libvulkan.so.1`)),
    userDrivers: Boolean(env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES),
    nvidiaIcd: NVIDIA_ICDS.find(exists) ?? null,
    icdFiles: ICD_DIRS.flatMap((d) => listIcds(d, exists, list)),
  };
}

const prepend = (dir: string, path: string | undefined) => [dir, path].filter(Boolean).join(':');

function swiftShaderSet(sw: SwiftShaderVulkan, env: NodeJS.ProcessEnv, withLoader: boolean): Record<string, string> {
  const set: Record<string, string> = { VK_ICD_FILENAMES: sw.icd, VK_DRIVER_FILES: sw.icd };
  if (withLoader) set.LD_LIBRARY_PATH = prepend(sw.loaderDir, env.LD_LIBRARY_PATH);
  return set;
}

function swiftShaderDescription(sw: SwiftShaderVulkan, system: SystemVulkan): string {
  return `SwiftShader ${sw.icd}, loader ${system.hasLoader ? 'on the library path' : sw.loaderDir}`;
}

/**
 * The variables to set for `adapter` (pure: `system` is what the machine has, `swiftShader`
 * the software driver available, or null). Throws VulkanSetupError when nothing fits.
 */
export function planVulkan(
  adapter: AdapterChoice,
  preference: VulkanPreference,
  system: SystemVulkan,
  swiftShader: SwiftShaderVulkan | null,
  env: NodeJS.ProcessEnv,
): VulkanPlan {
  const needSwiftShader = (why: string): SwiftShaderVulkan => {
    if (swiftShader) return swiftShader;
    throw new VulkanSetupError(`${why}, and no SwiftShader Vulkan driver was found (the npm package @sparticuz/chromium, linux-x64, provides one: run \`npm ci\`).`);
  };
  if (preference === 'bundled') {
    const sw = needSwiftShader(`${VULKAN_ENV}=bundled`);
    return { set: swiftShaderSet(sw, env, true), driver: 'swiftshader', notice: null, description: `SwiftShader ${sw.icd}, loader ${sw.loaderDir} (${VULKAN_ENV}=bundled)` };
  }
  if (adapter === 'swiftshader') {
    const sw = needSwiftShader('--adapter swiftshader');
    return { set: swiftShaderSet(sw, env, !system.hasLoader), driver: 'swiftshader', notice: null, description: swiftShaderDescription(sw, system) };
  }
  if (system.userDrivers || system.icdFiles.length > 0 || system.nvidiaIcd) {
    const set: Record<string, string> = {};
    if (!system.hasLoader) {
      if (!swiftShader) throw new VulkanSetupError('A Vulkan driver is installed but no Vulkan loader (libvulkan.so.1): install it (Debian/Ubuntu: libvulkan1).');
      set.LD_LIBRARY_PATH = prepend(swiftShader.loaderDir, env.LD_LIBRARY_PATH);
    }
    if (!system.userDrivers && system.nvidiaIcd) Object.assign(set, { VK_ICD_FILENAMES: system.nvidiaIcd, VK_DRIVER_FILES: system.nvidiaIcd });
    const driver = set.VK_ICD_FILENAMES ?? (system.userDrivers ? 'the drivers VK_ICD_FILENAMES / VK_DRIVER_FILES name' : system.icdFiles.join(', '));
    const loader = system.hasLoader ? 'on the library path' : swiftShader!.loaderDir;
    return { set, driver: 'system', notice: null, description: `${driver}, loader ${loader}` };
  }
  if (adapter === 'gpu' || preference === 'system') {
    throw new VulkanSetupError(`${adapter === 'gpu' ? '--adapter gpu' : `${VULKAN_ENV}=system`}: no Vulkan driver is installed (no ICD file in ${ICD_DIRS.join(', ')}). Install the GPU's Vulkan driver.`);
  }
  const sw = needSwiftShader('No Vulkan driver is installed');
  return { set: swiftShaderSet(sw, env, !system.hasLoader), driver: 'swiftshader', notice: softwareNotice('no Vulkan GPU driver is installed'), description: swiftShaderDescription(sw, system) };
}

/** SwiftShader from the unpacked npm Chromium, else from Debian's chromium package, else null. */
async function findSwiftShader(env: NodeJS.ProcessEnv, preference: VulkanPreference): Promise<SwiftShaderVulkan | null> {
  try {
    // Not part of the portable Node build (bench/gpu-kit), where this import fails.
    const { unpackBundledChromium } = await import('./bundled-chromium.ts');
    const bundled = await unpackBundledChromium(env);
    return { icd: bundled.swiftshaderIcd, loaderDir: bundled.vulkanLoaderDir };
  } catch (e) {
    if (preference === 'bundled') throw new VulkanSetupError(`${VULKAN_ENV}=bundled: ${e instanceof Error ? e.message : String(e)}`);
  }
  const icd = CHROMIUM_PACKAGE_ICDS.find((p) => existsSync(p));
  return icd ? { icd, loaderDir: dirname(icd) } : null;
}

/** The plan for this machine; unpacks the npm Chromium only when SwiftShader may be needed. */
export async function vulkanPlanFor(adapter: AdapterChoice, env: NodeJS.ProcessEnv = process.env): Promise<VulkanPlan> {
  const preference = vulkanPreference(env);
  const system = probeSystemVulkan(env);
  const hasSystemDriver = system.userDrivers || system.icdFiles.length > 0 || system.nvidiaIcd !== null;
  const mayNeedSwiftShader = preference === 'bundled' || adapter === 'swiftshader' || !system.hasLoader || !hasSystemDriver;
  const swiftShader = mayNeedSwiftShader ? await findSwiftShader(env, preference) : null;
  return planVulkan(adapter, preference, system, swiftShader, env);
}

/**
 * Dawn reads the loader path and the driver list at start-up: when the plan sets anything,
 * re-runs this same command with it and resolves with the child's exit code; resolves null
 * when this process can go on itself (nothing to set, or it is that child).
 */
export async function rerunWithVulkanEnv(adapter: AdapterChoice): Promise<number | null> {
  if (isVulkanRerun()) return null;
  const plan = await vulkanPlanFor(adapter);
  process.stderr.write(`Vulkan: ${plan.description}\n`);
  if (plan.notice) process.stderr.write(`${plan.notice}\n`);
  if (Object.keys(plan.set).length === 0) return null;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...plan.set, [RERUN_MARK]: plan.driver },
  });
  return relaySignalsTo(child);
}
