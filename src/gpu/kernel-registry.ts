// The kernel registry: every compute kernel the product runs is one entry that declares the
// layer type and pass it serves, its shader file(s), the configurations it supports, its
// `override` constants, its dispatch size and its FLOP and byte costs. Each layer type's
// entries live in its home in src/layers/ (e.g. conv2d-kernels.ts, dense.ts) and are listed
// together in src/layers/kernels.ts (ALL_KERNELS).
//
// Choosing. The entries of one layer type and pass are alternatives; their order in the
// home's list is the fixed rule's priority (each entry says why, with the bench numbers); an
// entry's `preferredWhen` can narrow where the rule takes it.
//   supportedCandidates(entries, pass, config)  every entry that can compute `config`
//   fixedChoice(entries, pass, config)          the first of them (the fixed rule)
// A layer builder asks a KernelChooser for each pass it builds; the plan passes one made by
// createChooser(choices, slots).
//
// The tuner's interface (small on purpose):
//   KernelChoices      { [layer name]: { [pass]: entry id } }: overrides of the fixed rule,
//                      given to the plan (ModelPlanConfig.kernels); a layer or pass that is not
//                      named keeps the fixed rule. An override naming an entry of another layer
//                      type or pass, or one that does not support the layer's configuration, is
//                      an error naming the layer, the pass and the reason; so is one naming a
//                      layer or pass that the plan never chose for.
//   KernelSlot         one choice the plan made: layer name and type, pass, the configuration,
//                      the supported candidate ids, the fixed choice and the one taken.
//   plan.kernelSlots   every slot of a built plan (src/train/model-plan.ts);
//   tunableSlots(..)   those with two or more candidates: build the plan once per candidate
//                      (KernelChoices naming it), time the dispatches whose `kernel.id` is the
//                      candidate's, keep the fastest.
// Dispatches carry the entry that made them (Dispatch.kernel: id and cost), so the bench and
// the tuner never parse labels.
import type { TgpuBindGroupLayout, TgpuRoot } from 'typegpu';
import { gridFor, Kernel, type Dispatch, type Entries, type Workgroups } from './kernel.ts';
import type { BatchSize } from './batch-size.ts';

/** The passes of a layer that kernels serve (a layer type uses the ones it has). */
export type KernelPass =
  | 'forward' // training forward, also evaluation's where no 'inference' kernel exists
  | 'inference' // evaluation-only forward (no state saved for a backward)
  | 'backward' // the whole backward of a layer with one backward kernel
  | 'backward-mask' // an activation's derivative applied to the output gradient
  | 'backward-filter' // a convolution's kernel and bias gradients (split-K partial sums)
  | 'backward-reduce' // the sum of split-K partial sums into the gradient buffer
  | 'backward-transpose' // a kernel rearranged for the input-gradient kernel
  | 'backward-input' // dL/d input
  | 'backward-weights' // a dense layer's weight and bias gradients
  | 'metrics' // the loss's per-batch sums
  | 'update'; // an optimizer step over the flat parameter buffer

/** Work of one pass: FLOPs count a multiply-add as 2; bytes are the compulsory traffic (4 a float). */
export interface KernelCost {
  /** Shapes as the bench prints them, e.g. `(128,13,13,32)->(128,11,11,64)`. */
  shape: string;
  flops: number;
  bytes: number;
}

export interface KernelEntry<C> {
  /** Stable id: `<layer>.<pass>.<variant>`, e.g. 'conv2d.forward.tile5x5'. */
  readonly id: string;
  /** Keras layer type (or the plan's own stage: 'Gather', 'Loss', 'Optimizer'). */
  readonly layerType: string;
  readonly pass: KernelPass;
  /** Files in shaders/ (without `.wgsl`); empty for a generated kernel (`generate`). */
  readonly shaders: readonly string[];
  /**
   * A generated kernel's WGSL template for `config` (src/gpu/gemm/), compiled over the same
   * prelude as a file of shaders/; its tile parameters are compiled in, the shapes stay constants.
   */
  generate?(config: C): string;
  /** Invocations per workgroup (the shader's WORKGROUP_SIZE override). */
  readonly workgroupSize: number;
  /** true, or why this entry cannot compute `config`. */
  supports(config: C): true | string;
  /**
   * The shader's `override` constants for `config` (WORKGROUP_SIZE included). Never the batch
   * size: the shader reads that at run time (BATCH, src/gpu/batch-size.ts), so one pipeline
   * serves every batch size; a count that grows with the batch is passed per sample (perSample).
   */
  constants(config: C): Record<string, number>;
  /** Invocations the dispatch(es) cover for config.batch samples (workgroups = ceil(items / workgroupSize)). */
  items(config: C): number;
  cost(config: C): KernelCost;
  /**
   * Where the fixed rule takes this entry (default: wherever it is supported). It narrows the
   * rule, not what the kernel computes: the entry stays a candidate wherever it is supported.
   */
  preferredWhen?(config: C): boolean;
}

/**
 * An entry's `supports` from a check that throws on a configuration it rejects (a layer's own
 * shape or geometry validation): true, or the check's message.
 */
export function supportsWhenNoThrow<C>(check: (config: C) => unknown): (config: C) => true | string {
  return (config) => {
    try {
      check(config);
      return true;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
}

/** What a dispatch says about the entry that built it (src/gpu/kernel.ts Dispatch.kernel). */
export interface DispatchKernel {
  id: string;
  /** The whole pass's cost; dispatches of one pass share this object (e.g. one per tile class). */
  cost: KernelCost;
}

/** The entry's id and cost for one configuration, to attach to its dispatches. */
export function dispatchKernel<C>(entry: KernelEntry<C>, config: C): DispatchKernel {
  return { id: entry.id, cost: entry.cost(config) };
}

/** Entries of `pass` that support `config`, in priority order. */
export function supportedCandidates<E extends KernelEntry<C>, C>(entries: readonly E[], pass: KernelPass, config: C): E[] {
  return entries.filter((e) => e.pass === pass && e.supports(config) === true);
}

/** The fixed rule: the first entry of `pass` (in priority order) that supports `config` and prefers it. */
export function fixedChoice<E extends KernelEntry<C>, C>(entries: readonly E[], pass: KernelPass, config: C): E {
  const supported = supportedCandidates(entries, pass, config);
  const first = supported.find((e) => e.preferredWhen?.(config) ?? true) ?? supported[0];
  if (first) return first;
  const reasons = entries.filter((e) => e.pass === pass).map((e) => `${e.id}: ${String(e.supports(config))}`);
  throw new Error(`no ${pass} kernel supports this configuration (${reasons.join('; ') || 'none registered'})`);
}

/** Overrides of the fixed rule: layer name -> pass -> entry id. */
export type KernelChoices = Readonly<Record<string, Readonly<Partial<Record<KernelPass, string>>>>>;

/** Which of a trainer's plans a choice is for. */
export type PlanKind = 'training' | 'evaluation';

/**
 * Overrides for a trainer's plans, one set per kind: the training plans (at the run's batch
 * size) and the evaluation plans (test, validation, prediction) configure a layer differently,
 * so a layer's 'forward' may take different kernels in each.
 */
export type PlanKernelChoices = Readonly<Partial<Record<PlanKind, KernelChoices>>>;

/** One choice a plan made (see the header). */
export interface KernelSlot {
  layer: string;
  layerType: string;
  pass: KernelPass;
  config: unknown;
  /** Ids of the entries that support `config`, in priority order. */
  candidates: string[];
  /** The fixed rule's id. */
  fixed: string;
  /** The id the plan took (an override, else `fixed`). */
  chosen: string;
}

/** The slots a tuner can try: two or more candidates. */
export function tunableSlots(slots: readonly KernelSlot[]): KernelSlot[] {
  return slots.filter((s) => s.candidates.length >= 2);
}

/** Picks a layer's kernel for one pass (see createChooser). */
export interface KernelChooser {
  choose<E extends KernelEntry<C>, C>(layer: string, entries: readonly E[], pass: KernelPass, config: C): E;
}

/** The fixed rule everywhere, nothing recorded. */
export const FIXED_RULES: KernelChooser = { choose: (_layer, entries, pass, config) => fixedChoice(entries, pass, config) };

/**
 * A chooser that takes `choices` where they name the layer and pass (else the fixed rule) and
 * appends every choice to `slots`. `unused()` lists the overrides nothing asked for.
 */
export function createChooser(choices: KernelChoices = {}, slots: KernelSlot[] = []): KernelChooser & { unused(): string[] } {
  const used = new Set<string>();
  return {
    choose(layer, entries, pass, config) {
      const fixed = fixedChoice(entries, pass, config);
      const wanted = choices[layer]?.[pass];
      let chosen = fixed;
      if (wanted !== undefined) {
        used.add(`${layer}/${pass}`);
        const entry = entries.find((e) => e.id === wanted);
        if (!entry || entry.pass !== pass) {
          const known = entries.filter((e) => e.pass === pass).map((e) => e.id);
          throw new Error(`kernel choice for layer "${layer}", pass ${pass}: ${wanted} is not a ${pass} kernel of this layer (known: ${known.join(', ')})`);
        }
        const ok = entry.supports(config);
        if (ok !== true) throw new Error(`kernel choice for layer "${layer}", pass ${pass}: ${wanted} does not support it: ${ok}`);
        chosen = entry;
      }
      const candidates = supportedCandidates(entries, pass, config).map((e) => e.id);
      slots.push({ layer, layerType: fixed.layerType, pass, config, candidates, fixed: fixed.id, chosen: chosen.id });
      return chosen;
    },
    unused() {
      return Object.entries(choices).flatMap(([layer, passes]) =>
        Object.keys(passes).filter((p) => !used.has(`${layer}/${p}`)).map((p) => `${layer}/${p}`),
      );
    },
  };
}

/** A chooser for one layer built outside a plan (tests, the bench): `overrides` by pass, else the fixed rule. */
export function layerChooser(overrides: Partial<Record<KernelPass, string>> = {}): KernelChooser {
  return {
    choose(layer, entries, pass, config) {
      return createChooser({ [layer]: overrides }).choose(layer, entries, pass, config);
    },
  };
}

/** How an entry's kernel is compiled for one layer (the entry gives the shader, constants and cost). */
export interface EntryKernelOptions<E extends Entries> {
  layout: TgpuBindGroupLayout<E>;
  externals?: Record<string, unknown>;
  /** Label suffix (default: none). */
  variant?: string;
  /** Constants added to the entry's (e.g. one tile class's). */
  extra?: Record<string, number>;
  /** The cost to attach (default: the entry's for `config`); dispatches of one pass share it. */
  cost?: DispatchKernel;
  rewriteSource?: (template: string) => string;
}

/** `entry`'s kernel for `config`: its first shader with its constants, its dispatches tagged with its id and cost. */
export function entryKernel<C, E extends Entries>(root: TgpuRoot, entry: KernelEntry<C>, config: C, options: EntryKernelOptions<E>): Kernel<E> {
  return new Kernel(root, {
    shader: entry.shaders[0] ?? entry.id,
    source: entry.generate?.(config),
    layout: options.layout,
    variant: options.variant,
    externals: options.externals,
    constants: { ...entry.constants(config), ...options.extra },
    entry: options.cost ?? dispatchKernel(entry, config),
    rewriteSource: options.rewriteSource,
  });
}

/** The workgroup grid of `entry` for `config` (or for `items` invocations, a share of the pass). */
export function entryGrid<C>(entry: KernelEntry<C>, config: C, what: string, items = entry.items(config)): [number, number] {
  return gridFor(items, entry.workgroupSize, what);
}

/**
 * `n` of one sample: a count that grows with the batch (elements, rows) as the per-sample
 * constant a shader multiplies by its run-time BATCH (`override COUNT: u32 = BATCH * SAMPLE_COUNT;`).
 */
export function perSample<C extends { batch: number }>(n: (c: C) => number): (c: C) => number {
  return (c) => n({ ...c, batch: 1 });
}

/**
 * The dispatch of `kernel` (made from `entry` for `config`) over the entry's items, or over
 * `items` (a share of the pass), grid from entryGrid. Where the kernel reads the batch size it
 * is sized for `batch` (holding config.batch samples) and re-sizable for any count: its grid is
 * then the items of `config` with that many samples.
 */
export function entryDispatch<C extends { batch: number }, E extends Entries>(
  kernel: Kernel<E>,
  entry: KernelEntry<C>,
  config: C,
  bindGroup: GPUBindGroup,
  batch: BatchSize | undefined,
  label: string,
  items: (c: C) => number = (c) => entry.items(c),
): Dispatch {
  const grid = (count: number): Workgroups => [...gridFor(items({ ...config, batch: count }), entry.workgroupSize, label), 1];
  const [x, y] = grid(config.batch);
  if (!kernel.readsBatch) return kernel.dispatch(bindGroup, x, y, 1, label);
  if (!batch) throw new Error(`${label}: the kernel reads the batch size; its dispatch needs a BatchSize`);
  if (batch.count !== config.batch) throw new Error(`${label}: ${batch.label} holds ${batch.count} samples, the kernel is built for ${config.batch}`);
  return kernel.dispatch(bindGroup, x, y, 1, label, { batch, gridFor: grid });
}
