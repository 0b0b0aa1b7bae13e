// The learning-curves card: batch losses and epoch curves as they arrive, kept across a resume
// (the autosave carries the batch losses), the epochs a model came with (the shipped model's
// history) when no run of this page is shown, and "Save figure" as one PNG.
import { Charts } from '../charts.ts';
import { downloadPng } from '../figures.ts';
import { byId, type Panel } from '../panel.ts';
import type { PageState } from '../state.ts';
import type { WorkerToPage } from '../protocol.ts';
import { heldProgress } from '../autosave.ts';

export function createChartsPanel(): Panel {
  const charts = new Charts(byId('chart-batch'), byId('chart-loss'), byId('chart-acc'));
  byId('save-curves').addEventListener('click', () => downloadPng(charts.figure(), 'learning-curves.png'));
  let options: unknown;
  let history: unknown;
  return {
    render(s: PageState): void {
      if (s.modelHistory) {
        if (s.modelHistory !== history) charts.startRun(s.modelHistory);
        history = s.modelHistory;
        options = undefined; // a run that starts later starts its own curves
        return;
      }
      const run = s.run;
      if (!run) return;
      if (run.options !== options) {
        // A new run, or a resume: the finished epochs' curves stay, with the batch losses an
        // autosave of the same epoch kept.
        options = run.options;
        history = run.history;
        const saved = s.checkpoint?.epoch === run.history.length && run.history.length > 0 ? s.checkpoint.batches : undefined;
        charts.startRun(run.history, saved);
      } else if (run.history !== history) {
        history = run.history;
        charts.setEpochs(run.history);
      }
    },
    onMessage(msg: WorkerToPage): void {
      if (msg.type === 'train' && msg.event.type === 'progress') charts.progress(msg.event);
    },
    checkpointExtras: (held) => ({ batches: charts.batchHistory(heldProgress(held)) }),
  };
}
