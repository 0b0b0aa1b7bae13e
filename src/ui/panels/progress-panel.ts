// The Train card's progress: phase, progress bar, speed and time left, and the latest loss
// and accuracy (training figures with dropout on, validation figures without).
import { duration, fixed, int, percent } from '../format.ts';
import { byId, setText, type Panel } from '../panel.ts';
import type { PageState } from '../state.ts';
import type { WorkerPhase } from '../protocol.ts';

const PHASE_TEXT: Record<WorkerPhase, string> = {
  idle: 'Idle',
  'loading-data': 'Loading the dataset…',
  building: 'Building…',
  training: 'Training',
  pausing: 'Pausing… (finishing the steps already on the GPU)',
  paused: 'Paused',
  evaluating: 'Evaluating…',
};

export function createProgressPanel(): Panel {
  const el = {
    phase: byId('phase'),
    epoch: byId('epoch-label'),
    fill: byId('bar-fill'),
    speed: byId('speed'),
    eta: byId('eta'),
    loss: byId('stat-loss'),
    acc: byId('stat-acc'),
    valLoss: byId('stat-val-loss'),
    valAcc: byId('stat-val-acc'),
  };
  return {
    render(s: PageState): void {
      setText(el.phase, s.phaseDetail ?? PHASE_TEXT[s.phase]);
      document.body.dataset.phase = s.phase;
      const run = s.run;
      const p = run?.progress;
      const fraction = p ? p.step / p.steps : 0;
      const build = s.phaseProgress;
      if (!p && build) {
        const f = build.total > 0 ? build.done / build.total : 0;
        el.fill.style.width = `${(f * 100).toFixed(1)}%`;
        el.fill.parentElement!.setAttribute('aria-valuenow', (f * 100).toFixed(0));
      } else if (p || !s.running) {
        el.fill.style.width = `${(fraction * 100).toFixed(1)}%`;
        el.fill.parentElement!.setAttribute('aria-valuenow', (fraction * 100).toFixed(0));
      }
      if (p && run) {
        setText(el.epoch, `epoch ${p.epoch} of ${run.options.epochs} · batch ${p.step} of ${p.steps}`);
        setText(el.speed, `${int(p.samplesPerSecond)} samples/s`);
        const epochLeft = ((p.steps - p.step) * run.options.batchSize) / p.samplesPerSecond;
        const laterEpochs = ((run.options.epochs - p.epoch) * run.trainCount) / p.samplesPerSecond;
        setText(el.eta, s.paused ? '' : `${duration(epochLeft)} left in epoch · ${duration(epochLeft + laterEpochs)} in all`);
      } else {
        // Between runs there is no time left to show.
        setText(el.epoch, run && s.running && run.trainCount ? `${int(run.trainCount)} training, ${int(run.validationCount)} validation images` : '');
        setText(el.speed, '');
        setText(el.eta, '');
      }
      const last = run?.history[run.history.length - 1];
      setText(el.loss, fixed(p?.loss ?? last?.loss ?? NaN));
      setText(el.acc, percent(p?.accuracy ?? last?.accuracy ?? NaN));
      setText(el.valLoss, fixed(last?.val_loss ?? NaN));
      setText(el.valAcc, percent(last?.val_accuracy ?? NaN));
    },
  };
}
