// End-to-end check of the TensorFlow.js peer benchmark (bench/peers): Vite serves the page,
// Chromium runs the Keras model in tfjs on the wasm backend for a couple of real MNIST steps.
// The webgpu backend is left out here: on SwiftShader one of its steps takes ~10 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright';
import { launchPeerBrowser, runTfjsPeers } from '../../bench/peers/run-tfjs.ts';

describe('tfjs peer benchmark', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchPeerBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('trains the Keras model on tfjs wasm and times steps and inference', async () => {
    const result = await runTfjsPeers({
      backends: ['wasm'],
      capSeconds: 10,
      browser,
      limits: { wasm: { minSteps: 2, maxSteps: 2, minInferRuns: 1, maxInferRuns: 1 } },
      log: () => {},
    });
    expect(result.errors).toEqual({});
    const wasm = result.tfjs_wasm!;
    expect(wasm.params).toBe(225_034);
    expect(wasm.steps_timed).toBe(2);
    expect(wasm.infer_runs).toBe(1);
    expect(wasm.ms_per_step).toBeGreaterThan(0);
    expect(wasm.samples_per_s).toBeCloseTo((128 * 1000) / wasm.ms_per_step, 6);
    expect(wasm.infer_ms).toBeGreaterThan(0);
    expect(Number.isFinite(wasm.first_loss) && Number.isFinite(wasm.last_loss)).toBe(true);
    expect(wasm.wasm?.simd).toBe(true);
    expect(wasm.wasm?.flavour).toMatch(/simd/);
    expect(wasm.wasm?.conv2d_backprop_filter_shim_error).toBeLessThan(1e-4);
    expect(result.browser_version).toMatch(/^\d+\./);
  }, 180_000);
});
