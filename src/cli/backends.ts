// Node-only: the two places a headless run of `npm run train` can happen. The browser back end
// serves the repository with Vite, opens src/cli/headless.html in headless Chromium
// (Playwright) and runs the Trainer there; the Node back end runs the same run in this process
// through the `webgpu` package (Dawn on Vulkan). Both stream events to the printer, hand each
// finished epoch's state to `checkpoint`, and push what must be closed onto `cleanup`.
import type { Browser, Page } from 'playwright';
import type { TrainEvent } from '../train/types.ts';
import type { AdapterChoice } from './adapter-choice.ts';
import { BrowserNotFoundError, INSTALL_HINT, launchWebGpuBrowser } from './browser.ts';
import { CliError } from './cli-error.ts';
import type { EventPrinter } from './event-printer.ts';
import { loadTrainEntry } from './node-entries.ts';
import {
  CHECKPOINT_BINDING,
  EVENT_BINDING,
  HEADLESS_PAGE,
  PAGE_API,
  type CheckpointSink,
  type HeadlessConfig,
  type HeadlessResult,
} from './protocol.ts';
import type { DevServer } from './server.ts';

export type Cleanup = (() => Promise<void>)[];

export interface BackendRun {
  config: HeadlessConfig;
  printer: EventPrinter;
  checkpoint: CheckpointSink;
  cleanup: Cleanup;
}

export type SuccessfulResult = HeadlessResult & { ok: true };

/** The first line of an error's message (Playwright appends its call log below it). */
function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

async function launchBrowser(adapter: AdapterChoice, printer: EventPrinter): Promise<Browser> {
  try {
    // Playwright (and Vite, below) are loaded only for the browser back ends: the portable Node
    // build (bench/gpu-kit) carries neither.
    const launched = await launchWebGpuBrowser(adapter);
    printer.note(`Browser: ${launched.found.description}, Chromium ${launched.browser.version()}`);
    if (launched.notice) printer.note(launched.notice);
    return launched.browser;
  } catch (e) {
    if (e instanceof BrowserNotFoundError) throw new CliError(e.message);
    throw new CliError(`Could not start Chromium: ${firstLine(e)}\n${INSTALL_HINT}`);
  }
}

function forwardBrowserErrors(page: Page, printer: EventPrinter): void {
  const report = (line: string) => {
    if (printer.isMuted) return;
    printer.interrupt();
    process.stderr.write(`${line}\n`);
  };
  page.on('console', (msg) => {
    const type = msg.type();
    if ((type === 'error' || type === 'warning') && msg.text().trim()) report(`[browser ${type}] ${msg.text()}`);
  });
  page.on('pageerror', (err) => {
    const text = (err.stack ?? err.message ?? '').trim();
    if (text) report(`[page error] ${text}`);
  });
  page.on('crash', () => report('[page crashed]'));
}

/** A failed run's message, with help for a missing adapter. */
function failure(result: HeadlessResult & { ok: false }, adapterHelp: string): CliError {
  const { name, message, stack } = result.error;
  let text = name === 'DeviceLostError' || name === 'NonFiniteError' ? message : `Failed while ${result.stage}: ${name}: ${message}`;
  if (name === 'WebGpuUnavailableError') text += `\n${adapterHelp}`;
  else if (stack && process.env.DEBUG) text += `\n${stack}`;
  return new CliError(text, 1, name);
}

export async function runInBrowser(run: BackendRun, adapter: AdapterChoice): Promise<SuccessfulResult> {
  const { config, printer, cleanup } = run;
  // The browser first: a missing browser is the likeliest failure, and vite.config.ts itself
  // looks for it.
  const browser = await launchBrowser(adapter, printer);
  cleanup.push(() => browser.close());
  const { startDevServer } = await import('./server.ts');
  const server: DevServer = await startDevServer(undefined, config.trainerModule ? [config.trainerModule.replace(/^\//, '')] : []);
  cleanup.push(() => server.close());
  const page = await browser.newPage();
  forwardBrowserErrors(page, printer);
  await page.exposeFunction(EVENT_BINDING, (e: TrainEvent) => printer.handle(e));
  await page.exposeFunction(CHECKPOINT_BINDING, run.checkpoint);

  const url = `${server.url}${HEADLESS_PAGE}`;
  const response = await page.goto(url);
  if (!response?.ok()) throw new CliError(`Could not open the headless page ${url}: HTTP ${response?.status()}`);
  try {
    await page.waitForFunction((api) => api in globalThis, PAGE_API, { timeout: 120_000 });
  } catch {
    throw new CliError(`The headless page ${url} did not start (see the page errors above).`);
  }
  let result: HeadlessResult;
  try {
    result = await page.evaluate(
      ([api, cfg]) =>
        (globalThis as unknown as Record<string, { run(c: HeadlessConfig): Promise<HeadlessResult> }>)[api].run(cfg),
      [PAGE_API, config] as const,
    );
  } catch (e) {
    // The page or the browser died under the run (a crashed renderer, a killed browser).
    throw new CliError(`The browser stopped during the run: ${firstLine(e)}`, 1, 'BrowserClosed');
  }
  printer.interrupt();
  if (!result.ok) {
    throw failure(
      result,
      (adapter === 'gpu'
        ? 'Chromium found no usable GPU adapter with --adapter gpu; --adapter auto falls back to SwiftShader (software WebGPU).'
        : 'Chromium has no WebGPU adapter, not even SwiftShader: is this a Chromium build with WebGPU?') +
        `\n${INSTALL_HINT}`,
    );
  }
  return result;
}

/** Runs the same headless run in Node with the `webgpu` package (Dawn on Vulkan). */
export async function runInNode(run: BackendRun): Promise<SuccessfulResult> {
  const { entry, close } = await loadTrainEntry();
  run.cleanup.push(close);
  const result = await entry.run(run.config, (e) => run.printer.handle(e), run.checkpoint);
  run.printer.interrupt();
  if (!result.ok) {
    throw failure(
      result,
      "Dawn found no Vulkan adapter: install the GPU's Vulkan driver (without one, SwiftShader's from the npm package @sparticuz/chromium is used).",
    );
  }
  return result;
}

/** Runs the cleanups, newest first, each given at most `timeoutMs`; empties the list. */
export async function runCleanup(cleanup: Cleanup, timeoutMs = 5000): Promise<void> {
  const steps = cleanup.splice(0).reverse();
  for (const step of steps) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([step().catch(() => {}), new Promise<void>((done) => (timer = setTimeout(done, timeoutMs)))]);
    clearTimeout(timer);
  }
}
