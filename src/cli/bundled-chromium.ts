// The Chromium shipped on npm (@sparticuz/chromium, linux-x64 only): brotli-packed archives of
// a headless Chromium, SwiftShader (its Vulkan driver, ICD file and a Vulkan loader), fonts and
// the NSS/NSPR/expat libraries. Unpacked once into a folder of the project's cache named by the
// package's version and the platform, so that two versions never share a folder and no other
// program's $TMPDIR/chromium is reused.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const BUNDLED_PACKAGE = '@sparticuz/chromium';

/** The repository root (two levels above this file). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The project's cache: <root>/.cache (git-ignored), or $WEBGPU_MNIST_CACHE. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.WEBGPU_MNIST_CACHE ? resolve(env.WEBGPU_MNIST_CACHE) : join(ROOT, '.cache');
}

/** The archives in the package's bin/ folder, each unpacked beside the others. */
const ARCHIVES = ['chromium.br', 'swiftshader.tar.br', 'fonts.tar.br', 'al2023.tar.br'];

/** Written last into a finished folder: its content names the package version. */
const READY_MARK = '.ready';

export interface BundledChromium {
  /** The package's version, e.g. "153.0.0". */
  version: string;
  /** The unpacked folder. */
  dir: string;
  /** The browser binary. */
  executablePath: string;
  /** SwiftShader's Vulkan ICD file (its library sits beside it, as does libvulkan.so.1). */
  swiftshaderIcd: string;
  /** The folder holding the Vulkan loader libvulkan.so.1. */
  vulkanLoaderDir: string;
  /** NSS, NSPR and expat: put on LD_LIBRARY_PATH only where the system lacks them. */
  systemLibDir: string;
  /** Seconds spent unpacking now; 0 when the folder was already there. */
  unpackSeconds: number;
}

export class BundledChromiumError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundledChromiumError';
  }
}

function packageBinDir(): { bin: string; packageJson: string } {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve(BUNDLED_PACKAGE);
  } catch {
    throw new BundledChromiumError(`the npm package ${BUNDLED_PACKAGE} is not installed (run \`npm ci\`)`);
  }
  const pkg = resolve(dirname(main), '..');
  return { bin: join(pkg, 'bin'), packageJson: join(pkg, 'package.json') };
}

/** The installed package's version, e.g. "153.0.0". */
export async function bundledVersion(): Promise<string> {
  return (JSON.parse(await readFile(packageBinDir().packageJson, 'utf8')) as { version: string }).version;
}

function describe(dir: string, version: string, unpackSeconds: number): BundledChromium {
  return {
    version,
    dir,
    executablePath: join(dir, 'chromium'),
    swiftshaderIcd: join(dir, 'vk_swiftshader_icd.json'),
    vulkanLoaderDir: dir,
    systemLibDir: join(dir, 'al2023', 'lib'),
    unpackSeconds,
  };
}

/** The folder a version unpacks into: <cache>/chromium-<version>-<platform>-<arch>. */
export function bundledDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), `chromium-${version}-${process.platform}-${process.arch}`);
}

/**
 * Unpacks every archive of `bin` into `target`. The package's `inflate` writes into os.tmpdir(),
 * which it reads synchronously when called: $TMPDIR is pointed at `target` for those calls only.
 */
async function inflateInto(bin: string, target: string): Promise<void> {
  const { inflate } = (await import(BUNDLED_PACKAGE)) as { inflate(path: string): Promise<string> };
  const saved = process.env.TMPDIR;
  let pending: Promise<string>[];
  process.env.TMPDIR = target;
  try {
    pending = ARCHIVES.map((a) => inflate(join(bin, a)));
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  await Promise.all(pending);
}

/** Removes folders of other versions of the package left in the cache. */
async function removeOtherVersions(keep: string): Promise<void> {
  const root = dirname(keep);
  for (const name of readdirSync(root)) {
    if (name.startsWith('chromium-') && join(root, name) !== keep && !name.includes('.partial-')) {
      await rm(join(root, name), { recursive: true, force: true });
    }
  }
}

/** Renames `partial` to `dir`, unless another process has put a finished `dir` there first. */
export async function moveIntoPlace(partial: string, dir: string, isReady: (d: string) => Promise<boolean>): Promise<void> {
  try {
    await rename(partial, dir);
    return;
  } catch {
    // `dir` exists: finished by another process (kept, ours dropped) or a broken leftover.
  }
  if (await isReady(dir)) {
    await rm(partial, { recursive: true, force: true });
    return;
  }
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
}

/** This process's unpacks under way, by cache folder. */
const unpacking = new Map<string, Promise<BundledChromium>>();

/**
 * The unpacked bundled Chromium, unpacking it first where its versioned folder is missing.
 * Safe to call from several processes at once: each unpacks into its own folder and renames
 * it into place; the first rename wins. Calls within one process share the unpack under way.
 */
export function unpackBundledChromium(env: NodeJS.ProcessEnv = process.env): Promise<BundledChromium> {
  const key = cacheRoot(env);
  let pending = unpacking.get(key);
  if (!pending) {
    pending = unpackOnce(env);
    unpacking.set(key, pending);
    const forget = () => void unpacking.delete(key);
    pending.then(forget, forget);
  }
  return pending;
}

async function unpackOnce(env: NodeJS.ProcessEnv): Promise<BundledChromium> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new BundledChromiumError(`${BUNDLED_PACKAGE} ships Chromium for linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  const { bin } = packageBinDir();
  const version = await bundledVersion();
  const dir = bundledDir(version, env);
  const isReady = async (d: string) => existsSync(join(d, READY_MARK)) && (await readFile(join(d, READY_MARK), 'utf8')).trim() === version;
  if (await isReady(dir)) return describe(dir, version, 0);

  const started = performance.now();
  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  await mkdir(partial, { recursive: true });
  try {
    await inflateInto(bin, partial);
    await writeFile(join(partial, READY_MARK), `${version}\n`);
    await moveIntoPlace(partial, dir, isReady);
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    // Another process may have finished the same folder meanwhile.
    if (await isReady(dir)) return describe(dir, version, 0);
    throw new BundledChromiumError(`could not unpack ${BUNDLED_PACKAGE} into ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  await removeOtherVersions(dir);
  return describe(dir, version, (performance.now() - started) / 1000);
}

/** Shared libraries `binary` needs and the dynamic linker cannot find (from `ldd`). */
export async function missingLibraries(binary: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)('ldd', [binary], { env });
    return [...stdout.matchAll(/^\s*(\S+) => not found/gm)].map((m) => m[1]);
  } catch {
    return []; // no ldd: let the launch itself report what is missing
  }
}
