// Test fixture for signals.test.ts: a process that, once a RunStopper hears a stop signal, ends
// by that signal itself (endBySignal); exit code 99 would mean it did not.
import { endBySignal, RunStopper } from '../../src/cli/signals.ts';

new RunStopper((signal) => {
  endBySignal(signal);
  setTimeout(() => process.exit(99), 2000);
}).install();
process.stdout.write(`ready ${process.pid}\n`);
setInterval(() => {}, 1000);
