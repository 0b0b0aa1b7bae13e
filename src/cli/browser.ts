// Finds and launches the Chromium every headless runner uses (train, bench, the TensorFlow.js
// peers, Vitest's browser tests, the end-to-end tests): $CHROMIUM_PATH, else a system
// Chromium/Chrome, else the Chromium shipped on npm (bundled-chromium.ts). $WEBGPU_BROWSER
// overrides the search: `system` (CHROMIUM_PATH or a system browser only) or `bundled` (the npm
// one only, as on a machine with no browser installed); `auto` or unset: the order above.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright';
import { softwareNotice, type AdapterChoice } from './adapter-choice.ts';
import { BundledChromiumError, missingLibraries, unpackBundledChromium } from './bundled-chromium.ts';

export const BROWSER_ENV = 'WEBGPU_BROWSER';
export type BrowserPreference = 'auto' | 'system' | 'bundled';

export const INSTALL_HINT =
  'The browser is $CHROMIUM_PATH, else a system Chromium/Chrome, else the Chromium of the npm package @sparticuz/chromium ' +
  '(linux-x64; installed by `npm ci`). Set CHROMIUM_PATH to a Chromium/Chrome with WebGPU, or install one.';

/** Flags every launch gets. */
const COMMON_FLAGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Under a C/POSIX locale Chromium's language is 'en-US@posix', which Intl (and so uPlot, on
  // import) rejects: the page would not boot.
  '--lang=en-US',
];

/**
 * Chromium flags for an adapter choice. `swiftshader` forces SwiftShader; `gpu` and `auto` leave
 * the adapter to Chromium, which takes the GPU where it has one and SwiftShader (as a fallback
 * adapter) where not.
 */
export function webgpuFlags(adapter: AdapterChoice): string[] {
  return adapter === 'swiftshader' ? [...COMMON_FLAGS, '--use-webgpu-adapter=swiftshader'] : [...COMMON_FLAGS];
}

export const SYSTEM_BROWSER_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'bundled';

export interface FoundBrowser {
  executablePath: string;
  source: BrowserSource;
  /** The environment to launch it with; undefined: this process's. */
  env: Record<string, string | undefined> | undefined;
  /** One line for the logs, e.g. "bundled Chromium (@sparticuz/chromium 153.0.0, unpacked in 3.2 s)". */
  description: string;
}

export class BrowserNotFoundError extends Error {
  constructor(message: string) {
    super(`${message}\n${INSTALL_HINT}`);
    this.name = 'BrowserNotFoundError';
  }
}

export function browserPreference(env: NodeJS.ProcessEnv = process.env): BrowserPreference {
  const raw = (env[BROWSER_ENV] ?? '').trim().toLowerCase();
  if (raw === '') return 'auto';
  if (raw === 'auto' || raw === 'system' || raw === 'bundled') return raw;
  throw new BrowserNotFoundError(`${BROWSER_ENV}=${env[BROWSER_ENV]}: expected auto, system or bundled`);
}

/** $CHROMIUM_PATH (which must exist), else the first system browser found; undefined if none. */
export function findSystemBrowser(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): { executablePath: string; source: BrowserSource } | undefined {
  if (env.CHROMIUM_PATH) {
    if (!exists(env.CHROMIUM_PATH)) throw new BrowserNotFoundError(`CHROMIUM_PATH=${env.CHROMIUM_PATH} does not exist.`);
    return { executablePath: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  }
  const path = SYSTEM_BROWSER_PATHS.find(exists);
  return path ? { executablePath: path, source: 'system' } : undefined;
}

async function bundledBrowser(env: NodeJS.ProcessEnv): Promise<FoundBrowser> {
  let bundled;
  try {
    bundled = await unpackBundledChromium(env);
  } catch (e) {
    if (e instanceof BundledChromiumError) throw new BrowserNotFoundError(`No browser: ${e.message}.`);
    throw e;
  }
  // NSS, NSPR and expat come from the system where it has them, else from the package.
  const missing = await missingLibraries(bundled.executablePath, env);
  const launchEnv = missing.length
    ? { ...env, LD_LIBRARY_PATH: [bundled.systemLibDir, env.LD_LIBRARY_PATH].filter(Boolean).join(':') }
    : undefined;
  const unpacked = bundled.unpackSeconds > 0 ? `, unpacked in ${bundled.unpackSeconds.toFixed(1)} s` : '';
  return {
    executablePath: bundled.executablePath,
    source: 'bundled',
    env: launchEnv,
    description: `bundled Chromium (@sparticuz/chromium ${bundled.version} in ${bundled.dir}${unpacked}${missing.length ? '; its own NSS libraries' : ''})`,
  };
}

/** The browser to launch, following $WEBGPU_BROWSER (see the top of this file). */
export async function findBrowser(env: NodeJS.ProcessEnv = process.env): Promise<FoundBrowser> {
  const preference = browserPreference(env);
  if (preference !== 'bundled') {
    const system = findSystemBrowser(env);
    if (system) return { ...system, env: undefined, description: `${system.source === 'system' ? 'system' : 'CHROMIUM_PATH'} browser ${system.executablePath}` };
    if (preference === 'system') throw new BrowserNotFoundError(`${BROWSER_ENV}=system but no Chromium/Chrome is installed and CHROMIUM_PATH is unset.`);
  }
  return bundledBrowser(env);
}

/** What the browser's navigator.gpu.requestAdapter() gave. */
export interface ProbedAdapter {
  vendor: string;
  architecture: string;
  /** SwiftShader or another software fallback. */
  software: boolean;
}

export interface LaunchedBrowser {
  browser: Browser;
  found: FoundBrowser;
  /** The adapter a page sees; null when it was not probed (`swiftshader`) or there was none. */
  adapter: ProbedAdapter | null;
  /** One line to print when `auto` fell back to SwiftShader; null otherwise. */
  notice: string | null;
}

/** The origin of the probe page: a secure context (WebGPU needs one), answered by Playwright itself. */
const PROBE_URL = 'http://127.0.0.1/__webgpu-adapter-probe';

/** Asks a throwaway page for the adapter the browser gives. */
export async function probeAdapter(browser: Browser): Promise<ProbedAdapter | null> {
  const page = await browser.newPage();
  try {
    await page.route(PROBE_URL, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>probe</title>' }));
    await page.goto(PROBE_URL);
    return await page.evaluate(async () => {
      const adapter = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) return null;
      const { vendor, architecture, description } = adapter.info;
      const fallback = (adapter.info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
      return { vendor, architecture, software: fallback || /swiftshader|llvmpipe|lavapipe/i.test(`${vendor} ${architecture} ${description}`) };
    });
  } finally {
    await page.close();
  }
}

/**
 * Every launch is headless and leaves SIGINT, SIGTERM and SIGHUP to the program: the CLI stops
 * its run itself (src/cli/signals.ts) and closes the browser, with no Playwright log.
 */
const LAUNCH_COMMON = { headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false } as const;

/**
 * Finds and launches the browser with WebGPU for `adapter`. `gpu` throws when the browser has
 * only a software adapter; `auto` then returns a notice. `extraArgs` are added to the flags.
 */
export async function launchWebGpuBrowser(adapter: AdapterChoice, extraArgs: string[] = []): Promise<LaunchedBrowser> {
  const found = await findBrowser();
  const { chromium } = await import('playwright');
  let browser: Browser;
  try {
    browser = await chromium.launch({ ...LAUNCH_COMMON, executablePath: found.executablePath, args: [...webgpuFlags(adapter), ...extraArgs], env: found.env });
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new BrowserNotFoundError(`Could not start the ${found.description}: ${first}`);
  }
  if (adapter === 'swiftshader') return { browser, found, adapter: null, notice: null };
  const probed = await probeAdapter(browser).catch(async (e: unknown) => {
    await browser.close();
    throw e;
  });
  if (probed && !probed.software) return { browser, found, adapter: probed, notice: null };
  if (adapter === 'gpu') {
    await browser.close();
    const seen = probed ? `only a software adapter (${probed.vendor} / ${probed.architecture})` : 'no WebGPU adapter';
    throw new BrowserNotFoundError(`--adapter gpu: Chromium found ${seen}. Check the GPU driver, or use --adapter auto or swiftshader.`);
  }
  if (probed) return { browser, found, adapter: probed, notice: softwareNotice('Chromium found no GPU adapter') };
  // No adapter at all without the flag: ask for SwiftShader explicitly.
  await browser.close();
  const relaunched = await chromium.launch({ ...LAUNCH_COMMON, executablePath: found.executablePath, args: [...webgpuFlags('swiftshader'), ...extraArgs], env: found.env });
  return { browser: relaunched, found, adapter: null, notice: softwareNotice('Chromium found no GPU adapter') };
}
