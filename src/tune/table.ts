// The autotuning report as a short table for the terminal: per layer and pass, the kernel
// chosen, how, and every candidate's median time or "invalid".
import type { CandidateOutcome } from './cache.ts';
import type { TuningHistory } from './report.ts';

type SlotRow = TuningHistory['slots'][number];

const TIMING_NAMES = { timestamp: 'timestamp queries', wall: 'wall clock' } as const;

function outcomeText(o: CandidateOutcome): string {
  return 'ms' in o ? `${o.id} ${o.ms.toFixed(3)} ms` : `${o.id} invalid`;
}

/** The pass, marked where it is the evaluation plan's (the training plan's is the default). */
function passName(s: SlotRow): string {
  return s.plan === 'evaluation' ? `${s.pass} (eval)` : s.pass;
}

function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
}

/** The report as lines: a heading, then one row per slot (none when the fixed rules chose everything). */
export function tuneTable(report: TuningHistory): string[] {
  if (report.active === 'off') {
    const why = report.mode === 'off' ? '--autotune off' : '--autotune auto on a software adapter';
    return [`Kernels: the fixed rules (${why})`];
  }
  if (report.slots.length === 0) return ['Kernels: the fixed rules (no layer of this model has a kernel to choose between)'];
  const how = report.timing ? `, timed with ${TIMING_NAMES[report.timing]}` : '';
  const rows = [['layer', 'pass', 'choice', 'from', 'candidates'], ...report.slots.map((s) => [s.layer, passName(s), s.choice, s.source, s.candidates.map(outcomeText).join(', ') || (s.note ?? '')])];
  const invalid = report.slots.flatMap((s) => s.candidates.flatMap((o) => ('invalid' in o ? [`  ${s.layer} ${passName(s)}: ${o.id} invalid: ${o.invalid.split('\n')[0]}`] : [])));
  return [`Kernels (--autotune ${report.mode}${how}):`, ...columns(rows).map((l) => `  ${l}`), ...invalid];
}
