// Node side of the TensorFlow.js peer benchmark. Serves bench/peers/tfjs-page.html with Vite
// (MNIST at /mnist/<file> through the project's plugin, the tfjs wasm binaries straight from
// node_modules), opens one page per backend in Chromium and collects what the page measures.
//
//   runTfjsPeers({ backends: ['webgpu', 'wasm'], capSeconds: 150, browser })  // from the bench
//   tsx bench/peers/run-tfjs.ts [--backends webgpu,wasm] [--cap 150]          // standalone
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import type { AdapterChoice } from '../../src/cli/adapter-choice.ts';
import { launchWebGpuBrowser } from '../../src/cli/browser.ts';
import { mnistPlugin } from '../../src/data/vite-mnist-plugin.ts';
import {
  PAGE_API_GLOBAL,
  type AdapterSummary,
  type TfjsBackend,
  type TfjsPeerPageApi,
  type TfjsPeerRequest,
  type TfjsPeerResult,
} from './tfjs-protocol.ts';

export type { TfjsBackend, TfjsPeerResult, AdapterSummary } from './tfjs-protocol.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PAGE_PATH = '/bench/peers/tfjs-page.html';
const WASM_PREFIX = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';
const TFJS_PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-backend-wasm',
];

/** How many timed steps and inference runs a backend gets (minimums are honoured even past the cap). */
export interface TfjsRunLimits {
  minSteps: number;
  maxSteps: number;
  minInferRuns: number;
  maxInferRuns: number;
}

/**
 * On SwiftShader a webgpu step takes ~10 s and a 1000-image inference ~40 s (far more when the
 * machine is busy), a wasm step ~0.4 s: few webgpu runs, many wasm ones. Past the minimums the
 * cap decides; webgpu's minimum inference runs is 0 so that a busy machine still finishes
 * (the warm-up pass is then the inference figure, flagged infer_from_warmup).
 */
export const DEFAULT_LIMITS: Record<TfjsBackend, TfjsRunLimits> = {
  webgpu: { minSteps: 1, maxSteps: 3, minInferRuns: 0, maxInferRuns: 3 },
  wasm: { minSteps: 3, maxSteps: 30, minInferRuns: 3, maxInferRuns: 10 },
};

export interface TfjsPeersOptions {
  backends: TfjsBackend[];
  /** Wall-clock budget per backend in seconds (model build, warm-ups and timed runs; MNIST loading excluded). */
  capSeconds: number;
  /** A running Chromium launched by launchWebGpuBrowser; each backend gets a fresh context in it. */
  browser?: Browser;
  /** Or a factory for fresh pages (closed by runTfjsPeers when a backend is done). */
  newPage?: () => Promise<Page>;
  /** Per-backend overrides of DEFAULT_LIMITS. */
  limits?: Partial<Record<TfjsBackend, Partial<TfjsRunLimits>>>;
  batch?: number; // default 128
  inferImages?: number; // default 1000
  /** Progress and page errors; default: stderr. */
  log?: (line: string) => void;
}

export interface TfjsPeersResult {
  tfjs_webgpu?: TfjsPeerResult;
  tfjs_wasm?: TfjsPeerResult;
  /** A backend that failed has its message here instead of a result. */
  errors: Partial<Record<'tfjs_webgpu' | 'tfjs_wasm', string>>;
  /** navigator.gpu's adapter in the pages that ran (null when the browser has no WebGPU). */
  adapter: AdapterSummary | null;
  browser_version: string;
}

/** Starts a Vite dev server on 127.0.0.1 (a free port) that serves the peer page, MNIST and the tfjs wasm files. */
export async function startPeerServer(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    clearScreen: false,
    cacheDir: resolve(REPO_ROOT, 'node_modules/.vite-peers'),
    plugins: [mnistPlugin()],
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    // Pre-bundle tfjs up front (and nothing else) so the page never reloads for a newly found dependency.
    optimizeDeps: { include: TFJS_PACKAGES, noDiscovery: true, entries: [] },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    throw new Error('vite did not report a local URL');
  }
  return { server, url: url.replace(/\/$/, '') };
}

/** Launches the project's Chromium (src/cli/browser.ts) with WebGPU on `adapter`. */
export async function launchPeerBrowser(adapter: AdapterChoice = 'swiftshader'): Promise<Browser> {
  return (await launchWebGpuBrowser(adapter)).browser;
}

/** Runs each backend in its own fresh page and returns the figures keyed tfjs_<backend>. */
export async function runTfjsPeers(options: TfjsPeersOptions): Promise<TfjsPeersResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const ownBrowser = !options.browser && !options.newPage ? await launchPeerBrowser() : undefined;
  const browser = options.browser ?? ownBrowser;
  let server: ViteDevServer | undefined;
  const result: TfjsPeersResult = { errors: {}, adapter: null, browser_version: browser?.version() ?? 'unknown' };
  try {
    const started = await startPeerServer();
    server = started.server;
    for (const backend of options.backends) {
      const key = `tfjs_${backend}` as const;
      const limits = { ...DEFAULT_LIMITS[backend], ...options.limits?.[backend] };
      const request: TfjsPeerRequest = {
        backend,
        batch: options.batch ?? 128,
        inferImages: options.inferImages ?? 1000,
        capSeconds: options.capSeconds,
        ...limits,
        wasmPrefix: `${started.url}${WASM_PREFIX}`,
        mnistBase: `${started.url}/mnist`,
      };
      log(`tfjs ${backend}: running (cap ${options.capSeconds} s)`);
      try {
        const { figures, adapter, browserVersion } = await runInFreshPage(request, started.url, options, browser, log);
        result[key] = figures;
        result.adapter ??= adapter;
        if (result.browser_version === 'unknown' && browserVersion) result.browser_version = browserVersion;
        log(
          `tfjs ${backend}: ${figures.ms_per_step.toFixed(1)} ms/step over ${figures.steps_timed} steps, ` +
            `${figures.infer_ms.toFixed(1)} ms per ${figures.infer_images} images`,
        );
      } catch (e) {
        result.errors[key] = e instanceof Error ? e.message : String(e);
        log(`tfjs ${backend}: FAILED: ${result.errors[key]}`);
      }
    }
  } finally {
    await server?.close();
    await ownBrowser?.close();
  }
  return result;
}

async function runInFreshPage(
  request: TfjsPeerRequest,
  baseUrl: string,
  options: TfjsPeersOptions,
  browser: Browser | undefined,
  log: (line: string) => void,
): Promise<{ figures: TfjsPeerResult; adapter: AdapterSummary | null; browserVersion: string | undefined }> {
  let context: BrowserContext | undefined;
  let page: Page;
  if (options.newPage) page = await options.newPage();
  else {
    context = await browser!.newContext();
    page = await context.newPage();
  }
  page.on('pageerror', (e) => log(`tfjs ${request.backend} page error: ${e.message}`));
  page.on('console', (m) => {
    // Failed requests are reported below with their URL instead.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) log(`tfjs ${request.backend} console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) log(`tfjs ${request.backend}: HTTP ${r.status()} for ${r.url()}`);
  });
  // A hung page must not hang the bench: past this, the page is closed and the run fails.
  const guardMs = (request.capSeconds * 2 + 120) * 1000;
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer from the page after ${guardMs / 1000} s`));
      void page.close();
    }, guardMs);
  });
  try {
    const work = (async () => {
      await page.goto(`${baseUrl}${PAGE_PATH}`);
      await page.waitForFunction((name) => name in window, PAGE_API_GLOBAL, { timeout: 120_000 });
      const figures = await page.evaluate(
        ([name, req]) => (window as unknown as Record<string, TfjsPeerPageApi>)[name].run(req),
        [PAGE_API_GLOBAL, request] as const,
      );
      const adapter =
        figures.adapter !== undefined
          ? figures.adapter
          : await page.evaluate((name) => (window as unknown as Record<string, TfjsPeerPageApi>)[name].adapterInfo(), PAGE_API_GLOBAL);
      return { figures, adapter, browserVersion: page.context().browser()?.version() };
    })();
    return await Promise.race([work, guard]);
  } finally {
    clearTimeout(timer);
    if (context) await context.close();
    else await page.close().catch(() => {});
  }
}

function fmt(value: number | undefined, digits = 1): string {
  return value === undefined ? '-' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A small text table of the figures, for the standalone run. */
export function formatTfjsPeers(r: TfjsPeersResult): string {
  const lines: string[] = [];
  const a = r.adapter;
  lines.push(`Chromium ${r.browser_version}`);
  lines.push(
    a
      ? `WebGPU adapter: vendor=${a.vendor || '?'} architecture=${a.architecture || '?'} device=${a.device || '?'} ` +
          `description=${a.description || '?'} fallback=${a.fallback ?? '?'}`
      : 'WebGPU adapter: none',
  );
  lines.push('');
  const rows = [['peer', 'ms/step', 'samples/s', 'infer ms/1000', 'steps timed', 'infer runs', 'warm-up step ms', 'total s']];
  const failed: string[] = [];
  for (const key of ['tfjs_webgpu', 'tfjs_wasm'] as const) {
    const f = r[key];
    if (r.errors[key]) failed.push(`${key}: FAILED: ${r.errors[key]}`);
    if (!f) continue;
    rows.push([
      f.wasm ? `${key} (${f.wasm.flavour})` : key,
      fmt(f.ms_per_step),
      fmt(f.samples_per_s),
      fmt(f.infer_ms) + (f.infer_from_warmup ? ' (warm-up)' : ''),
      String(f.steps_timed),
      String(f.infer_runs),
      fmt(f.warmup_step_ms, 0),
      fmt(f.total_s) + (f.over_cap ? ' (over cap)' : ''),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) lines.push(row.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  '));
  lines.push(...failed);
  for (const key of ['tfjs_webgpu', 'tfjs_wasm'] as const) {
    const f = r[key];
    if (!f) continue;
    lines.push('');
    lines.push(
      `${key}: tfjs ${f.tfjs_version}, ${f.params} params, batch ${f.batch}, loss ${f.first_loss.toFixed(3)} -> ${f.last_loss.toFixed(3)}, ` +
        `steps ms [${f.step_ms.map((v) => v.toFixed(0)).join(', ')}], ` +
        `infer ms [${f.infer_ms_all.map((v) => v.toFixed(0)).join(', ')}] (warm-up ${f.warmup_infer_ms.toFixed(0)})`,
    );
    if (f.wasm) {
      lines.push(
        `${key}: binary ${f.wasm.binary_url ?? '?'}; SIMD ${f.wasm.simd}, threads ${f.wasm.threads} (XNNPACK threads ${f.wasm.threads_count})`,
      );
    }
  }
  return lines.join('\n');
}

function parseArgs(argv: string[]): { backends: TfjsBackend[]; capSeconds: number; json: boolean } {
  let backends: TfjsBackend[] = ['webgpu', 'wasm'];
  let capSeconds = 150;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--backends') {
      backends = value().split(',').map((b) => b.trim()) as TfjsBackend[];
      for (const b of backends) if (b !== 'webgpu' && b !== 'wasm') throw new Error(`unknown backend '${b}' (webgpu, wasm)`);
    } else if (arg === '--cap') {
      capSeconds = Number(value());
      if (!(capSeconds > 0)) throw new Error('--cap needs a positive number of seconds');
    } else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: tsx bench/peers/run-tfjs.ts [--backends webgpu,wasm] [--cap SECONDS_PER_BACKEND] [--json]\n');
      process.exit(0);
    } else throw new Error(`unknown argument '${arg}'`);
  }
  return { backends, capSeconds, json };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg()[0];
  const result = await runTfjsPeers({ backends: args.backends, capSeconds: args.capSeconds });
  if (!args.json) {
    process.stdout.write(`(1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, on ${cpus().length} CPUs)\n`);
  }
  process.stdout.write(`${args.json ? JSON.stringify(result, null, 2) : formatTfjsPeers(result)}\n`);
  if (Object.keys(result.errors).length) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
