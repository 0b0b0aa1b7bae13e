// The "Teach it your handwriting" card: the user draws (or uploads) a few samples of each
// digit, kept in IndexedDB (handwriting/sample-store.ts); one in four of each digit's is held
// back (handwriting/samples.ts) and scored with the current model as it changes. "Fine-tune"
// has the worker fine-tune the current model on the rest mixed with MNIST
// (handwriting/fine-tune-job.ts), shows the held-back and MNIST scores before and after, and
// makes the tuned model current; "Use the model before fine-tuning" goes back.
import '../handwriting/handwriting.css';
import { forgetTunedModel, loadTunedModel, saveTunedModel, tunedModel, TUNED_LABEL } from '../handwriting/tuned-store.ts';
import { DrawPad } from '../draw-pad.ts';
import { byId, setText, type Panel, type PanelContext } from '../panel.ts';
import { busyStarted, isIdle, type ActiveModel, type PageState } from '../state.ts';
import type { WorkerToPage } from '../protocol.ts';
import { workerClassifier } from '../numbers/worker-classifier.ts';
import { EVAL_BATCH } from '../../train/gpu-model.ts';
import { FINE_TUNE_DEFAULTS, type FineTuneSettings } from '../../train/fine-tune.ts';
import type { FineTuneScores, Score } from '../handwriting/fine-tune-scores.ts';
import { argmax } from '../metrics.ts';
import { SIDE } from '../mnist-style.ts';
import type { FineTuneEvent } from '../handwriting/fine-tune-messages.ts';
import { pictureField } from '../handwriting/picture-sample.ts';
import { SampleGrid } from '../handwriting/sample-grid.ts';
import { loadSamples, saveSamples } from '../handwriting/sample-store.ts';
import { digitsShort, MIN_PER_DIGIT, nextOrdinal, promptDigit, samplesSplit, splitSamples, type HandwritingSample } from '../handwriting/samples.ts';

/** Ids of this panel's predictBatch calls start here (the number reader's start at 1). */
const FIRST_CALL_ID = 1_000_000_000;

const CARD_HTML = `
  <h2 id="handwriting-title">Teach it your handwriting</h2>
  <p class="hint">Draw each digit a few times (at least ${MIN_PER_DIGIT} of each; more helps), then fine-tune the current model on them.
  One in four of each digit's samples (dashed) is held back: never trained on, it shows whether fine-tuning helped.</p>
  <div class="hw-entry">
    <canvas class="hw-pad-canvas" width="280" height="280" aria-label="Handwriting pad"></canvas>
    <div class="hw-controls">
      <p class="hw-prompt">Draw a <strong data-role="prompt">0</strong></p>
      <label>Digit <select data-role="digit">${Array.from({ length: 10 }, (_, d) => `<option value="${d}">${d}</option>`).join('')}</select></label>
      <div class="buttons">
        <button type="button" data-action="add">Add sample, next</button>
        <button type="button" data-action="clear">Clear</button>
      </div>
      <label>Pictures of this digit <input type="file" accept="image/*" multiple data-role="upload"></label>
      <button type="button" data-action="delete-all">Delete all samples</button>
    </div>
  </div>
  <div class="hw-rows" data-role="samples"></div>
  <p data-role="score" aria-live="polite"></p>
  <div class="hw-tune">
    <label>Steps <input type="number" data-role="steps" min="1" max="2000" value="${FINE_TUNE_DEFAULTS.steps}"></label>
    <button type="button" data-action="tune">Fine-tune</button>
    <button type="button" data-action="stop" hidden>Stop</button>
    <progress data-role="progress" max="1" value="0" aria-label="Fine-tuning progress" hidden></progress>
    <button type="button" data-action="revert" hidden>Use the model before fine-tuning</button>
  </div>
  <p data-role="status" aria-live="polite"></p>
  <table class="hw-result" data-role="result" hidden></table>`;

function pct(s: Score): string {
  return s.count ? `${s.correct} of ${s.count} (${((100 * s.correct) / s.count).toFixed(1)}%)` : '–';
}

function resultTable(table: HTMLTableElement, before: FineTuneScores, after: FineTuneScores): void {
  table.innerHTML = '<tr><th>read right</th><th>before</th><th>after</th></tr>';
  for (const [name, key] of [['held-back samples', 'heldBack'], ['MNIST test images', 'mnist']] as const) {
    const row = table.insertRow();
    row.dataset.score = key;
    row.dataset.before = String(before[key].correct / Math.max(1, before[key].count));
    row.dataset.after = String(after[key].correct / Math.max(1, after[key].count));
    row.insertCell().textContent = name;
    row.insertCell().textContent = pct(before[key]);
    row.insertCell().textContent = pct(after[key]);
  }
}

export function createHandwritingPanel(ctx: PanelContext): Panel {
  const card = document.createElement('section');
  card.className = 'card wide';
  card.id = 'handwriting-card';
  card.setAttribute('aria-labelledby', 'handwriting-title');
  card.innerHTML = CARD_HTML;
  ctx.mount(card);
  const el = <T extends HTMLElement>(sel: string) => card.querySelector(sel) as T;
  const digitSelect = el<HTMLSelectElement>('[data-role="digit"]');
  const prompt = el('[data-role="prompt"]');
  const score = el('[data-role="score"]');
  const status = el('[data-role="status"]');
  const progress = el<HTMLProgressElement>('[data-role="progress"]');
  const steps = el<HTMLInputElement>('[data-role="steps"]');
  const result = el<HTMLTableElement>('[data-role="result"]');
  const buttons = {
    add: el<HTMLButtonElement>('[data-action="add"]'),
    tune: el<HTMLButtonElement>('[data-action="tune"]'),
    stop: el<HTMLButtonElement>('[data-action="stop"]'),
    revert: el<HTMLButtonElement>('[data-action="revert"]'),
  };

  let samples: HandwritingSample[] = [];
  let guesses = new Map<string, number>();
  let classifying = 0; // the latest classification asked for (older answers are dropped)
  let tuning = false;
  /** The model the tuned one replaced, to go back to. */
  let previous: { event: Extract<FineTuneEvent, { kind: 'done' }>['previous']; active: ActiveModel } | undefined;
  let activeBefore: ActiveModel = { kind: 'none' };
  /** The tuned model as the page names it once active. */
  let tunedActive: ActiveModel | undefined;
  let lastActive: unknown;
  let nextLocalId = 1;
  /** What the latest fine-tune was asked to do. */
  let asked = { steps: 0, trained: 0 };

  const classifier = workerClassifier(ctx.send, () => ctx.state().modelReady, FIRST_CALL_ID);
  const grid = new SampleGrid(el('[data-role="samples"]'), (id) => changeSamples(samples.filter((s) => s.id !== id)));
  const pad = new DrawPad(el<HTMLCanvasElement>('.hw-pad-canvas'), () => undefined);

  /** Reads every sample with the current model (in batches of at most EVAL_BATCH). */
  const classifyAll = async (): Promise<void> => {
    const call = ++classifying;
    const s = ctx.state();
    if (!s.modelReady || !samples.length || s.modelInput?.shape[0] !== SIDE || s.modelInput.shape[1] !== SIDE) return showAll();
    const list = samples.slice();
    const channels = s.modelInput.shape[2];
    const read = new Map<string, number>();
    try {
      for (let at = 0; at < list.length; at += EVAL_BATCH) {
        const part = list.slice(at, at + EVAL_BATCH);
        const p = await classifier.classify(samplesSplit(part, channels).images, part.length);
        const classes = p.length / part.length;
        part.forEach((x, i) => read.set(x.id, argmax(p, i * classes, classes)));
      }
    } catch {
      return; // no model meanwhile: the next model-ready reads again
    }
    if (call !== classifying) return;
    guesses = read;
    showAll();
  };

  const showAll = (): void => {
    grid.render(samples, guesses);
    const next = promptDigit(samples);
    setText(prompt, String(Number(digitSelect.value)));
    const { heldBack, train } = splitSamples(samples);
    const right = heldBack.filter((s) => guesses.get(s.id) === s.digit).length;
    const known = heldBack.every((s) => guesses.has(s.id));
    const short = digitsShort(samples);
    setText(
      score,
      !samples.length
        ? `No samples yet. Next: draw a ${next}.`
        : `${samples.length} samples: ${train.length} to train on, ${heldBack.length} held back` +
            (heldBack.length && known ? `; the current model reads ${right} of ${heldBack.length} held-back samples right (${((100 * right) / heldBack.length).toFixed(0)}%).` : '.') +
            (short.length ? ` Still needed: ${MIN_PER_DIGIT} of each of ${short.join(', ')}.` : ''),
    );
    card.dataset.heldBackRight = known ? String(right) : '';
    card.dataset.heldBack = String(heldBack.length);
    card.dataset.samples = String(samples.length);
    render(ctx.state());
  };

  const changeSamples = (next: HandwritingSample[]): void => {
    samples = next;
    digitSelect.value = String(promptDigit(samples));
    saveSamples(samples).catch((e: unknown) => setText(status, `Could not keep the samples in this browser: ${e instanceof Error ? e.message : String(e)}`));
    showAll();
    void classifyAll();
  };

  const addSample = (image: Uint8Array): void => {
    const digit = Number(digitSelect.value);
    const id = `${Date.now().toString(36)}-${nextLocalId++}`;
    changeSamples([...samples, { id, digit, ordinal: nextOrdinal(samples, digit), image }]);
    // The fine-tune's kernels compile while the user draws the rest (the worker does it once per model).
    if (isIdle(ctx.state()) && ctx.state().modelReady) ctx.send({ type: 'fineTuneWarm', settings: tuneSettings() });
  };

  buttons.add.addEventListener('click', () => {
    const image = pad.image();
    if (!image) return setText(status, 'The pad is empty: draw the digit first.');
    setText(status, '');
    addSample(image);
    pad.clear();
  });
  el('[data-action="clear"]').addEventListener('click', () => pad.clear());
  digitSelect.addEventListener('change', () => setText(prompt, digitSelect.value));
  el<HTMLInputElement>('[data-role="upload"]').addEventListener('change', async (ev) => {
    const input = ev.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = '';
    const errors: string[] = [];
    for (const f of files) {
      try {
        addSample(await pictureField(f));
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
    setText(status, errors.join(' '));
  });
  el('[data-action="delete-all"]').addEventListener('click', () => {
    if (samples.length && confirm(`Delete all ${samples.length} samples?`)) changeSamples([]);
  });

  const tuneSettings = (): FineTuneSettings => ({ ...FINE_TUNE_DEFAULTS, steps: Number(steps.value) || FINE_TUNE_DEFAULTS.steps });

  buttons.tune.addEventListener('click', () => {
    const s = ctx.state();
    const short = digitsShort(samples);
    if (short.length) return setText(status, `Draw at least ${MIN_PER_DIGIT} of each digit first (${short.join(', ')} need more).`);
    const n = Number(steps.value);
    if (!Number.isInteger(n) || n < 1 || n > 2000) return setText(status, `Steps must be a whole number from 1 to 2000, got "${steps.value}".`);
    const channels = s.modelInput?.shape[2] ?? 1;
    const { train, heldBack } = splitSamples(samples);
    tuning = true;
    asked = { steps: n, trained: train.length };
    card.dataset.tune = 'running';
    activeBefore = s.active;
    result.hidden = true;
    progress.value = 0;
    setText(status, 'Starting…');
    ctx.update((st) => ({ ...st, busy: true }));
    ctx.send({ type: 'fineTune', train: samplesSplit(train, channels), heldBack: samplesSplit(heldBack, channels), settings: tuneSettings() });
  });
  buttons.stop.addEventListener('click', () => ctx.send({ type: 'fineTuneStop' }));
  buttons.revert.addEventListener('click', () => {
    const back = previous;
    if (!back?.event || !isIdle(ctx.state())) return;
    previous = undefined;
    void forgetTunedModel().catch(() => {});
    ctx.update((s) => busyStarted(s, back.active));
    ctx.send({ type: 'useWeights', model: back.event.spec, weights: back.event.weights, label: 'the model before fine-tuning' });
    setText(status, 'Going back to the model before fine-tuning…');
  });

  const onFineTune = (e: FineTuneEvent): void => {
    if (e.kind === 'step') return setText(status, e.text);
    if (e.kind === 'before') return setText(status, `Before: held-back ${pct(e.scores.heldBack)}, MNIST ${pct(e.scores.mnist)}. Fine-tuning…`);
    if (e.kind === 'progress') {
      progress.value = e.step / e.steps;
      return setText(status, `Fine-tuning: step ${e.step} of ${e.steps}, loss ${e.loss.toFixed(4)}`);
    }
    tuning = false;
    card.dataset.tune = e.kind === 'done' ? e.reason : 'failed';
    if (e.kind === 'failed') {
      ctx.update((s) => ({ ...s, busy: false }));
      return setText(status, `Fine-tuning failed: ${e.message}`);
    }
    if (e.reason === 'stopped' || !e.after) {
      ctx.update((s) => ({ ...s, busy: false }));
      return setText(status, 'Fine-tuning stopped: the model is unchanged.');
    }
    previous = { event: e.previous, active: activeBefore };
    tunedActive = { kind: 'trained', label: TUNED_LABEL };
    const named = tunedActive;
    const modelStatus = `Fine-tuned on your handwriting (${asked.steps} steps on ${asked.trained} samples mixed with MNIST).`;
    ctx.update((s) => ({ ...s, busy: false, pendingActive: named, modelStatus }));
    resultTable(result, e.before, e.after);
    result.hidden = false;
    const done = `Fine-tuned in ${e.seconds.toFixed(1)} s: the draw pad and the number reader now use the tuned model`;
    setText(status, `${done}.`);
    if (e.previous && e.tuned) {
      saveTunedModel(tunedModel(e.previous.spec, e.tuned, { weights: e.previous.weights, active: activeBefore }, modelStatus)).then(
        () => setText(status, `${done}, kept in this browser.`),
        (err: unknown) => setText(status, `${done}; it could not be kept in this browser (${err instanceof Error ? err.message : String(err)}): a reload goes back to the model before.`),
      );
    }
  };

  const adoptKeptTuned = (active: ActiveModel): void => {
    void loadTunedModel().then((t) => {
      if (!t || ctx.state().active !== active || previous) return;
      previous = { event: { spec: t.spec, weights: t.previous.weights }, active: t.previous.active };
      tunedActive = active;
      ctx.update((s) => ({ ...s, modelStatus: t.status }));
    });
  };

  const render = (s: PageState): void => {
    const idle = isIdle(s) && s.modelReady;
    buttons.tune.disabled = tuning || !idle;
    buttons.stop.hidden = !tuning;
    progress.hidden = !tuning;
    buttons.revert.hidden = !previous || tuning;
    buttons.revert.disabled = !isIdle(s);
    if (s.active !== lastActive) {
      lastActive = s.active;
      // Another model (trained, loaded) replaced the tuned one: nothing to go back from, nothing to keep.
      if (previous && tunedActive && s.active !== tunedActive) {
        previous = undefined;
        void forgetTunedModel().catch(() => {});
      }
      // The kept tuned model came back on arrival: going back works as before the reload.
      if (!previous && !tuning && s.active.kind === 'trained' && s.active.label === TUNED_LABEL) adoptKeptTuned(s.active);
    }
  };

  loadSamples(SIDE * SIDE)
    .catch(() => [] as HandwritingSample[]) // no IndexedDB (private mode): start empty
    .then((kept) => {
      samples = [...kept, ...samples];
      digitSelect.value = String(promptDigit(samples));
      showAll();
      void classifyAll();
    });

  return {
    render,
    onMessage(msg: WorkerToPage): void {
      if (classifier.onMessage(msg)) return;
      if (msg.type === 'fineTune') onFineTune(msg.event);
      if (msg.type === 'model-ready') void classifyAll();
    },
  };
}
