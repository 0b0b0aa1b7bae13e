// Node-only: the one GPU run of a command that trains nothing (`npm run evaluate`, `npm run
// predict`): the config on the back end chosen (headless Chromium, or Dawn with --node), a
// signal ending it cleanly (what was opened is closed, then the signal's exit code), and
// everything opened closed once it is done.
import type { AdapterChoice } from './adapter-choice.ts';
import { runCleanup, runInBrowser, runInNode, type BackendRun, type Cleanup, type SuccessfulResult } from './backends.ts';
import type { EventPrinter } from './event-printer.ts';
import type { HeadlessConfig } from './protocol.ts';
import { exitCodeFor, RunStopper } from './signals.ts';

export async function runOnce(config: HeadlessConfig, printer: EventPrinter, where: { node: boolean; adapter: AdapterChoice }): Promise<SuccessfulResult> {
  const cleanup: Cleanup = [];
  const stopper = new RunStopper((signal) => {
    void runCleanup(cleanup, 3000).then(() => process.exit(exitCodeFor(signal)));
  }).install();
  const run: BackendRun = { config, printer, cleanup, checkpoint: async () => {} };
  try {
    return where.node ? await runInNode(run) : await runInBrowser(run, where.adapter);
  } finally {
    stopper.dispose();
    await runCleanup(cleanup);
  }
}
