// Interleaved rounds of training: for each model, our training step and each TensorFlow.js
// peer's, same model (built from our spec), same batch, same optimizer, timed in turn: round 1
// ours then each peer, round 2 ours then each peer, ... each round a fixed number of steps after
// untimed warm-up steps. On a shared machine whose speed drifts by tens of percent within
// minutes, a ratio from one run of each side says little; the per-round ratios (the two sides
// measured seconds apart) and their spread say how far it holds (bench/round-stats.ts).
// Inference is timed the same way after each model's training rounds: a predict of the same
// test images on each side in turn, round by round, after one untimed predict each.
//
// Node side: our training runs in bench/rounds.html (bench/rounds-page.ts), each peer in its
// own bench/peers/tfjs-page.html, all in one Chromium, each page in its own context.
import type { Browser, BrowserContext, Page } from 'playwright';
import { median, roundRatios, summarizeSide, type RatioSummary, type SideSummary } from './round-stats.ts';
import { ROUNDS_API_GLOBAL, type RoundsPageApi, type RoundsPrepared } from './rounds-protocol.ts';
import { throwOnFailure, type Check } from './validate-step.ts';
import { PAGE_API_GLOBAL, type TfjsBackend, type TfjsPeerPageApi, type TfjsSessionOpened } from './peers/tfjs-protocol.ts';

export type PeerKey = `tfjs_${TfjsBackend}`;

export interface RoundsOptions {
  browser: Browser;
  /** Models to compare, in order: a name for the tables and a Keras Sequential config. */
  models: { name: string; config: unknown }[];
  peers: TfjsBackend[];
  rounds: number;
  stepsPerRound: number;
  /** Untimed steps of each side after building a model (compilation, allocation). */
  warmupSteps: number;
  batch: number;
  seed: number;
  /** Test images per predict in the inference rounds (0 skips them). */
  inferImages: number;
  /** Base URLs: a dev server of the repository (serves bench/rounds.html) and a peer server (bench/peers/run-tfjs.ts). */
  ourUrl: string;
  peerUrl: string;
  wasmPrefix: string;
  log?: (line: string) => void;
  /** Longest wait for a page to load or for one call into it (ms); default 15 minutes. */
  callTimeoutMs?: number;
}

export interface PeerRounds extends SideSummary {
  /** Their ms/step over ours, round by round (> 1: we are faster), with its spread. */
  ratio: RatioSummary;
  /** Loss of the peer's last step (a sanity check: finite). */
  last_loss: number;
}

/** One side's predicts in the inference rounds: ms per predict of `images` images, round by round. */
export interface InferenceSide {
  ms: number[];
  median_ms: number;
}

export interface InferenceRounds {
  images: number;
  /** The untimed first predict of each side (pipelines compiled, buffers made). */
  warmup_ms: Partial<Record<'ours' | PeerKey, number>>;
  ours: InferenceSide;
  /** Each peer with its ms over ours round by round (> 1: we are faster). */
  peers: Partial<Record<PeerKey, InferenceSide & { ratio: RatioSummary }>>;
}

export interface ModelRounds {
  model: string;
  /** Parameters (trainable and not), equal on both sides. */
  params: number;
  /** Our first training step against the float64 reference, layer by layer (all ok, or the run stops). */
  validation: Check[];
  ours: SideSummary;
  peers: Partial<Record<PeerKey, PeerRounds>>;
  /** A peer that failed on this model has its message here instead. */
  errors: Partial<Record<PeerKey, string>>;
  /** Inference in interleaved rounds (absent when inferImages is 0). */
  inference?: InferenceRounds;
}

export interface RoundsResult {
  rounds: number;
  steps_per_round: number;
  warmup_steps: number;
  batch: number;
  /** What one round does, in order. */
  order: string[];
  /** Our page's WebGPU adapter. */
  adapter: string;
  models: ModelRounds[];
  /** Each peer as its page reported it (version, wasm flavour and shim check, WebGPU adapter). */
  peer_info: Partial<Record<PeerKey, TfjsSessionOpened>>;
}

interface OpenPage {
  page: Page;
  context: BrowserContext;
}

async function openPage(browser: Browser, url: string, global: string, log: (line: string) => void, label: string, timeoutMs: number): Promise<OpenPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`${label} page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) log(`${label} console: ${m.text()}`);
  });
  await page.goto(url);
  // A busy machine can take minutes for Vite's first transform of the page's modules.
  await page.waitForFunction((g) => g in globalThis, global, { timeout: timeoutMs });
  return { page, context };
}

/** Calls `api[method](...args)` in the page, failing after `timeoutMs`. */
async function call<T>(p: OpenPage, global: string, method: string, args: unknown[], timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${method}: no answer from the page after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const work = p.page.evaluate(
      ({ g, m, a }) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>)[g][m](...a),
      { g: global, m: method, a: args },
    ) as Promise<T>;
    return await Promise.race([work, guard]);
  } finally {
    clearTimeout(timer);
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Times every model's training on our side and on each peer in interleaved rounds. */
export async function runInterleavedRounds(o: RoundsOptions): Promise<RoundsResult> {
  for (const [name, v] of [['rounds', o.rounds], ['stepsPerRound', o.stepsPerRound], ['batch', o.batch]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(o.warmupSteps) || o.warmupSteps < 0) throw new Error(`warmupSteps must be a non-negative integer, got ${o.warmupSteps}`);
  if (o.models.length === 0) throw new Error('no models to time');
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timeout = o.callTimeoutMs ?? 15 * 60_000;
  const pages: OpenPage[] = [];
  try {
    const ours = await openPage(o.browser, `${o.ourUrl}/bench/rounds.html`, ROUNDS_API_GLOBAL, log, 'ours', timeout);
    pages.push(ours);
    const oursCall = <T>(method: keyof RoundsPageApi, ...args: unknown[]) => call<T>(ours, ROUNDS_API_GLOBAL, method, args, timeout);
    const peerPages = new Map<TfjsBackend, OpenPage>();
    for (const backend of o.peers) {
      const p = await openPage(o.browser, `${o.peerUrl}/bench/peers/tfjs-page.html`, PAGE_API_GLOBAL, log, `tfjs_${backend}`, timeout);
      pages.push(p);
      peerPages.set(backend, p);
    }
    const peerCall = <T>(backend: TfjsBackend, method: keyof TfjsPeerPageApi, ...args: unknown[]) =>
      call<T>(peerPages.get(backend)!, PAGE_API_GLOBAL, method, args, timeout);

    const result: RoundsResult = {
      rounds: o.rounds,
      steps_per_round: o.stepsPerRound,
      warmup_steps: o.warmupSteps,
      batch: o.batch,
      order: ['ours', ...o.peers.map((b) => `tfjs_${b}`)],
      adapter: '',
      models: [],
      peer_info: {},
    };
    for (const model of o.models) {
      let t0 = performance.now();
      const prepared = await oursCall<RoundsPrepared>('prepare', { modelConfig: model.config, batch: o.batch, seed: o.seed });
      result.adapter = prepared.adapter;
      throwOnFailure(prepared.validation, model.name);
      const worst = Math.max(...prepared.validation.map((c) => c.error / c.tolerance));
      log(`rounds: ${model.name}: our first step validated (${prepared.validation.length} checks, worst error ${(100 * worst).toFixed(1)}% of its tolerance)`);
      if (o.warmupSteps > 0) await oursCall<number>('steps', o.warmupSteps);
      log(`rounds: ${model.name}: ours built and warmed up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const errors: ModelRounds['errors'] = {};
      const live: TfjsBackend[] = [];
      for (const backend of o.peers) {
        const key: PeerKey = `tfjs_${backend}`;
        t0 = performance.now();
        try {
          const opened = await peerCall<TfjsSessionOpened>(backend, 'open', {
            backend, modelConfig: model.config, batch: o.batch, wasmPrefix: o.wasmPrefix, mnistBase: `${o.peerUrl}/mnist`,
          });
          if (opened.params !== prepared.params) throw new Error(`tfjs model has ${opened.params} parameters, ours ${prepared.params}`);
          result.peer_info[key] ??= opened;
          if (o.warmupSteps > 0) await peerCall(backend, 'steps', o.warmupSteps);
          live.push(backend);
          log(`rounds: ${model.name}: ${key} built and warmed up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        } catch (e) {
          errors[key] = errorText(e);
          log(`rounds: ${model.name}: ${key} FAILED: ${errors[key]}`);
        }
      }
      const oursMs: number[] = [];
      const theirs = new Map<TfjsBackend, { ms: number[]; loss: number }>(live.map((b) => [b, { ms: [], loss: NaN }]));
      for (let r = 1; r <= o.rounds; r++) {
        oursMs.push((await oursCall<number>('steps', o.stepsPerRound)) / o.stepsPerRound);
        const line = [`ours ${oursMs.at(-1)!.toFixed(1)}`];
        for (const backend of [...theirs.keys()]) {
          const t = theirs.get(backend)!;
          try {
            const s = await peerCall<{ ms: number; loss: number }>(backend, 'steps', o.stepsPerRound);
            t.ms.push(s.ms / o.stepsPerRound);
            t.loss = s.loss;
            line.push(`tfjs_${backend} ${t.ms.at(-1)!.toFixed(1)} (${(t.ms.at(-1)! / oursMs.at(-1)!).toFixed(2)}x)`);
          } catch (e) {
            errors[`tfjs_${backend}`] = `round ${r}: ${errorText(e)}`;
            theirs.delete(backend);
          }
        }
        log(`rounds: ${model.name} round ${r}/${o.rounds} (ms/step): ${line.join(', ')}`);
      }
      const entry: ModelRounds = { model: model.name, params: prepared.params, validation: prepared.validation, ours: summarizeSide(oursMs, o.batch), peers: {}, errors };
      for (const [backend, t] of theirs) {
        entry.peers[`tfjs_${backend}`] = { ...summarizeSide(t.ms, o.batch), ratio: roundRatios(oursMs, t.ms), last_loss: t.loss };
      }
      if (o.inferImages > 0) {
        const images = o.inferImages;
        const inference: InferenceRounds = { images, warmup_ms: {}, ours: { ms: [], median_ms: NaN }, peers: {} };
        inference.warmup_ms.ours = await oursCall<number>('infer', images);
        const peerMs = new Map<TfjsBackend, number[]>();
        for (const backend of theirs.keys()) {
          try {
            [inference.warmup_ms[`tfjs_${backend}`]] = await peerCall<number[]>(backend, 'infer', images, 1);
            peerMs.set(backend, []);
          } catch (e) {
            errors[`tfjs_${backend}`] = `inference: ${errorText(e)}`;
          }
        }
        for (let r = 1; r <= o.rounds; r++) {
          inference.ours.ms.push(await oursCall<number>('infer', images));
          const line = [`ours ${inference.ours.ms.at(-1)!.toFixed(1)}`];
          for (const [backend, ms] of [...peerMs]) {
            try {
              ms.push((await peerCall<number[]>(backend, 'infer', images, 1))[0]);
              line.push(`tfjs_${backend} ${ms.at(-1)!.toFixed(1)} (${(ms.at(-1)! / inference.ours.ms.at(-1)!).toFixed(2)}x)`);
            } catch (e) {
              errors[`tfjs_${backend}`] = `inference round ${r}: ${errorText(e)}`;
              peerMs.delete(backend);
            }
          }
          log(`rounds: ${model.name} inference round ${r}/${o.rounds} (ms per ${images} images): ${line.join(', ')}`);
        }
        inference.ours.median_ms = median(inference.ours.ms);
        for (const [backend, ms] of peerMs) {
          inference.peers[`tfjs_${backend}`] = { ms, median_ms: median(ms), ratio: roundRatios(inference.ours.ms, ms) };
        }
        entry.inference = inference;
      }
      result.models.push(entry);
    }
    return result;
  } finally {
    for (const p of pages) await p.context.close().catch(() => {});
  }
}
