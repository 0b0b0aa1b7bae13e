// The learning-curves card: batch losses as they arrive, epoch curves from the run's history.
import { Charts } from '../charts.ts';
import { byId, type Panel } from '../panel.ts';
import type { PageState } from '../state.ts';
import type { WorkerToPage } from '../protocol.ts';

export function createChartsPanel(): Panel {
  const charts = new Charts(byId('chart-batch'), byId('chart-loss'), byId('chart-acc'));
  let options: unknown;
  let history: unknown;
  return {
    render(s: PageState): void {
      const run = s.run;
      if (!run) return;
      if (run.options !== options) {
        // A new run (or a restored autosave): its own curves only.
        options = run.options;
        charts.reset();
      }
      if (run.history !== history) {
        history = run.history;
        charts.setEpochs(run.history);
      }
    },
    onMessage(msg: WorkerToPage): void {
      if (msg.type === 'train' && msg.event.type === 'progress') {
        const e = msg.event;
        charts.addBatchLosses(e.epoch, e.step, e.steps, e.batchLosses);
      }
    },
  };
}
