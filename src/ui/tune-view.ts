// The autotuning of a run as the page and bench.html show it: a heading ("Kernels tuned for
// this GPU", or why the fixed rules chose), a line on how it was timed, and a table with per
// layer and pass the kernel chosen, how it was chosen and every candidate's median time or
// "invalid". Builds rows (tuneView) and HTML text (tuneViewHtml), no DOM: node-testable.
import type { CandidateOutcome } from '../tune/cache.ts';
import type { TuningHistory } from '../tune/report.ts';

type SlotRow = TuningHistory['slots'][number];

export interface TuneCandidateCell {
  id: string;
  /** "1.234 ms" or "invalid". */
  text: string;
  chosen: boolean;
  /** Why the candidate may not be used (its first line), when it may not. */
  invalid?: string;
}

export interface TuneViewRow {
  layer: string;
  pass: string;
  /** "training, batch 64" or "evaluation, batch 500". */
  plan: string;
  choice: string;
  /** "tuned now", "cached" or "fixed rules (why)". */
  how: string;
  candidates: TuneCandidateCell[];
}

export interface TuneView {
  heading: string;
  /** One sentence under the heading. */
  detail: string;
  rows: TuneViewRow[];
}

const TIMING_NAMES = { timestamp: 'timestamp queries', wall: 'the wall clock' } as const;
const HOW: Record<SlotRow['source'], string> = { tuned: 'tuned now', cache: 'cached', fixed: 'fixed rules' };

function candidateCell(o: CandidateOutcome, choice: string): TuneCandidateCell {
  if ('ms' in o) return { id: o.id, text: `${o.ms.toFixed(3)} ms`, chosen: o.id === choice };
  return { id: o.id, text: 'invalid', chosen: false, invalid: o.invalid.split('\n')[0] };
}

function row(s: SlotRow): TuneViewRow {
  return {
    layer: s.layer,
    pass: s.pass,
    plan: `${s.plan}, batch ${s.batch}`,
    choice: s.choice,
    how: s.source === 'fixed' && s.note ? `${HOW.fixed} (${s.note})` : HOW[s.source],
    candidates: s.candidates.map((o) => candidateCell(o, s.choice)),
  };
}

function countText(rows: readonly SlotRow[]): string {
  const n = (source: SlotRow['source']) => rows.filter((s) => s.source === source).length;
  const parts = [[n('tuned'), 'tuned now'], [n('cache'), 'from the cache'], [n('fixed'), 'left to the fixed rules']] as const;
  return parts.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`).join(', ');
}

/** The rows and words the page and bench.html show for a run's tuning. */
export function tuneView(h: TuningHistory): TuneView {
  if (h.active === 'off') {
    const detail =
      h.mode === 'off'
        ? 'Kernel tuning is turned off: every layer runs the kernel the fixed rules pick.'
        : 'This is a software adapter: "auto" tunes on a hardware GPU only, so every layer runs the kernel the fixed rules pick. Choose "tune" to measure here anyway.';
    return { heading: 'Kernels: the fixed rules', detail, rows: [] };
  }
  if (h.slots.length === 0) {
    return { heading: 'Kernels: the fixed rules', detail: 'No layer of this model has more than one kernel to choose between.', rows: [] };
  }
  const timed = h.timing ? `; measured with ${TIMING_NAMES[h.timing]}` : '';
  const n = h.slots.length;
  const detail = `${n} layer ${n === 1 ? 'pass' : 'passes'} with a choice: ${countText(h.slots)}${timed}. The fastest kernel whose results match the fixed rules' wins.`;
  return { heading: 'Kernels tuned for this GPU', detail, rows: h.slots.map(row) };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function candidateHtml(c: TuneCandidateCell): string {
  const cls = c.chosen ? ' class="chosen"' : c.invalid !== undefined ? ' class="invalid"' : '';
  const title = c.invalid !== undefined ? ` title="${escapeHtml(c.invalid)}"` : '';
  return `<li${cls}${title}><code>${escapeHtml(c.id)}</code> ${escapeHtml(c.text)}${c.invalid !== undefined ? `: ${escapeHtml(c.invalid)}` : ''}</li>`;
}

const COLUMNS = ['layer', 'pass', 'plan', 'choice', 'chosen', 'candidates (median time per run)'];

/**
 * The view as HTML text: the detail sentence, then (when there are rows) the table, one row
 * per layer and pass (`data-source` says how it was chosen; the chosen candidate has class
 * "chosen"). `id` names the table.
 */
export function tuneViewHtml(h: TuningHistory, id = 'tune-table'): string {
  const view = tuneView(h);
  const detail = `<p class="tune-detail">${escapeHtml(view.detail)}</p>`;
  if (view.rows.length === 0) return detail;
  const head = COLUMNS.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = view.rows
    .map((r, i) => {
      const cells = [r.layer, r.pass, r.plan].map((t) => `<td>${escapeHtml(t)}</td>`);
      cells.push(`<td><code>${escapeHtml(r.choice)}</code></td>`, `<td>${escapeHtml(r.how)}</td>`);
      cells.push(`<td><ul class="tune-candidates">${r.candidates.map(candidateHtml).join('')}</ul></td>`);
      return `<tr data-source="${h.slots[i].source}">${cells.join('')}</tr>`;
    })
    .join('');
  const caption = 'Per layer and pass: the kernel chosen and each candidate kernel\'s median time';
  return `${detail}<div class="scroll"><table id="${escapeHtml(id)}" class="tune-table"><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}
