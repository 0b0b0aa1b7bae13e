// End-to-end tests of how `npm run train` keeps its work (tiny real runs, SwiftShader): a
// signal at any moment (right after an epoch line, mid-write, mid-epoch; to the whole process
// group, the training process or Chromium first) stops the run within seconds keeping every
// epoch it announced and saying so, --resume then ends with the uninterrupted run's weights.bin
// byte for byte, no process of the run outlives it, one run at a time writes an --out, a
// diverging run stops naming the step with nothing non-finite written, a lost GPU process is
// survived by resuming from the checkpoint, and bad --out / --init / --resume fail at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFiles, saveModelFiles } from '../../src/io/files.ts';
import { initParams } from '../../src/model/init.ts';
import { descendants, stillAlive, type Proc } from './process-tree.ts';
import { runProcess, type Run } from './run-process.ts';
import { DEFAULT_MODEL } from '../../src/model/presets.ts';
import { CHECKPOINT_FILE, CHECKPOINT_PAUSE_ENV, readCheckpoint } from '../../src/cli/checkpoint.ts';
import { LOCK_FILE } from '../../src/cli/out-lock.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/**
 * A short run of a small model with the general layers (test/fixtures/models/small-cnn.json:
 * strided 'same' Conv2D, BatchNormalization, AveragePooling2D, Dropout, two Dense; 3,378
 * parameters): 2,700 training images (22 steps of 128), 300 validation, 200 test images. About
 * 0.6 s an epoch and 8 s of start-up on SwiftShader, where the seed's network takes 25 s to build.
 */
const TINY = ['--model', join(ROOT, 'test', 'fixtures', 'models', 'small-cnn.json'), '--limit', '3000', '--test-limit', '200'];
/** How long after a stop signal no process of the run may be left. */
const NOTHING_LEFT_AFTER_MS = 10_000;

function npmTrain(args: string[]): string[] {
  return ['run', '--silent', 'train', '--', ...args];
}

function train(args: string[]): Promise<Run> {
  return runProcess('npm', npmTrain(args), { cwd: ROOT, env: process.env });
}

interface Background {
  child: ChildProcess;
  output(): Run;
  done: Promise<Run>;
}

/** Starts `npm run train` without waiting for it, in a process group of its own (as a terminal's job). */
function startTrain(args: string[], env: NodeJS.ProcessEnv = {}): Background {
  const child = spawn('npm', npmTrain(args), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((ok, fail) => {
    child.on('error', fail);
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
  return { child, output: () => ({ code: child.exitCode, stdout, stderr }), done };
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** Waits for `path` to exist (a finished epoch's checkpoint); fails if the run ends first. */
async function waitForFile(path: string, run: Background): Promise<void> {
  while (!(await exists(path))) {
    if (run.child.exitCode !== null) throw new Error(`the run ended first:\n${run.output().stdout}\n${run.output().stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Ends the run's processes that are left (so a failing test leaves none either) and lists them. */
function leftOver(tree: Proc[]): string[] {
  const alive = stillAlive(tree);
  for (const p of alive) process.kill(p.pid, 'SIGKILL');
  return alive.map((p) => `${p.pid} ${p.cmd.slice(0, 120)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'train-keep-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const historyOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'history.json'), 'utf8'));
const withoutSeconds = (epochs: Record<string, unknown>[]) => epochs.map(({ seconds: _, ...rest }) => rest);
const STOP_LINE = /^Stopped after epoch (\d+); resume with --resume$/m;

/** Enough epochs that a signal sent after the first checkpoint lands mid-run. */
const EPOCHS = 6;
const RUN = ['--epochs', String(EPOCHS), ...TINY];

/** The uninterrupted run the stopped ones must equal (started once, on first use). */
let straightRun: Promise<string> | undefined;
function straight(): Promise<string> {
  straightRun ??= tempDir().then(async (dir) => {
    const run = await train([...RUN, '--out', dir]);
    expect(run.code, run.stderr).toBe(0);
    return dir;
  });
  return straightRun;
}

/** Expects `out` to hold the uninterrupted run's weights.bin byte for byte and its history. */
async function expectSameAsStraight(out: string): Promise<void> {
  const reference = await straight();
  const [a, b] = await Promise.all([readFile(join(reference, 'weights.bin')), readFile(join(out, 'weights.bin'))]);
  expect(a.equals(b)).toBe(true);
  const [ha, hb] = await Promise.all([historyOf(reference), historyOf(out)]);
  expect(withoutSeconds(hb.epochs)).toEqual(withoutSeconds(ha.epochs));
  expect(hb.test).toEqual(ha.test);
}

/** The last epoch a run's stdout announced (an epoch line under its `Epoch N/E` header); 0 for none. */
function lastAnnounced(stdout: string): number {
  let header = 0;
  let announced = 0;
  for (const line of stdout.split('\n')) {
    const m = /^Epoch (\d+)\//.exec(line);
    if (m) header = Number(m[1]);
    else if (line.includes(' - val_accuracy: ')) announced = header;
  }
  return announced;
}

interface Stopped extends Run {
  /** The last epoch announced on stdout, by this run or the one it resumed. */
  announced: number;
  /** The epoch of --out's checkpoint.bin after the run. */
  kept: number;
  tree: Proc[];
  /** When the signal was sent (performance.now()). */
  signalled: number;
}

interface StopOptions {
  /** Who gets the SIGINT: the whole process group, as Ctrl-C in a terminal sends it (npm, node and Chromium), or the training process alone. */
  to: 'group' | 'trainer';
  env?: NodeJS.ProcessEnv;
  /** The epoch the run resumes from. */
  from?: number;
}

/** The node process running train.ts in a run's tree. */
const trainerIn = (tree: Proc[]) => tree.find((p) => p.cmd.includes('src/cli/train.ts'))!;

/**
 * Runs `npm run train` and, once `moment` holds (checked every 20 ms), sends SIGINT. Checks
 * what every stop must leave: exit 130 within seconds, the stop line last on stderr (alone
 * when only the training process got the signal) naming the checkpoint's epoch, every epoch
 * announced on stdout kept, finite weights, no lock and no temporary file.
 */
async function stopAt(args: string[], out: string, moment: (stdout: string, npmPid: number) => Promise<boolean>, options: StopOptions): Promise<Stopped> {
  const started = performance.now();
  const run = startTrain([...args, '--out', out], options.env);
  let tree: Proc[] = [];
  let signalled = 0;
  while (run.child.exitCode === null) {
    if (await moment(run.output().stdout, run.child.pid!)) {
      tree = descendants(run.child.pid!);
      process.kill(options.to === 'group' ? -run.child.pid! : trainerIn(tree).pid, 'SIGINT');
      signalled = performance.now();
      break;
    }
    await sleep(20);
  }
  const ended = await run.done;
  expect(signalled, `the run ended before the moment came:\n${ended.stdout}\n${ended.stderr}`).toBeGreaterThan(0);
  expect(performance.now() - signalled).toBeLessThan(NOTHING_LEFT_AFTER_MS);
  const kept = (await readCheckpoint(out))?.state.epoch ?? 0;
  const announced = lastAnnounced(ended.stdout) || (options.from ?? 0);
  console.log(`stopped after ${((performance.now() - started) / 1000).toFixed(1)} s (${announced} announced, ${kept} kept):\n${ended.stderr}`);
  expect(ended.code, ended.stderr).toBe(130);
  const line = kept > 0 ? `Stopped after epoch ${kept}; resume with --resume` : 'Stopped before epoch 1 finished; nothing was saved';
  expect(options.to === 'group' ? ended.stderr.trimEnd().split('\n').at(-1) : ended.stderr.trim()).toBe(line);
  expect(kept).toBeGreaterThanOrEqual(announced);
  if (kept > 0) expect((await historyOf(out)).epochs).toHaveLength(kept);
  if (kept > 0) expect((await loadModelFiles(out)).params.every(Number.isFinite)).toBe(true);
  if (options.from) expect(ended.stdout).not.toContain(`Epoch 1/${EPOCHS}`);
  expect(ended.stdout).not.toContain('Restarting');
  expect((await readdir(out)).filter((f) => f === LOCK_FILE || f.includes('.tmp-'))).toEqual([]);
  return { ...ended, announced, kept, tree, signalled };
}

describe('npm run train keeps every finished epoch', () => {
  it('stopped right after an epoch line (Ctrl-C), mid-write (SIGINT to the training process) and mid-epoch (Chromium first, then Ctrl-C), and resumed each time, it ends byte-identical to an uninterrupted run; a second run on the same --out is refused', async () => {
    const reference = straight();
    reference.catch(() => {});
    const out = join(await tempDir(), 'chain');
    const t0 = performance.now();

    // Ctrl-C right after the first epoch line; meanwhile a second run given the same --out is refused.
    let refusal: Promise<Run & { seconds: number; holder: number }> | undefined;
    const first = await stopAt(
      RUN,
      out,
      async (stdout, npmPid) => {
        if (!refusal && (await exists(join(out, LOCK_FILE)))) {
          const started = performance.now();
          const holder = trainerIn(descendants(npmPid)).pid;
          refusal = train([...RUN, '--out', out]).then((r) => ({ ...r, seconds: (performance.now() - started) / 1000, holder }));
        }
        return lastAnnounced(stdout) >= 1;
      },
      { to: 'group' },
    );
    expect(first.announced).toBe(1);
    const refused = await refusal!;
    console.log(`second run refused in ${refused.seconds.toFixed(1)} s: ${refused.stderr}`);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      `error: --out ${out}: in use by another run of npm run train (pid ${refused.holder}, lock file ${join(out, LOCK_FILE)}); wait for it to end or stop it. Run \`npm run train -- --help\` for the options.`,
    );
    expect(refused.seconds).toBeLessThan(10);

    // Mid-write: the first resumed epoch's checkpoint.bin is flushed to its temporary file and
    // held there (the test hook) when the training process gets SIGINT; the write is finished
    // and counts. --resume alone: the model and training options come from the checkpoint
    // (--test-limit is not a training option: the same one, for the same test figures).
    const resume = ['--resume', '--test-limit', '200'];
    const midWrite = await stopAt(resume, out, async () => (await readdir(out)).some((f) => f.startsWith(`${CHECKPOINT_FILE}.tmp-`)), {
      to: 'trainer',
      env: { [CHECKPOINT_PAUSE_ENV]: '1500' },
      from: first.kept,
    });
    expect(midWrite.stdout).toContain(`Resuming from epoch ${first.kept} of ${join(out, CHECKPOINT_FILE)}`);
    expect(midWrite.kept).toBe(first.kept + 1);
    expect(midWrite.announced).toBe(first.kept);

    // Mid-epoch, with Chromium going first: it gets SIGINT a third of a second into the next
    // epoch and dies, the whole group another third of a second later; the run stops (a
    // browser that died of the stop's own signal is no crash to restart after).
    const next = midWrite.kept + 1;
    let headerAt = 0;
    let browserAt = 0;
    const midEpoch = await stopAt(
      resume,
      out,
      async (stdout, npmPid) => {
        if (!headerAt && stdout.includes(`Epoch ${next}/${EPOCHS}`)) headerAt = performance.now();
        if (headerAt && !browserAt && performance.now() - headerAt > 300) {
          const tree = descendants(npmPid);
          const trainer = trainerIn(tree);
          process.kill(tree.find((p) => p.ppid === trainer.pid && p.cmd.includes('--remote-debugging-pipe'))!.pid, 'SIGINT');
          browserAt = performance.now();
        }
        return browserAt > 0 && performance.now() - browserAt > 300;
      },
      { to: 'group', from: midWrite.kept },
    );
    expect(midEpoch.kept).toBeGreaterThanOrEqual(midWrite.kept);
    expect(midEpoch.kept).toBeLessThan(EPOCHS);

    // A lock left by a killed run (its process gone) does not hold the last resume back.
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    await writeFile(join(out, LOCK_FILE), JSON.stringify({ pid: dead.pid, started: '1' }));
    const last = await train([...resume, '--out', out]);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toContain(`Resuming from epoch ${midEpoch.kept} of`);
    expect(last.stdout).toContain(`Epoch ${EPOCHS}/${EPOCHS}`);
    expect(last.stdout).not.toContain(`Epoch 1/${EPOCHS}`);
    expect(await exists(join(out, LOCK_FILE))).toBe(false);
    await expectSameAsStraight(out);
    console.log(`stop-and-resume chain: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // No process of the stopped runs is left 10 s after the last stop.
    await sleep(NOTHING_LEFT_AFTER_MS - (performance.now() - midEpoch.signalled));
    expect(leftOver([...first.tree, ...midWrite.tree, ...midEpoch.tree])).toEqual([]);
  });

  it('SIGTERM to npm (--node back end) stops the run and leaves no process of it 10 s later', async () => {
    const out = await tempDir();
    const run = startTrain(['--node', ...RUN, '--out', out]);
    await waitForFile(join(out, 'checkpoint.bin'), run);
    const tree = descendants(run.child.pid!);
    expect(tree.filter((p) => p.cmd.includes('src/cli/train.ts')).length).toBeGreaterThanOrEqual(2); // tsx's node, the --node child
    run.child.kill('SIGTERM');
    const t0 = performance.now();
    const stopped = await run.done;
    expect(stopped.code, stopped.stderr).toBe(143);
    await sleep(NOTHING_LEFT_AFTER_MS - (performance.now() - t0));
    expect(leftOver(tree)).toEqual([]);
    const kept = Number(STOP_LINE.exec(stopped.stderr)?.[1]);
    expect((await historyOf(out)).epochs).toHaveLength(kept);
    // The lock of --out, taken by the top-level process (the child works under it), is gone.
    expect(await exists(join(out, LOCK_FILE))).toBe(false);
  });

  it('a diverging run (--optimizer sgd --lr 1e30) stops naming the step and writes nothing non-finite', async () => {
    const out = await tempDir();
    // A tiny model without BatchNormalization (which would keep the loss finite for a step).
    const tiny = join(ROOT, 'test', 'fixtures', 'models', 'tiny-cnn.json');
    const run = await train(['--model', tiny, '--optimizer', 'sgd', '--lr', '1e30', '--epochs', '2', '--limit', '256', '--test-limit', '500', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Non-finite loss at epoch 1, step \d: training stopped/);
    expect(run.stderr).toContain('No epoch finished: nothing was saved.');
    expect(run.stdout).not.toContain('Saved');
    expect(await readdir(out)).toEqual([]);
  });

  it('survives its GPU process being killed: the device loss is named and the run resumes from the checkpoint', async () => {
    const out = await tempDir();
    const run = startTrain([...RUN, '--out', out]);
    await waitForFile(join(out, 'checkpoint.bin'), run);
    const gpuProcesses = descendants(run.child.pid!).filter((p) => p.cmd.includes('--type=gpu-process'));
    expect(gpuProcesses.length).toBe(1);
    process.kill(gpuProcesses[0].pid, 'SIGKILL');
    const finished = await run.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stderr).toMatch(/^The GPU device was lost: .+$/m);
    expect(finished.stdout).toMatch(/Restarting Chromium and resuming from epoch [1-5] \(the last checkpoint\)/);
    expect(finished.stdout).toContain(`Epoch ${EPOCHS}/${EPOCHS}`);
    // Resumed from the checkpoint, it ends exactly where the uninterrupted run does.
    await expectSameAsStraight(out);
  });
});

describe('npm run train refuses bad paths at once', () => {
  // Refused before any work: nothing on stdout (the model summary comes first of all), and well
  // within the time a start-up takes (the bound is loose: the machine may be loaded).
  it.each(['/proc/x', '/sys/kernel'])('--out %s exits 2 at once', async (path) => {
    const t0 = performance.now();
    const run = await train(['--out', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--out ${path}: is on `);
    expect(run.stdout).toBe('');
    expect(performance.now() - t0).toBeLessThan(15000);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only --out exits 2 at once (non-root)', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'ro'));
    await chmod(join(dir, 'ro'), 0o555);
    const t0 = performance.now();
    const run = await train(['--out', join(dir, 'ro')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot write there');
    expect(run.stdout).toBe('');
    expect(performance.now() - t0).toBeLessThan(15000);
  });

  it.each([['../secret.bin', 'lies outside the model\'s folder'], ['/dev/zero', 'lies outside the model\'s folder']])(
    '--init with a weight path %s is refused before the browser starts',
    async (path, problem) => {
      const dir = await tempDir();
      await saveModelFiles(join(dir, 'model'), DEFAULT_MODEL, initParams(DEFAULT_MODEL.params, 1));
      const json = JSON.parse(await readFile(join(dir, 'model', 'model.json'), 'utf8'));
      json.weightsManifest[0].paths = [path];
      await writeFile(join(dir, 'model', 'model.json'), JSON.stringify(json));
      await writeFile(join(dir, 'secret.bin'), await readFile(join(dir, 'model', 'weights.bin')));
      const run = await train(['--init', join(dir, 'model'), '--out', join(dir, 'out')]);
      expect(run.code).toBe(2); // a bad input file named on the command line is a usage error
      expect(run.stderr).toContain(problem);
      expect(run.stdout).not.toContain('Model: "sequential"');
    },
  );

  it('--resume without a checkpoint exits 2', async () => {
    const dir = await tempDir();
    const run = await train(['--resume', '--out', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--resume: no checkpoint.bin in ${dir}: nothing to resume`);
  });
});

