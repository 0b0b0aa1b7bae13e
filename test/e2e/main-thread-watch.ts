// How responsive the page's main thread stays, for the page tests: from `watchMainThread` on,
// every pointermove's handling as the Event Timing API reports it (its duration: from the
// event to the next paint, in 8 ms steps, for those of 16 ms or more), the long tasks (over
// 50 ms), and each value the explain card's data-epoch took (the explanations shown during a run).
import type { Page } from 'playwright';

export interface MainThreadReport {
  /** Pointer moves dispatched. */
  moves: number;
  /** Durations (ms) of the moves that took 16 ms or more, sorted. */
  slowMoves: number[];
  /** Durations (ms) of the long tasks, sorted. */
  longTasks: number[];
  /** The explain card's data-epoch after each explanation shown. */
  explainedEpochs: string[];
}

type Watch = { moves: number; slowMoves: number[]; longTasks: number[]; explainedEpochs: string[]; stop(): void };

export async function watchMainThread(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w: Watch = { moves: 0, slowMoves: [], longTasks: [], explainedEpochs: [], stop: () => undefined };
    const count = () => w.moves++;
    addEventListener('pointermove', count, { capture: true });
    const events = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'pointermove') w.slowMoves.push(e.duration);
    });
    events.observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);
    const tasks = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    });
    tasks.observe({ type: 'longtask' });
    const card = document.getElementById('explain-card')!;
    const shown = new MutationObserver(() => w.explainedEpochs.push(card.dataset.epoch ?? ''));
    shown.observe(card, { attributes: true, attributeFilter: ['data-epoch'] });
    w.stop = () => {
      removeEventListener('pointermove', count, { capture: true });
      events.disconnect();
      tasks.disconnect();
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
    return { moves: w.moves, slowMoves: sorted(w.slowMoves), longTasks: sorted(w.longTasks), explainedEpochs: w.explainedEpochs };
  });
}
