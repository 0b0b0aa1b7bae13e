// The paths of a dataset handed to the page, as folder-layout.ts takes them: the files of a
// dropped or picked folder (each with its path under what was given), or the members of a zip
// of class folders. A collection under one top folder is that folder (its name the dataset's
// name); several folders given together are the class folders of one dataset. Browser-safe,
// pure.
import type { ZipEntry } from '../io/zip-read.ts';
import type { TreeEntry } from './folder-layout.ts';

/** A path as given: '/'-separated under what was dropped or picked, the top folder included. */
export interface GivenPath<F> {
  path: string;
  isDir: boolean;
  size: number;
  source?: F;
}

/** Paths a zip or a copy from a Mac holds that are no part of the folder. */
const isSystemPath = (path: string) => path.split('/').some((part) => part === '__MACOSX' || part === '.DS_Store' || part === 'Thumbs.db' || part === 'desktop.ini');

const clean = (path: string) => path.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '').replace(/\/{2,}/g, '/');

/**
 * The dataset folder of the given paths: when they all lie in one top folder, that folder
 * (paths taken under it, named by it); else what was given, named `name`.
 */
export function datasetTree<F>(given: readonly GivenPath<F>[], name: string): { name: string; entries: TreeEntry<F>[] } {
  const paths = given.map((g) => ({ ...g, path: clean(g.path) })).filter((g) => g.path !== '' && !isSystemPath(g.path));
  const tops = new Set(paths.map((g) => g.path.split('/')[0]));
  const [top] = tops;
  const oneFolder = tops.size === 1 && paths.every((g) => g.path.includes('/') || (g.isDir && g.path === top));
  const entries = paths
    .map((g) => ({ rel: oneFolder ? g.path.slice(top.length + 1) : g.path, isDir: g.isDir, size: g.size, source: g.source }))
    .filter((e) => e.rel !== '');
  return { name: oneFolder ? top : name, entries };
}

/** The members of a zip as given paths (a member whose name ends in '/' is a folder). */
export function zipPaths(entries: readonly ZipEntry[]): GivenPath<ZipEntry>[] {
  return entries.map((e) => (e.name.endsWith('/') ? { path: e.name, isDir: true, size: -1 } : { path: e.name, isDir: false, size: e.declaredSize, source: e }));
}
