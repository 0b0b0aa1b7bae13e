// The files a command line names: --model, --init and evaluate's PATH (input-path.ts,
// model-source.ts) and --json-out (json-out.ts). Every problem is one UsageError (exit code 2)
// naming the option and the path once, in words: no errno code, no second copy of the path.
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorText, UsageError } from '../../src/cli/cli-error.ts';
import { checkInputPath, withoutPath } from '../../src/cli/input-path.ts';
import { checkOutputFile, writeJsonFile } from '../../src/cli/json-out.ts';
import { loadInitialModel, resolveModelSpec } from '../../src/cli/model-source.ts';
import { fsReason } from '../../src/io/fs-reason.ts';

const SMALL_CNN = resolve(import.meta.dirname, '../fixtures/models/small-cnn.json');
/** root reads and writes whatever the mode bits say. */
const ROOT_USER = process.getuid?.() === 0;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'input-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The UsageError `run` rejects with: its message, after checking the exit code and the voice. */
async function usageError(run: () => Promise<unknown>): Promise<string> {
  const e = await run().then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UsageError);
  const { message, exitCode } = e as UsageError;
  expect(exitCode).toBe(2);
  expect(message).not.toMatch(/\bE[A-Z]{3,}\b/); // no errno code
  expect(errorText(e as UsageError, 'train')).toMatch(/^error: [^\n]+ Run `npm run train -- --help` for the options\.\n$/);
  return message;
}

/** How often `text` holds `part`. */
const count = (text: string, part: string) => text.split(part).length - 1;

describe('--model', () => {
  it('a misspelled preset names the closest one and the list', async () => {
    const m = await usageError(() => resolveModelSpec('lenet'));
    expect(m).toBe('--model lenet: no such preset or file (did you mean lenet5? presets: mnist-cnn, lenet5, strided-bn, small-color)');
  });

  it('a name near no preset lists them', async () => {
    expect(await usageError(() => resolveModelSpec('resnet50'))).toBe('--model resnet50: no such preset or file (presets: mnist-cnn, lenet5, strided-bn, small-color)');
  });

  it('a missing file is named once, in words', async () => {
    const path = join(dir, 'nothing.json');
    expect(await usageError(() => resolveModelSpec(path))).toBe(`--model ${path}: no such file or folder`);
    const keras = join(dir, 'nothing.keras');
    expect(await usageError(() => resolveModelSpec(keras))).toBe(`--model ${keras}: no such file or folder`);
  });

  it('a folder, and a file that is not JSON', async () => {
    expect(await usageError(() => resolveModelSpec(dir))).toBe(`--model ${dir}: is a folder, not a file`);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{ nope\n');
    const m = await usageError(() => resolveModelSpec(bad));
    expect(m).toMatch(/^--model \S+bad\.json: not valid JSON \(/);
    expect(count(m, 'bad.json')).toBe(1);
  });

  it('a file that is there is read', async () => {
    expect((await resolveModelSpec(SMALL_CNN)).layers.length).toBeGreaterThan(0);
    expect((await resolveModelSpec('lenet5')).layers.length).toBeGreaterThan(0);
  });
});

describe('--init and evaluate PATH', () => {
  it('a missing file: the option and the path once', async () => {
    const path = join(dir, 'gone', 'model.json');
    expect(await usageError(() => loadInitialModel(path, '--init'))).toBe(`--init ${path}: no such file or folder`);
    expect(await usageError(() => loadInitialModel('missing.keras', null))).toBe('missing.keras: no such file or folder');
  });

  it('a folder without model.json', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    expect(await usageError(() => loadInitialModel(empty, '--init'))).toBe(`--init ${empty}: the folder holds no model.json`);
  });

  it("a loader's own message is not prefixed by the path a second time", async () => {
    const bad = join(dir, 'broken.json');
    await writeFile(bad, 'not json\n');
    const m = await usageError(() => loadInitialModel(bad, null));
    expect(m.startsWith(`${bad}: `)).toBe(true);
    expect(count(m, 'broken.json')).toBe(1);
    const keras = join(dir, 'broken.keras');
    await writeFile(keras, 'not a zip');
    const k = await usageError(() => loadInitialModel(keras, '--init'));
    expect(k.startsWith(`--init ${keras}: `)).toBe(true);
    expect(count(k, 'broken.keras')).toBe(1);
  });

  it.skipIf(ROOT_USER)('an unreadable file says so', async () => {
    const locked = join(dir, 'locked.json');
    await writeFile(locked, '{}');
    await chmod(locked, 0o000);
    expect(await usageError(() => checkInputPath('--init', locked))).toBe(`--init ${locked}: cannot be read (permission denied)`);
  });
});

describe('withoutPath and fsReason', () => {
  it('removes the path a message starts with or names in parentheses', () => {
    expect(withoutPath('a/b.json: bad', 'a/b.json')).toBe('bad');
    expect(withoutPath(`${resolve('a/b.json')}: bad`, 'a/b.json')).toBe('bad');
    expect(withoutPath('b.keras: not a zip', 'x/b.keras')).toBe('not a zip');
    expect(withoutPath('b.keras/config.json: no', 'x/b.keras')).toBe('config.json: no');
    expect(withoutPath(`Invalid TensorFlow.js model (${resolve('m.json')}): two`, 'm.json')).toBe('Invalid TensorFlow.js model: two');
    expect(withoutPath('other.json: bad', 'a/b.json')).toBe('other.json: bad');
  });

  it('words for errno codes, and the message without code and path otherwise', () => {
    const err = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(fsReason(err('ENOENT', "ENOENT: no such file or directory, stat 'x'"))).toBe('no such file or folder');
    expect(fsReason(err('EACCES', "EACCES: permission denied, open 'x'"))).toBe('permission denied');
    expect(fsReason(err('EWHAT', "EWHAT: something odd, open '/a/b'"))).toBe('something odd');
  });
});

describe('--json-out FILE', () => {
  it('refuses a missing folder and a folder, before any work', async () => {
    const nowhere = join(dir, 'no-such-dir', 'x.json');
    expect(await usageError(() => checkOutputFile('--json-out', nowhere))).toBe(`--json-out ${nowhere}: its folder ${join(dir, 'no-such-dir')}: no such file or folder`);
    expect(await usageError(() => checkOutputFile('--json-out', dir))).toBe(`--json-out ${dir}: is a folder, not a file`);
    expect(await usageError(() => checkOutputFile('--json', ''))).toBe('--json: expected a file name');
  });

  it('writes parseable JSON and leaves no temporary file', async () => {
    const out = join(dir, 'out');
    await mkdir(out);
    const file = join(out, 'test.json');
    await checkOutputFile('--json-out', file);
    await writeJsonFile(file, { accuracy: 0.5, count: 500 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ accuracy: 0.5, count: 500 });
    expect(await readdir(out)).toEqual(['test.json']);
  });
});
