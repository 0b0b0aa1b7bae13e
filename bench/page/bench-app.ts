// bench.html: runs the suite of `npm run bench` (bench/bench-entry.ts) on this browser's
// adapter when asked, shows each section's progress and the results, and offers the JSON of
// `npm run bench -- --json FILE`.
import { fetchMnist } from '../../src/data/mnist.ts';
import { DATASET_URL_PATHS } from '../../src/data/datasets.ts';
import { download } from '../../src/ui/download.ts';
import { tuneView, tuneViewHtml } from '../../src/ui/tune-view.ts';
import { requireAutotuneMode, type AutotuneMode } from '../../src/tune/mode.ts';
import { runBench } from '../bench-entry.ts';
import { BENCH_BATCH, BENCH_INFER_BATCH, BENCH_SECTIONS, benchJson, benchRequest, type BenchJson, type BenchRequest, type BenchSection } from '../bench-protocol.ts';
import { kernelTable, throughputText, tunedStepText, validationTable, variantTable } from './bench-tables.ts';
import { stepChart } from './step-chart.ts';

/** A positive whole number from the page's query (`?batch=32&infer=100`, for slow adapters), else the default. */
function queryNumber(name: string, fallback: number): number {
  const raw = new URLSearchParams(location.search).get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`?${name}=${raw}: expected a whole number of at least 1`);
  return n;
}

/**
 * The CLI's request (src/cli/bench.ts), the quick box choosing `quick` and the autotune choice
 * `autotune` (as `--autotune`); the batches may be set in the query.
 */
const request = (quick: boolean, autotune: AutotuneMode): BenchRequest =>
  benchRequest({ quick, autotune, batch: queryNumber('batch', BENCH_BATCH), inferBatch: queryNumber('infer', BENCH_INFER_BATCH) });

/** The autotune choice of the page (off, on, refresh). */
function autotuneChoice(): AutotuneMode {
  return requireAutotuneMode($<HTMLSelectElement>('autotune-mode').value, 'autotune');
}

const SECTION_NAMES: Record<BenchSection, string> = {
  data: 'MNIST download',
  validation: 'validation',
  kernels: 'per-kernel table',
  variants: 'variants',
  train: 'training step',
  inference: 'inference',
  floor: 'arithmetic floor',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const runButton = $<HTMLButtonElement>('run');
const downloadButton = $<HTMLButtonElement>('download');
const status = $('status');
const results = $('results');
const autotune = $('autotune');
const sections = $('sections');
let last: BenchJson | undefined;

function showSections(current: number): void {
  sections.replaceChildren(
    ...BENCH_SECTIONS.map((s, i) => {
      const li = document.createElement('li');
      li.textContent = SECTION_NAMES[s];
      li.dataset.state = i < current ? 'done' : i === current ? 'running' : 'waiting';
      if (i === current) li.setAttribute('aria-current', 'step');
      return li;
    }),
  );
}

function heading(text: string): HTMLElement {
  const h = document.createElement('h2');
  h.textContent = text;
  return h;
}

function showResults(r: BenchJson): void {
  const para = (text: string) => Object.assign(document.createElement('p'), { textContent: text });
  const chartBox = document.createElement('div');
  chartBox.className = 'scroll';
  chartBox.append(stepChart(r.kernels));
  results.replaceChildren(
    heading(`Results on ${r.adapter.label}`),
    para(`Timing: ${r.timing === 'timestamp' ? 'timestamp queries' : 'wall clock'} · ${r.runtime}`),
    ...throughputText(r).map(para),
    heading(`Where a training step's kernel time goes (batch ${r.train.batch})`),
    chartBox,
    validationTable(r),
    kernelTable(`Kernels of a training step at batch ${r.train.batch}`, r.kernels, 'kernels'),
    kernelTable(`Inference kernels at batch ${r.infer.batch}`, r.inferKernels, 'infer-kernels'),
    variantTable(r),
  );
  results.hidden = false;
  showTuning(r);
}

/** The tuning (when the run tuned): the step with the tuned kernels beside the fixed rules', then the table. */
function showTuning(r: BenchJson): void {
  const tuned = r.autotune;
  autotune.hidden = !tuned;
  if (!tuned) return autotune.replaceChildren();
  const compare = document.createElement('p');
  compare.id = 'tuned-step';
  compare.textContent = tunedStepText(r.train, tuned.train);
  const table = document.createElement('div');
  table.innerHTML = tuneViewHtml(tuned.tuning, 'tuning');
  autotune.replaceChildren(heading(tuneView(tuned.tuning).heading), compare, table);
}

async function run(): Promise<void> {
  runButton.disabled = true;
  downloadButton.disabled = true;
  results.hidden = true;
  autotune.hidden = true;
  const quick = $<HTMLInputElement>('quick').checked;
  const started = performance.now();
  try {
    const result = await runBench(request(quick, autotuneChoice()), {
      gpu: navigator.gpu,
      loadData: () => fetchMnist(import.meta.env.BASE_URL + DATASET_URL_PATHS.mnist),
      onSection(section, index, count) {
        showSections(index);
        status.textContent = `Running section ${index + 1} of ${count}: ${SECTION_NAMES[section]}…`;
      },
    });
    last = benchJson(result, `browser: ${navigator.userAgent}`);
    showSections(BENCH_SECTIONS.length);
    const adapter = $('adapter');
    adapter.textContent = `Adapter: ${result.adapter.label}`;
    adapter.dataset.state = result.adapter.isFallback ? 'fallback' : 'ok';
    showResults(last);
    status.textContent = `Done in ${((performance.now() - started) / 1000).toFixed(0)} s on ${result.adapter.label}.`;
    downloadButton.disabled = false;
  } catch (e) {
    status.textContent = `The benchmark stopped: ${e instanceof Error ? e.message : String(e)}`;
    status.classList.add('fail');
  } finally {
    runButton.disabled = false;
  }
}

runButton.addEventListener('click', () => {
  status.classList.remove('fail');
  void run();
});
downloadButton.addEventListener('click', () => {
  if (last) download(`bench-${last.date.replace(/[:.]/g, '-')}.json`, new Blob([`${JSON.stringify(last, null, 2)}\n`], { type: 'application/json' }));
});
showSections(-1);
