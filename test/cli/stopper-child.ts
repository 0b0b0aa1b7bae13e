// Test fixture for signals.test.ts: a process that waits under a RunStopper and reports what
// stopped it ("stopped SIGTERM"), exiting with the signal's code.
import { exitCodeFor, RunStopper } from '../../src/cli/signals.ts';

new RunStopper((signal) => {
  process.stdout.write(`stopped ${signal}\n`, () => process.exit(exitCodeFor(signal)));
}).install();
process.stdout.write(`ready ${process.pid}\n`);
setInterval(() => {}, 1000);
