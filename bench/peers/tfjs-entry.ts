// Browser side of the TensorFlow.js peer benchmark: a model of our spec (the seed's network by
// default, any preset in the interleaved rounds) in tfjs-layers, trained with trainOnBatch on
// real MNIST batches, on the webgpu or the wasm backend. run-tfjs.ts loads tfjs-page.html and
// calls window.__tfjsPeer.run(request); bench/rounds.ts calls open, steps and infer.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fetchMnist, type Mnist } from '../../src/data/mnist.ts';
import { DEFAULT_SPEC } from '../../src/model/presets.ts';
import { parseModelConfig, toTfjsTopology, type ModelSpec } from '../../src/model/model-spec.ts';
import { modelInfo } from '../../src/model/model-info.ts';
import { median } from '../round-stats.ts';
import {
  PAGE_API_GLOBAL,
  type AdapterSummary,
  type TfjsBackend,
  type TfjsPeerPageApi,
  type TfjsPeerRequest,
  type TfjsPeerResult,
  type TfjsSessionOpened,
  type TfjsSessionRequest,
  type TfjsStepsResult,
} from './tfjs-protocol.ts';

const CLASSES = 10;

/**
 * A model of our spec in tfjs-layers, built from the topology our TF.js export writes
 * (model-spec.ts: toTfjsTopology) with tfjs's own initialisers (glorot_uniform kernels, zero
 * biases), compiled like our trainer: Adam (Keras defaults), categorical cross-entropy.
 */
async function buildModel(spec: ModelSpec): Promise<tfl.LayersModel> {
  const model = await tfl.models.modelFromJSON({
    modelTopology: toTfjsTopology(spec, `tfjs-layers ${tfl.version_layers}`) as unknown as tf.io.ModelJSON['modelTopology'],
  });
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy' });
  const expected = modelInfo(spec).layers.reduce((a, l) => a + l.paramCount, 0);
  const params = model.countParams();
  if (params !== expected) throw new Error(`tfjs model has ${params} parameters, ours ${expected}`);
  return model;
}

/** Images [start, start+count) of a split as a (count,H,W,C) float tensor in [0,1] and one-hot labels. */
function batchTensors(
  images: Uint8Array,
  labels: Uint8Array,
  start: number,
  count: number,
  shape: readonly [number, number, number],
): [tf.Tensor4D, tf.Tensor2D] {
  const pixels = shape[0] * shape[1] * shape[2];
  const x = new Float32Array(count * pixels);
  for (let i = 0; i < x.length; i++) x[i] = images[start * pixels + i] / 255;
  const y = new Float32Array(count * CLASSES);
  for (let i = 0; i < count; i++) y[i * CLASSES + labels[start + i]] = 1;
  return [tf.tensor4d(x, [count, ...shape]), tf.tensor2d(y, [count, CLASSES])];
}

async function adapterInfo(): Promise<AdapterSummary | null> {
  if (!('gpu' in navigator) || !navigator.gpu) return null;
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    fallback: info.isFallbackAdapter ?? legacy ?? null,
  };
}

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (Conv2D's weight gradient), so
 * training a conv net on it fails with "Kernel 'Conv2DBackpropFilter' not registered". Fill the
 * gap with the backend's own kernels so the work stays in wasm (XNNPACK, SIMD). With the
 * forward's stride s and padding (top, left):
 * dW[i,j,c,o] = sum_{n,y,x} x[n, y*s+i-top, x*s+j-left, c] * dy[n,y,x,o] is itself a stride-1
 * convolution with dilation s of x viewed as (C, H, W, N) with dy viewed as an (OH, OW, N, O)
 * filter, padded by (top, left) and cut or padded at the far side so that it gives exactly
 * (C, KH, KW, O): Transposes, at most one Slice and one Conv2D. (The backend's native
 * Conv3DBackpropFilterV2 on a depth-1 view is a plain loop: 890 ms against 30 ms for this one on
 * the seed's second conv layer, and it is wrong for strides > 1 in 4.22.)
 */
function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const kernel = (name: string): tf.KernelFunc => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`tfjs-backend-wasm has no ${name} kernel`);
    return k.kernelFunc;
  };
  const conv2d = kernel('Conv2D');
  const transpose = kernel('Transpose');
  const slice = kernel('Slice');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
        strides: number | [number, number];
        pad: 'valid' | 'same' | number;
        dataFormat: string;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter shim: only NHWC (got ${dataFormat})`);
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
      const [, h, w] = x.shape;
      const { top, left } = info.padInfo;
      // Rows and columns of x the forward read, in x's coordinates: [-top, hEnd) and [-left, wEnd).
      const hEnd = (info.outHeight - 1) * info.strideHeight + info.filterHeight - top;
      const wEnd = (info.outWidth - 1) * info.strideWidth + info.filterWidth - left;
      const disposable: tf.TensorInfo[] = [];
      let xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }) as tf.TensorInfo; // (C,H,W,N)
      disposable.push(xT);
      if (hEnd < h || wEnd < w) {
        const size = [xT.shape[0], Math.min(h, hEnd), Math.min(w, wEnd), xT.shape[3]];
        xT = slice({ inputs: { x: xT }, backend, attrs: { begin: [0, 0, 0, 0], size } }) as tf.TensorInfo;
        disposable.push(xT);
      }
      const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }) as tf.TensorInfo; // (OH,OW,N,O)
      const explicit = [[0, 0], [top, Math.max(0, hEnd - h)], [left, Math.max(0, wEnd - w)], [0, 0]];
      const out = conv2d({
        inputs: { x: xT, filter: dyT },
        backend,
        attrs: { strides: [1, 1], pad: explicit, dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
      } as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo; // (C,KH,KW,O)
      const dw = transpose({ inputs: { x: out }, backend, attrs: { perm: [1, 2, 0, 3] } }) as tf.TensorInfo; // (KH,KW,C,O)
      for (const t of [...disposable, dyT, out]) (backend as tf.KernelBackend).disposeData(t.dataId);
      return dw;
    },
  });
}

/** Cases of the shim's check: the presets' convolutions and odd sizes that cut or pad the far side. */
const SHIM_CASES = [
  { n: 3, h: 9, w: 8, ci: 5, co: 6, k: [3, 3], s: 1, pad: 'valid' },
  { n: 2, h: 9, w: 7, ci: 2, co: 3, k: [5, 5], s: 1, pad: 'same' },
  { n: 2, h: 9, w: 8, ci: 3, co: 4, k: [3, 3], s: 2, pad: 'same' },
  { n: 2, h: 10, w: 9, ci: 2, co: 3, k: [3, 2], s: 2, pad: 'valid' },
] as const;

/** Largest |error| of the wasm Conv2DBackpropFilter shim against a plain JS loop, over SHIM_CASES. */
async function checkWasmConv2DBackpropFilter(): Promise<number> {
  let maxErr = 0;
  for (const { n, h, w, ci, co, k: [kh, kw], s, pad } of SHIM_CASES) {
    const info = tf.backend_util.computeConv2DInfo([n, h, w, ci], [kh, kw, ci, co], s, 1, pad);
    const { outHeight: oh, outWidth: ow } = info;
    const { top, left } = info.padInfo;
    const xv = Float32Array.from({ length: n * h * w * ci }, (_, i) => Math.sin(i * 0.37));
    const dyv = Float32Array.from({ length: n * oh * ow * co }, (_, i) => Math.cos(i * 0.91));
    const x = tf.tensor4d(xv, [n, h, w, ci]);
    const dy = tf.tensor4d(dyv, [n, oh, ow, co]);
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
      strides: [s, s],
      pad,
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      filterShape: [kh, kw, ci, co],
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const got = await dw.data();
    tf.dispose([x, dy, dw]);
    for (let a = 0; a < kh; a++)
      for (let b = 0; b < kw; b++)
        for (let c = 0; c < ci; c++)
          for (let o = 0; o < co; o++) {
            let sum = 0;
            for (let bi = 0; bi < n; bi++)
              for (let y = 0; y < oh; y++)
                for (let z = 0; z < ow; z++) {
                  const row = y * s + a - top;
                  const col = z * s + b - left;
                  if (row < 0 || row >= h || col < 0 || col >= w) continue;
                  sum += xv[((bi * h + row) * w + col) * ci + c] * dyv[((bi * oh + y) * ow + z) * co + o];
                }
            maxErr = Math.max(maxErr, Math.abs(sum - got[((a * kw + b) * ci + c) * co + o]));
          }
  }
  if (!(maxErr < 1e-4)) throw new Error(`wasm Conv2DBackpropFilter shim is wrong: max |error| ${maxErr}`);
  return maxErr;
}

let mnistPromise: Promise<Mnist> | undefined;

async function setBackend(request: Pick<TfjsPeerRequest, 'backend' | 'wasmPrefix'>): Promise<void> {
  if (request.backend === 'wasm') {
    setWasmPaths(request.wasmPrefix);
    registerWasmConv2DBackpropFilter();
  }
  const ok = await tf.setBackend(request.backend);
  if (!ok || tf.getBackend() !== request.backend) {
    throw new Error(`tfjs backend '${request.backend}' failed to initialise (active: ${tf.getBackend()})`);
  }
  await tf.ready();
}

async function wasmFlavour(): Promise<Omit<NonNullable<TfjsPeerResult["wasm"]>, "conv2d_backprop_filter_shim_error">> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  // The binary the backend actually fetched (the browser's resource timing names it).
  const fetched = performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((name) => /tfjs-backend-wasm[^/]*\.wasm/.test(name));
  const binary = fetched.at(-1) ?? null;
  const file = binary?.match(/tfjs-backend-wasm[^/]*\.wasm/)?.[0];
  const flavour =
    file === 'tfjs-backend-wasm-threaded-simd.wasm'
      ? 'threaded-simd'
      : file === 'tfjs-backend-wasm-simd.wasm'
        ? 'simd'
        : file === 'tfjs-backend-wasm.wasm'
          ? 'plain'
          : 'unknown';
  return { flavour, simd, threads, threads_count: getThreadsCount(), binary_url: binary };
}

/** A model of our spec on the active backend, stepping through real MNIST batches in order. */
class PeerModel {
  private batchIndex = 0;
  private readonly batchesAvailable: number;
  private xTest: tf.Tensor4D | undefined;

  private constructor(
    readonly model: tfl.LayersModel,
    private readonly spec: ModelSpec,
    private readonly mnist: Mnist,
    private readonly batch: number,
  ) {
    this.batchesAvailable = Math.floor(mnist.train.count / batch);
  }

  static async build(spec: ModelSpec, mnist: Mnist, batch: number): Promise<PeerModel> {
    return new PeerModel(await buildModel(spec), spec, mnist, batch);
  }

  /** One trainOnBatch on the next batch: [ms of trainOnBatch with its loss awaited, loss]. Making the batch's tensors is not timed. */
  async step(): Promise<[number, number]> {
    const { mnist, batch } = this;
    const start0 = (this.batchIndex++ % this.batchesAvailable) * batch;
    const [x, y] = batchTensors(mnist.train.images, mnist.train.labels, start0, batch, this.spec.inputShape);
    const start = performance.now();
    const loss = (await this.model.trainOnBatch(x, y)) as number;
    const ms = performance.now() - start;
    tf.dispose([x, y]);
    return [ms, loss];
  }

  /** ms of one predict on the first `images` test images, awaited with .data(). */
  async infer(images: number): Promise<number> {
    if (this.xTest?.shape[0] !== images) {
      this.xTest?.dispose();
      [this.xTest] = batchTensors(this.mnist.test.images, this.mnist.test.labels, 0, images, this.spec.inputShape);
    }
    const start = performance.now();
    const out = this.model.predict(this.xTest) as tf.Tensor;
    await out.data();
    const ms = performance.now() - start;
    out.dispose();
    return ms;
  }

  dispose(): void {
    this.xTest?.dispose();
    this.model.dispose();
  }
}

async function run(request: TfjsPeerRequest): Promise<TfjsPeerResult> {
  if (!(request.minSteps >= 1)) throw new Error('minSteps must be at least 1');
  mnistPromise ??= fetchMnist(request.mnistBase);
  const mnist = await mnistPromise;
  await setBackend(request);

  const t0 = performance.now();
  const deadline = t0 + request.capSeconds * 1000;
  // Training gets about 60% of the budget; inference the rest.
  const trainDeadline = t0 + request.capSeconds * 600;
  const shimError = request.backend === 'wasm' ? await checkWasmConv2DBackpropFilter() : undefined;
  const { batch } = request;
  const peer = await PeerModel.build(DEFAULT_SPEC, mnist, batch);

  const [warmupStep, firstLoss] = await peer.step();
  const stepMs: number[] = [];
  let lastLoss = firstLoss;
  while (stepMs.length < request.maxSteps) {
    const estimate = stepMs.length ? median(stepMs) : warmupStep;
    if (stepMs.length >= request.minSteps && performance.now() + estimate > trainDeadline) break;
    const [ms, loss] = await peer.step();
    stepMs.push(ms);
    lastLoss = loss;
  }

  const warmupInfer = await peer.infer(request.inferImages);
  const inferMs: number[] = [];
  while (inferMs.length < request.maxInferRuns) {
    const estimate = inferMs.length ? median(inferMs) : warmupInfer;
    if (inferMs.length >= request.minInferRuns && performance.now() + estimate > deadline) break;
    inferMs.push(await peer.infer(request.inferImages));
  }
  const end = performance.now();

  // With minInferRuns 0 and no time left after the warm-up pass, the warm-up pass is the figure.
  const inferFromWarmup = inferMs.length === 0;
  const msPerStep = median(stepMs);
  const result: TfjsPeerResult = {
    backend: request.backend,
    ms_per_step: msPerStep,
    samples_per_s: (batch * 1000) / msPerStep,
    infer_ms: inferFromWarmup ? warmupInfer : median(inferMs),
    infer_from_warmup: inferFromWarmup,
    steps_timed: stepMs.length,
    infer_runs: inferMs.length,
    step_ms: stepMs,
    infer_ms_all: inferMs,
    warmup_step_ms: warmupStep,
    warmup_infer_ms: warmupInfer,
    first_loss: firstLoss,
    last_loss: lastLoss,
    params: peer.model.countParams(),
    batch,
    infer_images: request.inferImages,
    total_s: (end - t0) / 1000,
    over_cap: end > deadline,
    tfjs_version: tf.version_core,
  };
  if (request.backend === 'wasm') result.wasm = { ...(await wasmFlavour()), conv2d_backprop_filter_shim_error: shimError ?? NaN };
  if (request.backend === 'webgpu') result.adapter = await adapterInfo();
  peer.dispose();
  return result;
}

// The session of the interleaved rounds (bench/rounds.ts): one backend per page, one model at a time.
let session: { backend: TfjsBackend; shimError: number | undefined; peer: PeerModel | undefined } | undefined;

async function open(request: TfjsSessionRequest): Promise<TfjsSessionOpened> {
  if (session && session.backend !== request.backend) {
    throw new Error(`this page runs tfjs ${session.backend}; open another page for ${request.backend}`);
  }
  mnistPromise ??= fetchMnist(request.mnistBase);
  const mnist = await mnistPromise;
  if (!session) {
    await setBackend(request);
    const shimError = request.backend === 'wasm' ? await checkWasmConv2DBackpropFilter() : undefined;
    session = { backend: request.backend, shimError, peer: undefined };
  }
  session.peer?.dispose();
  session.peer = undefined;
  session.peer = await PeerModel.build(parseModelConfig(request.modelConfig), mnist, request.batch);
  return {
    params: session.peer.model.countParams(),
    tfjs_version: tf.version_core,
    ...(request.backend === 'wasm' ? { wasm: { ...(await wasmFlavour()), conv2d_backprop_filter_shim_error: session.shimError ?? NaN } } : {}),
    ...(request.backend === 'webgpu' ? { adapter: await adapterInfo() } : {}),
  };
}

function openedPeer(): PeerModel {
  if (!session?.peer) throw new Error('no model opened');
  return session.peer;
}

async function steps(count: number): Promise<TfjsStepsResult> {
  const peer = openedPeer();
  let ms = 0;
  let loss = NaN;
  for (let i = 0; i < count; i++) {
    const [t, l] = await peer.step();
    ms += t;
    loss = l;
  }
  return { ms, loss };
}

async function infer(images: number, runs: number): Promise<number[]> {
  const peer = openedPeer();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push(await peer.infer(images));
  return out;
}

const api: TfjsPeerPageApi = { run, adapterInfo, open, steps, infer };
(window as unknown as Record<string, TfjsPeerPageApi>)[PAGE_API_GLOBAL] = api;
