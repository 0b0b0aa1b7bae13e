// `npm run bench`: kernel, training-step and inference throughput of this project in headless
// Chromium, then our training against TensorFlow.js (webgpu and wasm backends) with the same
// models in the same browser, in interleaved rounds (bench/rounds.ts), with the ratios' spread.
// `--json-out FILE` writes the results; `--quick` is a smoke run.
import { BrowserNotFoundError, launchWebGpuBrowser, type LaunchedBrowser } from './browser.ts';
import { loadBenchEntry } from './node-entries.ts';
import { rerunWithVulkanEnv, VulkanSetupError } from './vulkan-env.ts';
import { BENCH_API_GLOBAL, BENCH_INFER_BATCH, benchJson, benchRequest, inferenceSentence, type BenchPageApi, type BenchRequest, type BenchResult } from '../../bench/bench-protocol.ts';
import type { RoundsResult } from '../../bench/rounds.ts';
import { formatRounds } from '../../bench/rounds-format.ts';
import { PRESETS, DEFAULT_PRESET } from '../model/presets.ts';
import { BENCH_HELP, parseBenchArgs, type BenchOptions } from './bench-options.ts';
import { errorText, UsageError } from './cli-error.ts';
import { checkOutputFile, writeJsonFile } from './json-out.ts';
import { tuneTable } from '../tune/table.ts';

/** Inference batch (the figure: images/s at batch 1000). */
const INFER_BATCH = Number(process.env.BENCH_INFER_BATCH ?? BENCH_INFER_BATCH);
/** Untimed training steps of each side after building a model in the rounds. */
const WARMUP_STEPS = 2;
/**
 * Each peer's timed predicts of 1000 images after the rounds (after one untimed run): on
 * SwiftShader tfjs-webgpu takes ~40 s for one.
 */

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const fixed = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

export function formatResults(r: BenchResult, rounds: RoundsResult | undefined, runtime: string): string {
  const out: string[] = [];
  const adapter = `adapter: ${r.adapter.label} | ${runtime} | timing: ${r.timing === 'timestamp' ? 'timestamp queries' : 'wall clock'}`;
  out.push(`Validation (one real training step, each kernel vs the float64 reference) — ${adapter}`);
  for (const c of r.validation) out.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${pad(c.name, 40)} max rel err ${c.error.toExponential(2)} (tol ${c.tolerance})`);
  out.push('');
  const kernelTable = (title: string, rows: BenchResult['kernels']) => {
    out.push(`${title} — ${adapter}`);
    out.push(`  ${pad('kernel', 66)} ${pad('shape', 46)} ${lpad('ms', 9)} ${lpad('GFLOP/s', 8)} ${lpad('GB/s', 7)} ${lpad('share', 6)}`);
    for (const k of rows) {
      out.push(`  ${pad(k.name, 66)} ${pad(k.shape, 46)} ${lpad(fixed(k.ms, 3), 9)} ${lpad(fixed(k.gflops), 8)} ${lpad(fixed(k.gbps), 7)} ${lpad(fixed(100 * k.share, 1) + '%', 6)}`);
    }
    out.push('');
  };
  kernelTable(`Kernels at batch ${r.train.batch}`, r.kernels);
  kernelTable(`Inference kernels at batch ${r.infer.batch}`, r.inferKernels);
  if (r.floor) {
    const f = r.floor;
    out.push(`Arithmetic floor of conv2d_1 forward (batch ${f.batch}; the same shader with its inner-loop loads replaced by their index arithmetic, not a kernel) — ${adapter}`);
    out.push(`  ${pad(f.kernel, 40)} ${lpad(fixed(f.ms, 1), 9)} ms`);
    out.push(`  ${pad('arithmetic only', 40)} ${lpad(fixed(f.arithmetic_ms, 1), 9)} ms (${fixed((100 * f.arithmetic_ms) / f.ms, 0)}% of the kernel)`);
    out.push('');
  }
  out.push(`Kernel variants — ${adapter}`);
  for (const v of r.variants) {
    out.push(`  ${v.promoted ? '*' : ' '} ${pad(v.name, 64)} ${lpad(fixed(v.ms, 3), 9)} ms ${lpad(fixed(v.gflops), 7)} GFLOP/s  err ${v.error.toExponential(1)}`);
  }
  out.push('');
  out.push(`Training step (batch ${r.train.batch}, ${r.train.steps_per_submit} steps per submit) — ${adapter}`);
  const stepLine = (t: BenchResult['train'], what: string) =>
    `  ${fixed(t.ms_per_step, 1)} ms/step, ${fixed(t.samples_per_s, 0)} samples/s, projected epoch (54,000 images) ${fixed(t.epoch_seconds, 1)} s${what}`;
  out.push(stepLine(r.train, r.autotune ? ' (the fixed rules)' : ''));
  if (r.autotune) {
    out.push(stepLine(r.autotune.train, ' (the tuned kernels, below)'));
    out.push(...tuneTable(r.autotune.tuning).map((l) => `  ${l}`));
  }
  out.push(`Inference (batch ${r.infer.batch}) — ${adapter}`);
  out.push(`  ${inferenceSentence(r.infer)}`);
  if (rounds) {
    out.push('');
    out.push(formatRounds(rounds));
    // How far conv2d_1's arithmetic alone leaves us from TensorFlow.js-WASM's whole inference of the seed.
    const seed = rounds.models.find((m) => m.model === DEFAULT_PRESET)?.inference;
    const wasm = seed?.peers.tfjs_wasm;
    if (r.floor && seed && wasm) {
      const floorPer1000 = r.floor.arithmetic_ms * (1000 / r.floor.batch);
      const wasmPer1000 = wasm.median_ms * (1000 / seed.images);
      out.push(
        `  conv2d_1 forward's arithmetic alone: ${fixed(floorPer1000, 1)} ms per 1000 images = ${fixed(floorPer1000 / wasmPer1000, 2)}x tfjs_wasm's whole inference ` +
          `(2x faster than tfjs_wasm needs <= ${fixed(wasmPer1000 / 2, 1)} ms for all of ours)`,
      );
    }
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchArgs(process.argv.slice(2));
    if (options !== 'help' && options.jsonOut !== null) await checkOutputFile(options.jsonOption, options.jsonOut);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(errorText(e, 'bench'));
    process.exit(e.exitCode);
  }
  if (options === 'help') {
    process.stdout.write(BENCH_HELP);
    return;
  }
  const { adapter, autotune, roundsAsked, rounds: choice } = options;
  // --quick alone is a smoke run of our side; any rounds option asks for the rounds too.
  const wantRounds = !options.quick || roundsAsked;
  const request: BenchRequest = benchRequest({ quick: options.quick, autotune, inferBatch: INFER_BATCH });
  if (options.node) {
    let rerun: number | null;
    try {
      rerun = await rerunWithVulkanEnv(adapter);
    } catch (e) {
      if (!(e instanceof VulkanSetupError)) throw e;
      process.stderr.write(`bench: ${e.message}\n`);
      process.exit(1);
    }
    if (rerun !== null) process.exit(rerun);
    const { entry, close } = await loadBenchEntry();
    try {
      process.stderr.write('bench: validating and timing our kernels (Node, webgpu package)...\n');
      const result = await entry.run(request);
      if (roundsAsked) process.stderr.write('bench: --node skips the interleaved rounds and the peers (browser only)\n');
      await report(result, undefined, `none (Node ${process.version}, Dawn)`, options.jsonOut);
    } finally {
      await close();
    }
    return;
  }

  // The browser back end: Playwright, Vite and the peers are loaded only here (the portable
  // Node build, bench/gpu-kit, carries none of them).
  const { startDevServer } = await import('./server.ts');
  const { startPeerServer } = await import('../../bench/peers/run-tfjs.ts');
  const { runInterleavedRounds } = await import('../../bench/rounds.ts');

  let launched: LaunchedBrowser;
  try {
    launched = await launchWebGpuBrowser(adapter, ['--enable-webgpu-developer-features']);
  } catch (e) {
    if (!(e instanceof BrowserNotFoundError)) throw e;
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(1);
  }
  const { browser } = launched;
  process.stderr.write(`bench: ${launched.found.description}, Chromium ${browser.version()}\n`);
  if (launched.notice) process.stderr.write(`bench: ${launched.notice}\n`);
  const server = await startDevServer(undefined, ['bench/bench.html', 'bench/rounds.html']);
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    page.on('console', (m) => {
      if (m.type() === 'error') process.stderr.write(`page: ${m.text()}\n`);
    });
    await page.goto(`${server.url}/bench/bench.html`);
    await page.waitForFunction((g) => g in globalThis, BENCH_API_GLOBAL);
    process.stderr.write('bench: validating and timing our kernels...\n');
    const result = await page.evaluate(
      ({ g, req }) => (globalThis as unknown as Record<string, BenchPageApi>)[g].run(req),
      { g: BENCH_API_GLOBAL, req: request },
    );
    await page.close();
    let rounds: RoundsResult | undefined;
    if (wantRounds) {
      const peerList = choice.peers.length ? choice.peers.map((b) => `TensorFlow.js ${b}`).join(', ') : 'no peers';
      process.stderr.write(`bench: training ${choice.models.join(', ')} in ${choice.rounds} interleaved rounds of ${choice.stepsPerRound} steps (ours, ${peerList})...\n`);
      const peerServer = await startPeerServer();
      try {
        rounds = await runInterleavedRounds({
          browser,
          models: choice.models.map((name) => ({ name, config: PRESETS[name] })),
          peers: choice.peers,
          rounds: choice.rounds,
          stepsPerRound: choice.stepsPerRound,
          warmupSteps: WARMUP_STEPS,
          batch: request.batch,
          seed: 42,
          inferImages: 1000,
          ourUrl: server.url,
          peerUrl: peerServer.url,
          wasmPrefix: `${peerServer.url}/node_modules/@tensorflow/tfjs-backend-wasm/dist/`,
        });
      } finally {
        await peerServer.server.close();
      }
    }
    await report(result, rounds, `Chromium ${browser.version()}`, options.jsonOut);
  } finally {
    await server.close();
    await browser.close();
  }
}

async function report(result: BenchResult, rounds: RoundsResult | undefined, runtime: string, jsonPath: string | null): Promise<void> {
  process.stdout.write(`${formatResults(result, rounds, runtime)}\n`);
  if (jsonPath !== null) {
    await writeJsonFile(jsonPath, benchJson(result, runtime, rounds));
    process.stderr.write(`bench: wrote ${jsonPath}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
