// The user's own dataset in a page: its pack (image-pack.ts), made and cached by the command
// line and served by its dev server, fetched, checked and split as the Node back end splits it.
// Browser-safe.
import { decodePack, packSplits } from './image-pack.ts';
import type { ImageDataset } from './image-dataset.ts';
import { fetchBytes } from './mnist.ts';

export async function fetchPackDataset(url: string, testSplit: number, fetchFn: typeof fetch = globalThis.fetch): Promise<ImageDataset> {
  const name = url.slice(url.lastIndexOf('/') + 1);
  return packSplits(decodePack(await fetchBytes(url, name, fetchFn), name), testSplit);
}
