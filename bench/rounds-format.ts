// The interleaved rounds' table for the terminal (npm run bench).
import type { RoundsResult } from './rounds.ts';

const fixed = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const ratio = (x: number) => `${fixed(x, 2)}x`;

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
  for (const [key, info] of Object.entries(r.peer_info)) {
    const wasm = info.wasm ? `, wasm ${info.wasm.flavour} (SIMD ${info.wasm.simd}, threads ${info.wasm.threads_count}), Conv2DBackpropFilter shim max |error| ${info.wasm.conv2d_backprop_filter_shim_error.toExponential(1)}` : '';
    const gpu = info.adapter !== undefined ? `, WebGPU adapter ${info.adapter ? `${info.adapter.vendor} / ${info.adapter.architecture}` : 'none'}` : '';
    out.push(`  ${key}: tfjs ${info.tfjs_version}${wasm}${gpu}`);
  }
  return out.join('\n');
}
