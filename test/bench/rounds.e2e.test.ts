// End-to-end check of the interleaved rounds (bench/rounds.ts) on SwiftShader: our training step
// and TensorFlow.js-WASM's, two presets built from our spec, a few one-step rounds; the
// medians, ratios and spreads recomputed here from the recorded per-round times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { launchPeerBrowser, startPeerServer } from '../../bench/peers/run-tfjs.ts';
import { startDevServer, type DevServer } from '../../src/cli/server.ts';
import { runInterleavedRounds, type RoundsResult } from '../../bench/rounds.ts';
import { formatRounds } from '../../bench/rounds-format.ts';
import { PRESETS, type PresetName } from '../../src/model/presets.ts';
import type { ViteDevServer } from 'vite';

const ROUNDS = 3;
/** The seed and the preset with strided 'same' convolutions and BatchNormalization (lenet5 is in the real run: bench/README.md). */
const MODELS: PresetName[] = ['mnist-cnn', 'strided-bn'];
const BATCH = 32;

/** The middle of three values, and the quartiles of three by linear interpolation. */
function middleOfThree(xs: number[]): { median: number; q1: number; q3: number } {
  const [a, b, c] = [...xs].sort((x, y) => x - y);
  return { median: b, q1: (a + b) / 2, q3: (b + c) / 2 };
}

describe('interleaved bench rounds', () => {
  let browser: Browser;
  let ours: DevServer;
  let peers: { server: ViteDevServer; url: string };
  let result: RoundsResult;
  const log: string[] = [];

  beforeAll(async () => {
    browser = await launchPeerBrowser();
    ours = await startDevServer(undefined, ['bench/rounds.html']);
    peers = await startPeerServer();
    result = await runInterleavedRounds({
      browser,
      models: MODELS.map((name) => ({ name, config: PRESETS[name] })),
      peers: ['wasm'],
      rounds: ROUNDS,
      stepsPerRound: 1,
      warmupSteps: 1,
      batch: BATCH,
      seed: 3,
      inferImages: 100,
      ourUrl: ours.url,
      peerUrl: peers.url,
      wasmPrefix: `${peers.url}/node_modules/@tensorflow/tfjs-backend-wasm/dist/`,
      log: (line) => log.push(line),
    });
  }, 600_000);
  afterAll(async () => {
    await peers?.server.close();
    await ours?.close();
    await browser?.close();
  });

  it('validates our first step of every preset layer by layer before timing it', () => {
    for (const m of result.models) {
      expect(m.validation.filter((c) => !c.ok), m.model).toEqual([]);
      // gather, the loss, Adam and a forward row for each of the model's first and last layers
      const names = m.validation.map((c) => c.name);
      expect(names, m.model).toEqual(expect.arrayContaining(['gather (pixels / 255)', 'softmax cross-entropy backward', 'adam update']));
      const layers = PRESETS[m.model as PresetName].config.layers;
      for (const l of [layers[1], layers[layers.length - 1]]) expect(names.some((n) => n.startsWith(l.config.name)), `${m.model} ${l.config.name}`).toBe(true);
    }
  });

  it('times every preset on both sides, round by round, with equal parameter counts', () => {
    expect(result.models.map((m) => m.model)).toEqual(MODELS);
    expect(result.order).toEqual(['ours', 'tfjs_wasm']);
    expect(result.adapter).toMatch(/swiftshader/i);
    expect(result.models[0].params).toBe(225_034);
    for (const m of result.models) {
      expect(m.errors, m.model).toEqual({});
      expect(m.ours.ms_per_step).toHaveLength(ROUNDS);
      const wasm = m.peers.tfjs_wasm!;
      expect(wasm.ms_per_step).toHaveLength(ROUNDS);
      for (const t of [...m.ours.ms_per_step, ...wasm.ms_per_step]) expect(t).toBeGreaterThan(0);
      expect(Number.isFinite(wasm.last_loss)).toBe(true);
    }
    const info = result.peer_info.tfjs_wasm!;
    expect(info.wasm?.conv2d_backprop_filter_shim_error).toBeLessThan(1e-4);
  });

  it('medians, samples/s, ratios and spreads follow from the recorded rounds', () => {
    for (const m of result.models) {
      const wasm = m.peers.tfjs_wasm!;
      const o = middleOfThree(m.ours.ms_per_step);
      const t = middleOfThree(wasm.ms_per_step);
      expect(m.ours.median_ms_per_step).toBe(o.median);
      expect(wasm.median_ms_per_step).toBe(t.median);
      expect(m.ours.samples_per_s).toBeCloseTo((BATCH * 1000) / o.median, 9);
      expect(wasm.samples_per_s).toBeCloseTo((BATCH * 1000) / t.median, 9);
      const ratios = wasm.ms_per_step.map((x, r) => x / m.ours.ms_per_step[r]);
      expect(wasm.ratio.per_round).toEqual(ratios);
      const r = middleOfThree(ratios);
      expect(wasm.ratio.median).toBe(r.median);
      expect(wasm.ratio.q1).toBeCloseTo(r.q1, 12);
      expect(wasm.ratio.q3).toBeCloseTo(r.q3, 12);
      expect(wasm.ratio.min).toBe(Math.min(...ratios));
      expect(wasm.ratio.max).toBe(Math.max(...ratios));
    }
  });

  it('times inference of every preset in interleaved rounds and prints both tables', () => {
    for (const m of result.models) {
      const inf = m.inference!;
      expect(inf.images).toBe(100);
      expect(inf.warmup_ms.ours).toBeGreaterThan(0);
      expect(inf.warmup_ms.tfjs_wasm).toBeGreaterThan(0);
      const wasm = inf.peers.tfjs_wasm!;
      expect(inf.ours.ms).toHaveLength(ROUNDS);
      expect(wasm.ms).toHaveLength(ROUNDS);
      expect(inf.ours.median_ms).toBe(middleOfThree(inf.ours.ms).median);
      expect(wasm.median_ms).toBe(middleOfThree(wasm.ms).median);
      const ratios = wasm.ms.map((x, r) => x / inf.ours.ms[r]);
      expect(wasm.ratio.per_round).toEqual(ratios);
      expect(wasm.ratio.median).toBe(middleOfThree(ratios).median);
    }
    const table = formatRounds(result);
    for (const m of result.models) {
      expect(table).toContain(`${m.peers.tfjs_wasm!.ratio.median.toFixed(2)}x`);
      expect(table).toContain(`${m.inference!.peers.tfjs_wasm!.ratio.median.toFixed(2)}x`);
    }
    expect(table).toContain('Inference in interleaved rounds (3 rounds; each round one predict of the same 100 test images on each side');
    for (const name of MODELS) expect(table.match(new RegExp(`^  ${name} `, 'gm'))).toHaveLength(2);
    expect(log.filter((l) => /: \S+ round \d\/3/.test(l))).toHaveLength(ROUNDS * MODELS.length);
    expect(log.filter((l) => /inference round \d\/3/.test(l))).toHaveLength(ROUNDS * MODELS.length);
  });
});
