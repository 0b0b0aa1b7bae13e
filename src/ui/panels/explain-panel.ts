// The "Inside the network" card: two views of a picture, computed in the worker
// (explain-service.ts) while a view is open and the card on screen. The picture is the drawing
// on the pad, or the one a Why? button elsewhere asked about (a digit of a number read, a
// test image the model got wrong: state.explainSubject), whichever came last. "Layers": every
// layer's output (layers-figure.ts) and every convolution's filters; "Why?": the saliency
// and Grad-CAM heat maps beside the picture for the guess or a chosen class, Grad-CAM on a
// chosen convolution (src/explain/explanation-png.ts's picture), with the top classes. While
// a run trains, the open views show each finished epoch's model (one explanation an epoch).
// One explanation is in flight at a time; the latest picture is explained next, so drawing
// stays as quick as ever. Each view saves as a PNG.
import { explanationRaster, explanationText } from '../../explain/explanation-png.ts';
import type { Explanation } from '../../explain/explainer.ts';
import { downloadPng } from '../figures.ts';
import { drawLayersFigure, layerTitle } from '../layers-figure.ts';
import { byId, type Panel, type PanelContext } from '../panel.ts';
import type { ModelInput } from '../protocol.ts';
import type { ExplainSubject, PageState } from '../state.ts';

const MARKUP = `
  <h2 id="explain-title">Inside the network</h2>
  <p class="hint" data-role="status">Draw a digit, or press Why? beside a digit read or a test image, then open a view: what each layer makes of it, and which pixels decide the guess.</p>
  <p class="hint" data-role="subject" aria-live="polite"></p>
  <details data-view="layers">
    <summary>Layers</summary>
    <div class="buttons"><button type="button" data-action="save-layers" disabled>Save PNG</button></div>
    <ol class="layer-shapes"></ol>
    <canvas class="explain-figure" data-figure="layers" role="img" aria-label="Each layer's output for the explained picture, and each convolution's filters"></canvas>
  </details>
  <details data-view="why">
    <summary>Why?</summary>
    <div class="buttons">
      <label>Explain <select data-role="class"><option value="">the guess</option></select></label>
      <label>Grad-CAM on <select data-role="cam-layer"><option value="">the last convolution</option></select></label>
      <button type="button" data-action="save-why" disabled>Save PNG</button>
    </div>
    <canvas class="explain-figure" data-figure="why" role="img" aria-label="The digit, its saliency heat map and its Grad-CAM heat map, and the class probabilities"></canvas>
    <p class="hint" data-role="caption"></p>
  </details>`;

function part<T extends HTMLElement>(root: HTMLElement, selector: string): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`the explain card has no ${selector}`);
  return el;
}

const DRAWING = 'the drawing on the pad';

/** The Conv2D layers of an explanation's model, in order (the Grad-CAM choices). */
function convLayers(e: Explanation): string[] {
  return e.featureMaps.filter((m) => m.type === 'Conv2D').map((m) => m.layer);
}

function option(value: string, text: string): HTMLOptionElement {
  return Object.assign(document.createElement('option'), { value, textContent: text });
}

export function createExplainPanel(ctx: PanelContext): Panel {
  const card = byId('explain-card');
  card.dataset.state = 'empty';
  card.innerHTML = MARKUP;
  const views = [part<HTMLDetailsElement>(card, '[data-view="layers"]'), part<HTMLDetailsElement>(card, '[data-view="why"]')];
  const status = part(card, '[data-role="status"]');
  const subjectLine = part(card, '[data-role="subject"]');
  const classPick = part<HTMLSelectElement>(card, '[data-role="class"]');
  const camPick = part<HTMLSelectElement>(card, '[data-role="cam-layer"]');
  const shapes = part(card, '.layer-shapes');
  const layersCanvas = part<HTMLCanvasElement>(card, '[data-figure="layers"]');
  const whyCanvas = part<HTMLCanvasElement>(card, '[data-figure="why"]');
  const caption = part(card, '[data-role="caption"]');
  const saveLayers = part<HTMLButtonElement>(card, '[data-action="save-layers"]');
  const saveWhy = part<HTMLButtonElement>(card, '[data-action="save-why"]');

  let input: ModelInput | undefined;
  let drawing: Uint8Array | null = null;
  let asked: ExplainSubject | undefined; // the last Why? subject seen in the state
  let subject: ExplainSubject | null = null; // what the views explain
  let model: unknown;
  let epochs = 0; // epochs of the current run seen
  let ready = false;
  let visible = false; // the card is on screen
  let dirty = false; // the picture, a choice, the model or its weights changed since the last request
  let inFlight = 0; // id of the request being answered (0: none)
  let nextId = 1;
  let sent: ExplainSubject | null = null;
  let sentEpoch = 0; // the run's finished epochs when the shown explanation was asked for (0: not during a run)
  let convs: string[] = []; // the Conv2D layers of the model last explained

  const request = (): void => {
    if (inFlight || !dirty || !ready || !subject || !visible || !views.some((v) => v.open)) return;
    dirty = false;
    inFlight = nextId++;
    sent = subject;
    sentEpoch = epochs;
    const classIndex = classPick.value === '' ? undefined : Number(classPick.value);
    card.dataset.state = 'working';
    ctx.send({ type: 'explain', id: inFlight, image: subject.image, classIndex, camLayer: camPick.value || undefined }); // '': the last convolution
  };
  const changed = (): void => {
    dirty = true;
    request();
  };
  const explainNow = (next: ExplainSubject | null): void => {
    subject = next;
    subjectLine.textContent = next ? `Explaining ${next.title}.` : '';
    card.dataset.subject = next?.title ?? '';
    dirty = true;
  };
  for (const v of views) {
    v.addEventListener('toggle', () => {
      drawOpenFigures();
      request();
    });
  }
  classPick.addEventListener('change', changed);
  camPick.addEventListener('change', changed);
  saveLayers.addEventListener('click', () => downloadPng(layersCanvas, 'layers.png'));
  saveWhy.addEventListener('click', () => downloadPng(whyCanvas, 'why.png'));
  new IntersectionObserver((entries) => {
    visible = entries.some((e) => e.isIntersecting);
    request();
  }).observe(card);

  /** The Grad-CAM choices: the model's convolutions (the choice kept where the model still has it). */
  const offerConvs = (names: string[]): void => {
    if (names.join() === convs.join()) return;
    convs = names;
    const kept = names.includes(camPick.value) ? camPick.value : '';
    camPick.replaceChildren(option('', `the last convolution${names.length ? ` (${names[names.length - 1]})` : ''}`), ...names.map((n) => option(n, n)));
    camPick.value = kept;
  };

  type Filters = Parameters<typeof drawLayersFigure>[2];
  let shown: { e: Explanation; image: Uint8Array; filters: Filters; drawn: [layers: boolean, why: boolean] } | undefined;
  const show = (e: Explanation, image: Uint8Array, filters: Filters): void => {
    if (!input?.shape) return;
    offerConvs(convLayers(e));
    shapes.replaceChildren(...e.featureMaps.map((m) => Object.assign(document.createElement('li'), { textContent: layerTitle(m) })));
    // Each figure is drawn while its view is open (opening a view draws the latest explanation).
    shown = { e, image, filters, drawn: [false, false] };
    drawOpenFigures();
    caption.textContent = captionOf(e);
    card.dataset.classIndex = String(e.classIndex);
    saveLayers.disabled = saveWhy.disabled = false;
  };
  const drawOpenFigures = (): void => {
    const shape = input?.shape;
    if (!shown || !shape) return;
    const start = performance.now();
    const { e, image, filters, drawn } = shown;
    if (views[0].open && !drawn[0]) {
      drawLayersFigure(layersCanvas, e.featureMaps, filters);
      drawn[0] = true;
    }
    if (views[1].open && !drawn[1]) {
      drawWhyFigure(e, image, shape);
      drawn[1] = true;
    }
    performance.measure('explain card: draw', { start }); // the main thread's time per explanation (devtools, the page tests)
  };
  const drawWhyFigure = (e: Explanation, image: Uint8Array, shape: ModelInput['shape']): void => {
    const r = explanationRaster(e, { values: image, shape }, { scale: Math.max(1, Math.round(112 / Math.max(shape[0], shape[1]))) });
    whyCanvas.width = r.width;
    whyCanvas.height = r.height;
    const picture = new ImageData(r.width, r.height);
    for (let i = 0, n = r.width * r.height; i < n; i++) {
      picture.data[4 * i] = r.data[3 * i];
      picture.data[4 * i + 1] = r.data[3 * i + 1];
      picture.data[4 * i + 2] = r.data[3 * i + 2];
      picture.data[4 * i + 3] = 255;
    }
    whyCanvas.getContext('2d')?.putImageData(picture, 0, 0);
  };
  const captionOf = (e: Explanation): string => {
    const cam = e.gradCam && `${e.gradCam.layer === convs[convs.length - 1] ? 'last convolution' : 'convolution'} (${e.gradCam.layer})`;
    return `${explanationText(e)}. Left: the picture as the model sees it; middle: how much each pixel moves the score of ${e.classIndex}; right: where the ${cam ?? 'network'} looks.`;
  };

  return {
    render(s: PageState): void {
      ready = s.modelReady;
      if (s.modelInput !== input) {
        input = s.modelInput;
        const classes = input?.classes ?? 0;
        classPick.replaceChildren(option('', 'the guess'), ...Array.from({ length: classes }, (_, k) => option(String(k), `class ${k}`)));
        dirty = true;
      }
      if (s.active !== model) {
        model = s.active;
        dirty = true;
      }
      // Each finished epoch of a run: the open views show the model as it is now.
      const done = s.running ? (s.run?.history.length ?? 0) : 0;
      if (done !== epochs) {
        epochs = done;
        if (done > 0) dirty = true;
      }
      if (s.drawing !== drawing) {
        drawing = s.drawing;
        if (drawing) explainNow({ image: drawing, title: DRAWING });
        else if (subject?.title === DRAWING) explainNow(null);
      }
      if (s.explainSubject !== asked) {
        asked = s.explainSubject;
        if (asked) {
          explainNow(asked);
          classPick.value = ''; // the picture's own guess first
          views[1].open = true;
          card.scrollIntoView({ block: 'start' });
          part<HTMLElement>(views[1], 'summary').focus({ preventScroll: true });
        }
      }
      status.hidden = !!subject && ready;
      request();
    },
    onMessage(msg): void {
      if ((msg.type !== 'explanation' && msg.type !== 'explanationFailed') || msg.id !== inFlight) return;
      inFlight = 0;
      if (msg.type === 'explanation' && sent) {
        show(msg.answer.explanation, sent.image, msg.answer.filters);
        card.dataset.explained = sent.title;
        card.dataset.epoch = String(sentEpoch);
        card.dataset.state = 'ready';
      } else if (msg.type === 'explanationFailed') {
        status.hidden = false;
        status.textContent = `No explanation: ${msg.message}`;
        card.dataset.state = 'error';
      }
      request(); // the picture may have changed meanwhile
    },
  };
}
