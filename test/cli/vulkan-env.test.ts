// The Vulkan environment of --node (src/cli/vulkan-env.ts): which loader and driver each
// machine gets for each --adapter, on made-up machines (file systems given as path sets).
import { describe, expect, it } from 'vitest';
import { planVulkan, probeSystemVulkan, vulkanPreference, VulkanSetupError, type SystemVulkan } from '../../src/cli/vulkan-env.ts';

const SW = { icd: '/cache/chromium-153/vk_swiftshader_icd.json', loaderDir: '/cache/chromium-153' };
const NVIDIA = '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json';

const bare: SystemVulkan = { hasLoader: false, userDrivers: false, nvidiaIcd: null, icdFiles: [] };
const withLoader: SystemVulkan = { ...bare, hasLoader: true };
const nvidia: SystemVulkan = { ...withLoader, nvidiaIcd: NVIDIA };
const mesa: SystemVulkan = { ...withLoader, icdFiles: ['/usr/share/vulkan/icd.d/radeon_icd.x86_64.json'] };

/** A file system holding exactly `files` (folders are implied by their files). */
function fakeFs(files: string[]) {
  const exists = (p: string) => files.some((f) => f === p || f.startsWith(`${p}/`));
  const list = (d: string) => files.filter((f) => f.startsWith(`${d}/`)).map((f) => f.slice(d.length + 1).split('/')[0]);
  return { exists, list };
}

describe('probeSystemVulkan', () => {
  it('sees nothing on a bare machine', () => {
    const { exists, list } = fakeFs(['/usr/bin/node']);
    expect(probeSystemVulkan({}, exists, list)).toEqual(bare);
  });

  it('finds the loader, NVIDIA in /usr/local/nvidia, ICD folders and user-set drivers', () => {
    const { exists, list } = fakeFs([
      '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
      NVIDIA,
      '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json',
      '/usr/share/vulkan/icd.d/README',
    ]);
    expect(probeSystemVulkan({}, exists, list)).toEqual({
      hasLoader: true,
      userDrivers: false,
      nvidiaIcd: NVIDIA,
      icdFiles: ['/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'],
    });
    expect(probeSystemVulkan({ VK_DRIVER_FILES: '/x.json' }, exists, list).userDrivers).toBe(true);
  });

  it('counts a loader on LD_LIBRARY_PATH', () => {
    const { exists, list } = fakeFs(['/opt/vk/libvulkan.so.1']);
    expect(probeSystemVulkan({ LD_LIBRARY_PATH: '/nowhere::/opt/vk' }, exists, list).hasLoader).toBe(true);
    expect(probeSystemVulkan({ LD_LIBRARY_PATH: '/nowhere' }, exists, list).hasLoader).toBe(false);
  });
});

describe('planVulkan', () => {
  it('falls back to SwiftShader with its loader and a notice on a bare machine (auto)', () => {
    const plan = planVulkan('auto', 'auto', bare, SW, { LD_LIBRARY_PATH: '/mine' });
    expect(plan.set).toEqual({ VK_ICD_FILENAMES: SW.icd, VK_DRIVER_FILES: SW.icd, LD_LIBRARY_PATH: `${SW.loaderDir}:/mine` });
    expect(plan.driver).toBe('swiftshader');
    expect(plan.notice).toBe('Note: no Vulkan GPU driver is installed; using SwiftShader (software WebGPU, slow). --adapter swiftshader silences this.');
  });

  it("keeps the system's loader when there is one", () => {
    const plan = planVulkan('auto', 'auto', withLoader, SW, {});
    expect(plan.set).toEqual({ VK_ICD_FILENAMES: SW.icd, VK_DRIVER_FILES: SW.icd });
  });

  it("points the loader at NVIDIA's driver before anything else, for auto and gpu", () => {
    for (const adapter of ['auto', 'gpu'] as const) {
      const plan = planVulkan(adapter, 'auto', nvidia, SW, {});
      expect(plan).toMatchObject({ set: { VK_ICD_FILENAMES: NVIDIA, VK_DRIVER_FILES: NVIDIA }, driver: 'system', notice: null });
      expect(plan.description).toBe(`${NVIDIA}, loader on the library path`);
    }
  });

  it('lends SwiftShader’s loader to a system driver without one', () => {
    const plan = planVulkan('gpu', 'auto', { ...mesa, hasLoader: false }, SW, {});
    expect(plan).toMatchObject({ set: { LD_LIBRARY_PATH: SW.loaderDir }, driver: 'system', notice: null });
    expect(plan.description).toBe(`${mesa.icdFiles[0]}, loader ${SW.loaderDir}`);
    expect(() => planVulkan('gpu', 'auto', { ...mesa, hasLoader: false }, null, {})).toThrow(/no Vulkan loader/);
  });

  it('changes nothing for a system driver, or for drivers the user named', () => {
    expect(planVulkan('auto', 'auto', mesa, SW, {})).toMatchObject({ set: {}, driver: 'system', notice: null });
    expect(planVulkan('auto', 'auto', { ...withLoader, userDrivers: true }, SW, {})).toMatchObject({ set: {}, driver: 'system', notice: null });
    // NVIDIA's file is not forced over the user's choice.
    expect(planVulkan('gpu', 'auto', { ...nvidia, userDrivers: true }, SW, {}).set).toEqual({});
  });

  it('forces SwiftShader for --adapter swiftshader even beside a GPU driver', () => {
    const plan = planVulkan('swiftshader', 'auto', nvidia, SW, {});
    expect(plan).toMatchObject({ set: { VK_ICD_FILENAMES: SW.icd, VK_DRIVER_FILES: SW.icd }, driver: 'swiftshader', notice: null });
    expect(plan.description).toBe(`SwiftShader ${SW.icd}, loader on the library path`);
  });

  it('refuses --adapter gpu, and WEBGPU_VULKAN=system, with no driver', () => {
    expect(() => planVulkan('gpu', 'auto', withLoader, SW, {})).toThrow(/--adapter gpu: no Vulkan driver is installed/);
    expect(() => planVulkan('auto', 'system', withLoader, SW, {})).toThrow(/WEBGPU_VULKAN=system: no Vulkan driver/);
  });

  it('WEBGPU_VULKAN=bundled hides the system: the bundled loader first and SwiftShader only', () => {
    const plan = planVulkan('auto', 'bundled', nvidia, SW, { LD_LIBRARY_PATH: '/usr/local/lib' });
    expect(plan.set).toEqual({ VK_ICD_FILENAMES: SW.icd, VK_DRIVER_FILES: SW.icd, LD_LIBRARY_PATH: `${SW.loaderDir}:/usr/local/lib` });
    expect(plan.driver).toBe('swiftshader');
    expect(plan.description).toBe(`SwiftShader ${SW.icd}, loader ${SW.loaderDir} (WEBGPU_VULKAN=bundled)`);
  });

  it('says where SwiftShader comes from when it is missing', () => {
    for (const [adapter, pref, system] of [['auto', 'auto', bare], ['swiftshader', 'auto', nvidia], ['auto', 'bundled', nvidia]] as const) {
      expect(() => planVulkan(adapter, pref, system, null, {})).toThrow(VulkanSetupError);
      expect(() => planVulkan(adapter, pref, system, null, {})).toThrow(/@sparticuz\/chromium/);
    }
  });
});

describe('vulkanPreference', () => {
  it('reads WEBGPU_VULKAN and rejects other values', () => {
    expect(vulkanPreference({})).toBe('auto');
    expect(vulkanPreference({ WEBGPU_VULKAN: 'Bundled' })).toBe('bundled');
    expect(vulkanPreference({ WEBGPU_VULKAN: 'system' })).toBe('system');
    expect(() => vulkanPreference({ WEBGPU_VULKAN: 'nvidia' })).toThrow(/WEBGPU_VULKAN=nvidia: expected auto, system or bundled/);
  });
});
