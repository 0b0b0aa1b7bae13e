// The interleaved rounds' tables for the terminal (npm run bench): training, then inference.
import type { RoundsResult } from './rounds.ts';

const fixed = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const ratio = (x: number) => `${fixed(x, 2)}x`;

/** The inference rounds' table: ms per predict of the same test images, each side in turn. */
function formatInferenceRounds(r: RoundsResult): string[] {
  const models = r.models.filter((m) => m.inference);
  if (models.length === 0) return [];
  const images = models[0].inference!.images;
  const out = [
    `Inference in interleaved rounds (${r.rounds} rounds; each round one predict of the same ${images.toLocaleString('en-US')} test images on each side, ` +
      'probabilities read back, after one untimed predict each)',
    '  ratio = their ms / ours in the same round (> 1: we are faster): median, interquartile range, min-max over rounds',
  ];
  const rows: string[][] = [['model', 'peer', 'ours ms', 'theirs ms', 'ours images/s', 'ratio', 'IQR', 'min-max']];
  for (const m of models) {
    const inf = m.inference!;
    const oursRate = fixed((inf.images * 1000) / inf.ours.median_ms, 0);
    const peers = Object.entries(inf.peers);
    if (peers.length === 0) rows.push([m.model, '-', fixed(inf.ours.median_ms, 1), '-', oursRate, '-', '-', '-']);
    for (const [key, p] of peers) {
      rows.push([m.model, key, fixed(inf.ours.median_ms, 1), fixed(p.median_ms, 1), oursRate, ratio(p.ratio.median), `${fixed(p.ratio.q1, 2)}-${ratio(p.ratio.q3)}`, `${fixed(p.ratio.min, 2)}-${ratio(p.ratio.max)}`]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) out.push(`  ${row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`);
  for (const m of models) {
    const perRound = Object.entries(m.inference!.peers).map(([k, p]) => `${k} [${p.ratio.per_round.map((x) => x.toFixed(2)).join(', ')}]`);
    out.push(`  ${m.model}: ours ms by round [${m.inference!.ours.ms.map((x) => x.toFixed(1)).join(', ')}]${perRound.length ? `; ratios by round: ${perRound.join('; ')}` : ''}`);
  }
  return out;
}

export function formatRounds(r: RoundsResult): string {
  const out: string[] = [];
  out.push(
    `Training in interleaved rounds (${r.rounds} rounds of ${r.steps_per_round} steps after ${r.warmup_steps} warm-up steps, batch ${r.batch}; ` +
      `each round: ${r.order.join(', ')}) — adapter: ${r.adapter}`,
  );
  out.push('  ratio = their ms/step / ours in the same round (> 1: we are faster): median, interquartile range, min-max over rounds');
  const rows: string[][] = [['model', 'params', 'peer', 'ours ms/step', 'theirs ms/step', 'ours samples/s', 'theirs samples/s', 'ratio', 'IQR', 'min-max']];
  const failed: string[] = [];
  for (const m of r.models) {
    const peers = Object.entries(m.peers);
    if (peers.length === 0) {
      rows.push([m.model, m.params.toLocaleString('en-US'), '-', fixed(m.ours.median_ms_per_step, 1), '-', fixed(m.ours.samples_per_s, 0), '-', '-', '-', '-']);
    }
    for (const [key, p] of peers) {
      rows.push([
        m.model,
        m.params.toLocaleString('en-US'),
        key,
        fixed(m.ours.median_ms_per_step, 1),
        fixed(p.median_ms_per_step, 1),
        fixed(m.ours.samples_per_s, 0),
        fixed(p.samples_per_s, 0),
        ratio(p.ratio.median),
        `${fixed(p.ratio.q1, 2)}-${ratio(p.ratio.q3)}`,
        `${fixed(p.ratio.min, 2)}-${ratio(p.ratio.max)}`,
      ]);
    }
    for (const [key, e] of Object.entries(m.errors)) failed.push(`  ${m.model} ${key}: FAILED: ${e}`);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) out.push(`  ${row.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`);
  out.push(...failed);
  for (const m of r.models) {
    const perRound = Object.entries(m.peers).map(([k, p]) => `${k} [${p.ratio.per_round.map((x) => x.toFixed(2)).join(', ')}]`);
    out.push(`  ${m.model}: ours ms/step by round [${m.ours.ms_per_step.map((x) => x.toFixed(1)).join(', ')}]${perRound.length ? `; ratios by round: ${perRound.join('; ')}` : ''}`);
  }
  out.push(...formatInferenceRounds(r));
  for (const [key, info] of Object.entries(r.peer_info)) {
    const wasm = info.wasm ? `, wasm ${info.wasm.flavour} (SIMD ${info.wasm.simd}, threads ${info.wasm.threads_count}), Conv2DBackpropFilter shim max |error| ${info.wasm.conv2d_backprop_filter_shim_error.toExponential(1)}` : '';
    const gpu = info.adapter !== undefined ? `, WebGPU adapter ${info.adapter ? `${info.adapter.vendor} / ${info.adapter.architecture}` : 'none'}` : '';
    out.push(`  ${key}: tfjs ${info.tfjs_version}${wasm}${gpu}`);
  }
  return out.join('\n');
}
