// The result's tables for bench.html, with the figures and column headers of the CLI's text
// (src/cli/bench.ts formatResults).
import { inferenceSentence, type BenchResult, type KernelRow } from '../bench-protocol.ts';

const fixed = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** A table with a caption, scoped column headers and one row of cells per item; numeric columns right-aligned. */
export function table<T>(caption: string, columns: { head: string; num?: boolean; cell: (item: T) => string }[], items: T[], id?: string): HTMLElement {
  const t = document.createElement('table');
  if (id) t.id = id;
  t.createCaption().textContent = caption;
  const head = t.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = c.head;
    if (c.num) th.className = 'num';
    head.append(th);
  }
  const body = t.createTBody();
  for (const item of items) {
    const tr = body.insertRow();
    for (const c of columns) {
      const td = tr.insertCell();
      td.textContent = c.cell(item);
      if (c.num) td.className = 'num';
    }
  }
  const wrap = document.createElement('div');
  wrap.className = 'scroll';
  wrap.append(t);
  return wrap;
}

export function validationTable(r: BenchResult): HTMLElement {
  return table('Validation: one real training step, each kernel against the float64 reference', [
    { head: 'check', cell: (c) => (c.ok ? 'ok' : 'FAIL') },
    { head: 'kernel', cell: (c) => c.name },
    { head: 'max rel. error', num: true, cell: (c) => c.error.toExponential(2) },
    { head: 'tolerance', num: true, cell: (c) => String(c.tolerance) },
  ], r.validation, 'validation');
}

export function kernelTable(caption: string, rows: KernelRow[], id: string): HTMLElement {
  return table(caption, [
    { head: 'kernel', cell: (k) => k.name },
    { head: 'shape', cell: (k) => k.shape },
    { head: 'ms', num: true, cell: (k) => fixed(k.ms, 3) },
    { head: 'GFLOP/s', num: true, cell: (k) => fixed(k.gflops) },
    { head: 'GB/s', num: true, cell: (k) => fixed(k.gbps) },
    { head: 'share', num: true, cell: (k) => `${fixed(100 * k.share, 1)}%` },
  ], rows, id);
}

export function variantTable(r: BenchResult): HTMLElement {
  return table('Kernel variants (* the one the fixed rules choose)', [
    { head: 'chosen', cell: (v) => (v.promoted ? '*' : '') },
    { head: 'variant', cell: (v) => v.name },
    { head: 'ms', num: true, cell: (v) => fixed(v.ms, 3) },
    { head: 'GFLOP/s', num: true, cell: (v) => fixed(v.gflops) },
    { head: 'error', num: true, cell: (v) => v.error.toExponential(1) },
  ], r.variants, 'variants');
}

/** The training step, inference and (where measured) the arithmetic floor, as sentences. */
export function throughputText(r: BenchResult): string[] {
  const lines = [
    `Training step (batch ${r.train.batch}, ${r.train.steps_per_submit} steps per submit): ${fixed(r.train.ms_per_step, 1)} ms/step, ${fixed(r.train.samples_per_s, 0)} samples/s, projected epoch (54,000 images) ${fixed(r.train.epoch_seconds, 1)} s.`,
    `Inference (batch ${r.infer.batch}): ${inferenceSentence(r.infer)}.`,
  ];
  if (r.floor) {
    lines.push(`Arithmetic floor of conv2d_1 forward (batch ${r.floor.batch}): ${r.floor.kernel} ${fixed(r.floor.ms, 1)} ms, arithmetic only ${fixed(r.floor.arithmetic_ms, 1)} ms (${fixed((100 * r.floor.arithmetic_ms) / r.floor.ms, 0)}% of the kernel).`);
  }
  return lines;
}

/** The training step with the tuned kernels beside the fixed rules' (both timed in the same run). */
export function tunedStepText(fixedRules: BenchResult['train'], tuned: BenchResult['train']): string {
  const step = (t: BenchResult['train']) => `${fixed(t.ms_per_step, 1)} ms/step (${fixed(t.samples_per_s, 0)} samples/s)`;
  return (
    `Training step at batch ${tuned.batch}: ${step(tuned)} with the tuned kernels, ${step(fixedRules)} with the fixed rules ` +
    `(tuned / fixed rules: ${fixed(tuned.ms_per_step / fixedRules.ms_per_step, 2)}x, one run, wall clock).`
  );
}
