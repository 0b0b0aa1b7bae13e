// The number reader panel: a wide pad to write several digits on, or a picture (uploaded,
// dropped or taken with the camera); its digits are segmented and every candidate digit
// classified in one batch by `classify` (read-picture.ts), and shown with a box and
// confidence each (reading-view.ts). Self-contained: the page gives it a container and a
// classifier.
import { grayscaleFromRgba } from '../segment.ts';
import { StrokePad } from '../stroke-pad.ts';
import { cameraAvailable, captureFrame, drawImageFile, startCamera } from './image-source.ts';
import { describeReading, UNCERTAIN_BELOW } from './read-number.ts';
import { type BatchClassifier, readPicture, TooManyMarksError } from './read-picture.ts';
import { layoutLabels, showBoxes, showFields, type WhyDigit } from './reading-view.ts';
import './numbers.css';

export type { BatchClassifier } from './read-picture.ts';

export interface NumberReader {
  /** Reads the pad again (call when the model changed). */
  refresh(): void;
}

/** The pad's size in canvas pixels when nothing else was loaded into it. */
const PAD_WIDTH = 840;
const PAD_HEIGHT = 280;
/** Quiet time after a stroke before the pad is read (more digits may follow). */
const READ_DELAY_MS = 350;

const TEMPLATE = `
  <h2 id="numbers-title">Read a written number</h2>
  <p class="hint">Write several digits side by side, or upload, drop or photograph handwriting. Each digit is cut out,
    made 28×28 as MNIST's digits were, and classified; digits written touching are cut where the model reads them best.
    A digit under ${Math.round(UNCERTAIN_BELOW * 100)}% confidence, or touching strokes that could be cut more than one way, is shown as “?” with what it might be.</p>
  <div class="number-stage">
    <canvas class="number-pad" width="${PAD_WIDTH}" height="${PAD_HEIGHT}" role="img"
      aria-label="Number pad: write digits here with a mouse, pen or finger, or drop a picture of handwriting"></canvas>
    <video class="number-camera" playsinline muted hidden aria-label="Camera preview"></video>
    <div class="number-boxes" aria-hidden="true"></div>
  </div>
  <div class="buttons">
    <button type="button" data-action="clear" aria-label="Clear the number pad">Clear</button>
    <label class="file-button">Upload a picture… <input type="file" accept="image/*" aria-label="Upload a picture of handwritten digits" /></label>
    <button type="button" data-action="camera" hidden>Take a photo</button>
    <button type="button" data-action="capture" class="primary" hidden>Capture</button>
    <button type="button" data-action="cancel-camera" hidden>Cancel</button>
  </div>
  <p class="number-result" role="status" aria-live="polite"></p>
  <div class="number-fields digits" role="group" aria-label="What the model sees for each digit"></div>
`;

/**
 * Mounts the reader in `root`; `why`, where given, is called with a digit's field when its
 * Why? button is pressed.
 */
export function mountNumberReader(root: HTMLElement, classify: BatchClassifier, why?: WhyDigit): NumberReader {
  root.innerHTML = TEMPLATE;
  root.setAttribute('aria-labelledby', 'numbers-title');
  const q = <T extends Element>(selector: string) => root.querySelector(selector) as T;
  const canvas = q<HTMLCanvasElement>('.number-pad');
  const boxes = q<HTMLElement>('.number-boxes');
  const result = q<HTMLElement>('.number-result');
  const fields = q<HTMLElement>('.number-fields');

  let timer: ReturnType<typeof setTimeout> | undefined;
  let blank = true; // nothing drawn or loaded since the last Clear
  let generation = 0; // a newer read makes an older one's answer stale
  // labels are placed for the size they are shown at
  new ResizeObserver(() => layoutLabels(boxes)).observe(boxes);
  const setState = (state: 'empty' | 'reading' | 'read' | 'error', text: string) => {
    root.dataset.state = state;
    result.textContent = text;
  };
  const forget = () => {
    generation++;
    clearTimeout(timer);
    boxes.replaceChildren();
    fields.replaceChildren();
  };

  const read = async () => {
    const mine = ++generation;
    const { width, height } = canvas;
    let image;
    try {
      const rgba = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, width, height).data;
      image = grayscaleFromRgba(rgba, width, height);
    } catch (e) {
      return setState('error', `Could not read the picture: ${errorText(e)}`);
    }
    try {
      const { segmentation, reading } = await readPicture(image, classify, (s) => {
        const units = s.lines.reduce((n, l) => n + l.units.length, 0);
        setState('reading', `Reading ${units} mark${units === 1 ? '' : 's'}…`);
      });
      if (mine !== generation) return;
      if (!reading) {
        forget();
        delete root.dataset.number;
        return setState('empty', 'No digits found.');
      }
      showBoxes(boxes, reading, width, height);
      showFields(fields, reading, reading.digits.map((d) => segmentation.candidates[d.candidate].pixels), why);
      const polarity = segmentation.inverted ? '' : ' Light ink on a dark ground.';
      setState('read', describeReading(reading) + polarity);
      root.dataset.number = reading.text;
    } catch (e) {
      if (mine !== generation) return;
      if (e instanceof TooManyMarksError) setState('error', e.message);
      else setState('error', `Could not classify the digits: ${errorText(e)}`);
    }
  };
  const readSoon = (delay = READ_DELAY_MS) => {
    clearTimeout(timer);
    timer = setTimeout(() => void read(), delay);
  };

  new StrokePad(canvas, {
    // strokes as thick, for the digits' height, as MNIST's pen; a picture's height may be anything
    lineWidth: (c) => Math.max(3, Math.round(Math.min(c.width / 3, c.height) / 14)),
    onStrokeStart: () => clearTimeout(timer),
    onStrokeEnd: () => {
      blank = false;
      readSoon();
    },
  });

  const clear = () => {
    forget();
    canvas.width = PAD_WIDTH; // resizing also clears
    canvas.height = PAD_HEIGHT;
    blank = true;
    delete root.dataset.number;
    setState('empty', '');
  };
  const loadFile = async (file: File | undefined) => {
    if (!file) return;
    forget();
    try {
      await drawImageFile(canvas, file);
    } catch (e) {
      return setState('error', errorText(e));
    }
    blank = false;
    void read();
  };

  q<HTMLButtonElement>('[data-action="clear"]').addEventListener('click', clear);
  const input = q<HTMLInputElement>('input[type="file"]');
  input.addEventListener('change', () => {
    void loadFile(input.files?.[0]);
    input.value = ''; // the same file chosen again is read again
  });
  wireDrop(q<HTMLElement>('.number-stage'), loadFile);
  wireCamera(root, canvas, q<HTMLVideoElement>('.number-camera'), {
    before: forget,
    after: () => {
      blank = false;
      void read();
    },
    fail: (text) => setState('error', text),
  });
  setState('empty', '');
  return {
    refresh() {
      if (!blank) readSoon(0);
    },
  };
}

function wireDrop(stage: HTMLElement, loadFile: (file: File | undefined) => Promise<void>): void {
  stage.addEventListener('dragover', (e) => {
    e.preventDefault();
    stage.classList.add('dropping');
  });
  stage.addEventListener('dragleave', () => stage.classList.remove('dropping'));
  stage.addEventListener('drop', (e) => {
    e.preventDefault();
    stage.classList.remove('dropping');
    void loadFile(e.dataTransfer?.files[0]);
  });
}

interface CameraHooks {
  before(): void;
  after(): void;
  fail(text: string): void;
}

/** "Take a photo" (shown only where a camera can be asked for): preview, then Capture or Cancel. */
function wireCamera(root: HTMLElement, canvas: HTMLCanvasElement, video: HTMLVideoElement, hooks: CameraHooks): void {
  const button = (action: string) => root.querySelector(`[data-action="${action}"]`) as HTMLButtonElement;
  const [take, capture, cancel] = [button('camera'), button('capture'), button('cancel-camera')];
  take.hidden = !cameraAvailable();
  let camera: { stop(): void } | undefined;
  const previewing = (on: boolean) => {
    video.hidden = !on;
    canvas.hidden = on;
    capture.hidden = cancel.hidden = !on;
    take.hidden = on || !cameraAvailable();
  };
  const stop = () => {
    camera?.stop();
    camera = undefined;
    previewing(false);
  };
  take.addEventListener('click', async () => {
    hooks.before();
    try {
      camera = await startCamera(video);
      previewing(true);
      capture.focus();
    } catch (e) {
      stop();
      hooks.fail(`The camera could not be started: ${errorText(e)}`);
    }
  });
  capture.addEventListener('click', () => {
    try {
      captureFrame(canvas, video);
    } catch (e) {
      return hooks.fail(errorText(e));
    } finally {
      stop();
    }
    hooks.after();
  });
  cancel.addEventListener('click', stop);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
