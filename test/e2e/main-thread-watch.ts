// How responsive the page's main thread stays, for the page tests: from `watchMainThread` on,
// every pointer move's wait (from the event's time stamp until the page's first listener runs:
// how long the main thread kept it waiting) and its handling (until the last listener is
// done), the long tasks (over 50 ms), the time the explain card took to draw each explanation
// (its 'explain card: draw' measures) and the value its data-epoch took with each (the
// explanations shown during a run).
import type { Page } from 'playwright';

export interface MainThreadReport {
  /** Per pointer move, ms: its wait for the main thread, and its wait plus its handling; sorted. */
  moveWaits: number[];
  moveTimes: number[];
  /** Durations (ms) of the long tasks, sorted. */
  longTasks: number[];
  /** Durations (ms) of the explain card's drawing of each explanation, sorted. */
  explainDraws: number[];
  /** The explain card's data-epoch after each explanation shown. */
  explainedEpochs: string[];
}

type Watch = Omit<MainThreadReport, 'moveTimes'> & { moveTimes: number[]; stop(): void };

export async function watchMainThread(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w: Watch = { moveWaits: [], moveTimes: [], longTasks: [], explainDraws: [], explainedEpochs: [], stop: () => undefined };
    let started = 0;
    const first = (e: Event) => {
      started = performance.now();
      w.moveWaits.push(started - e.timeStamp);
    };
    const last = (e: Event) => w.moveTimes.push(performance.now() - e.timeStamp);
    addEventListener('pointermove', first, { capture: true });
    addEventListener('pointermove', last);
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.entryType === 'longtask') w.longTasks.push(e.duration);
        else if (e.name === 'explain card: draw') w.explainDraws.push(e.duration);
      }
    });
    observer.observe({ entryTypes: ['longtask', 'measure'] });
    const card = document.getElementById('explain-card')!;
    const shown = new MutationObserver(() => w.explainedEpochs.push(card.dataset.epoch ?? ''));
    shown.observe(card, { attributes: true, attributeFilter: ['data-epoch'] });
    w.stop = () => {
      removeEventListener('pointermove', first, { capture: true });
      removeEventListener('pointermove', last);
      observer.disconnect();
      shown.disconnect();
    };
    (globalThis as unknown as { mainThreadWatch: Watch }).mainThreadWatch = w;
  });
}

/** Stops the watch and says what it saw. */
export function mainThreadReport(page: Page): Promise<MainThreadReport> {
  return page.evaluate(() => {
    const w = (globalThis as unknown as { mainThreadWatch: Watch }).mainThreadWatch;
    w.stop();
    const sorted = (v: number[]) => v.slice().sort((a, b) => a - b);
    return { moveWaits: sorted(w.moveWaits), moveTimes: sorted(w.moveTimes), longTasks: sorted(w.longTasks), explainDraws: sorted(w.explainDraws), explainedEpochs: w.explainedEpochs };
  });
}

/** "median 2 ms, 95th percentile 9 ms, longest 31 ms (120)" of sorted durations. */
export function durations(v: readonly number[]): string {
  if (v.length === 0) return 'none';
  const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))].toFixed(0);
  return `median ${at(0.5)} ms, 95th percentile ${at(0.95)} ms, longest ${v[v.length - 1].toFixed(0)} ms (${v.length})`;
}
