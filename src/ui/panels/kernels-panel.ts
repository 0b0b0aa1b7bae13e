// The Kernels card: how the last run's kernels were chosen (src/tune/, by the worker before
// the trainer was built): "Kernels tuned for this GPU" with per layer and pass the choice, how
// it was chosen and every candidate's median time, or why the fixed rules chose; and what went
// wrong with the autotuning cache, if anything did.
import { byId, setText, type Panel } from '../panel.ts';
import type { PageState } from '../state.ts';
import type { TuningHistory } from '../../tune/report.ts';
import { tuneView, tuneViewHtml } from '../tune-view.ts';

export function createKernelsPanel(): Panel {
  const card = byId('kernels-card');
  const title = byId('kernels-title');
  const report = byId('kernels-report');
  const warnings = byId('kernels-warnings');
  let shown: TuningHistory | undefined;
  let shownWarnings: string[] = [];

  return {
    render(s: PageState): void {
      const run = s.run;
      const tuning = run?.tuning;
      const warned = run?.tuneWarnings ?? [];
      card.hidden = !tuning && warned.length === 0;
      if (tuning !== shown) {
        shown = tuning;
        setText(title, tuning ? tuneView(tuning).heading : 'Kernels');
        report.innerHTML = tuning ? tuneViewHtml(tuning, 'kernels-table') : '';
      }
      if (warned !== shownWarnings) {
        shownWarnings = warned;
        warnings.replaceChildren(...warned.map((w) => Object.assign(document.createElement('li'), { textContent: w })));
        warnings.hidden = warned.length === 0;
      }
    },
  };
}
