// Where `npm run predict -- ... --explain OUT` writes: one picture's PNG at OUT; several
// pictures' in the folder OUT (made if missing), named after their paths, never two alike; a
// place that cannot be written is refused in one line naming it.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explanationPaths } from '../../src/cli/predict-explain.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('explanationPaths', () => {
  it('puts one picture at OUT and several in the folder OUT, one distinct name each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'explain-paths-'));
    dirs.push(dir);
    expect(await explanationPaths(join(dir, 'one.png'), ['a/b.png'])).toEqual([join(dir, 'one.png')]);
    const out = join(dir, 'why');
    const paths = await explanationPaths(out, ['pics/3.png', 'pics/more/4.jpg', 'pics/3.bmp', '/abs/x y.gif']);
    expect(paths).toEqual(['pics_3.png', 'pics_more_4.png', 'pics_3-2.png', 'abs_x_y.png'].map((n) => join(out, n)));
    // Under a common folder, the paths below it.
    expect(await explanationPaths(out, ['/t/p/pics/0.png', '/t/p/pics/more/4.png', '/t/p/six.jpg'])).toEqual(['pics_0.png', 'pics_more_4.png', 'six.png'].map((n) => join(out, n)));
    expect(await explanationPaths(out, ['/t/ab/1.png', '/t/a/2.png'])).toEqual(['ab_1.png', 'a_2.png'].map((n) => join(out, n)));
    expect((await stat(out)).isDirectory()).toBe(true);
  });

  it('refuses places that cannot be written, naming them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'explain-paths-'));
    dirs.push(dir);
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    await expect(explanationPaths(join(file, 'why.png'), ['a.png'])).rejects.toThrow(`--explain ${join(file, 'why.png')}: ${file} is not a folder`);
    await expect(explanationPaths(join(file, 'sub'), ['a.png', 'b.png'])).rejects.toThrow(new RegExp(`^--explain ${join(file, 'sub')}: 2 pictures need a folder, and this one cannot create the folder`));
    await expect(explanationPaths(dir, ['a.png'])).rejects.toThrow(`--explain ${dir}: is a folder, not a file`);
  });
});
