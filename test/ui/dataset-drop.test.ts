// What the page makes of a drop or a file input before the worker reads it: the drop's folders
// walked entry by entry (readEntries answering in batches until empty, empty folders kept, an
// unreadable file kept as unreadable), a picked folder's relative paths, one .zip or .npz read
// as that file, and the dataset folder of the paths (one top folder taken as the dataset and
// named by it, several folders as its classes, Mac and Windows system files left out).
import { describe, expect, it } from 'vitest';
import { pathsOfFiles, uploadOf, walkEntries, type EntryLike } from '../../src/ui/dataset-drop.ts';
import { datasetTree, zipPaths } from '../../src/data/upload-tree.ts';
import type { ZipEntry } from '../../src/io/zip-read.ts';

const file = (name: string, size = 3, broken = false): EntryLike => ({
  name,
  isFile: true,
  isDirectory: false,
  file: (ok, fail) => (broken ? fail(new Error('gone')) : ok(new File([new Uint8Array(size)], name))),
});
/** A folder whose reader answers two entries at a time, as browsers answer in batches. */
const folder = (name: string, children: EntryLike[]): EntryLike => ({
  name,
  isFile: false,
  isDirectory: true,
  createReader: () => {
    let at = 0;
    return {
      readEntries: (ok) => {
        const batch = children.slice(at, at + 2);
        at += batch.length;
        setTimeout(() => ok(batch), 0);
      },
    };
  },
});

describe('a drop', () => {
  it('walks dropped folders through every batch, keeping empty folders and unreadable files', async () => {
    const tree = folder('pets', [folder('cat', [file('a.png'), file('b.png'), file('c.png', 0)]), folder('dog', [file('d.png', 5, true)]), folder('fish', [])]);
    const paths = await walkEntries([tree]);
    expect(paths.map((p) => [p.path, p.isDir, p.size])).toEqual([
      ['pets', true, -1],
      ['pets/cat', true, -1],
      ['pets/cat/a.png', false, 3],
      ['pets/cat/b.png', false, 3],
      ['pets/cat/c.png', false, 0],
      ['pets/dog', true, -1],
      ['pets/dog/d.png', false, -1],
      ['pets/fish', true, -1],
    ]);
    const { name, entries } = datasetTree(paths, 'dropped files');
    expect(name).toBe('pets');
    expect(entries.map((e) => e.rel)).toEqual(['cat', 'cat/a.png', 'cat/b.png', 'cat/c.png', 'dog', 'dog/d.png', 'fish']);
    expect(entries[1].source).toBeInstanceOf(File);
  });

  it('reads one .zip or .npz as that file, anything else as a folder', async () => {
    const zip = await walkEntries([file('pets.ZIP')]);
    expect(uploadOf(zip)).toMatchObject({ kind: 'file', name: 'pets.ZIP' });
    expect(uploadOf(await walkEntries([file('mnist.npz')]))).toMatchObject({ kind: 'file', name: 'mnist.npz' });
    expect(uploadOf(await walkEntries([file('a.png')]))).toMatchObject({ kind: 'folder', name: 'dropped files' });
    expect(uploadOf(await walkEntries([folder('pets', [folder('cat', [file('a.png')])])]))).toMatchObject({ kind: 'folder', name: 'pets' });
    expect(uploadOf([])).toBeNull();
  });

  it('takes several dropped folders as the class folders of one dataset', async () => {
    const paths = await walkEntries([folder('cat', [file('a.png')]), folder('dog', [file('b.png')])]);
    const { name, entries } = datasetTree(paths, 'dropped files');
    expect(name).toBe('dropped files');
    expect(entries.map((e) => e.rel)).toEqual(['cat', 'cat/a.png', 'dog', 'dog/b.png']);
  });
});

describe('a picked folder and a zip', () => {
  it('takes a picked folder by its relative paths, without the system files', () => {
    const picked = ['pets/cat/a.png', 'pets/.DS_Store', 'pets/dog/Thumbs.db', 'pets/dog/b.png'].map((rel) => {
      const f = new File([new Uint8Array(2)], rel.split('/').pop()!);
      Object.defineProperty(f, 'webkitRelativePath', { value: rel });
      return f;
    });
    const { name, entries } = datasetTree(pathsOfFiles(picked), 'x');
    expect(name).toBe('pets');
    expect(entries.map((e) => e.rel)).toEqual(['cat/a.png', 'dog/b.png']);
  });

  it('takes a zip of class folders at its top as they are, and its folder members as folders', () => {
    const member = (name: string): ZipEntry => ({ name, method: 0, flags: 0, crc32: 0, compressedSize: 1, declaredSize: 1, localHeaderOffset: 0 });
    const { name, entries } = datasetTree(zipPaths(['cat/', 'cat/a.png', 'dog/b.png', '__MACOSX/cat/._a.png'].map(member)), 'pets');
    expect(name).toBe('pets');
    expect(entries.map((e) => [e.rel, e.isDir])).toEqual([
      ['cat', true],
      ['cat/a.png', false],
      ['dog/b.png', false],
    ]);
  });
});
