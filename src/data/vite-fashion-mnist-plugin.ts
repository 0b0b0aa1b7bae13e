// Vite plugin (node side, for vite.config.ts): serves the converted Fashion-MNIST IDX files at
// `<base>fashion-mnist/<name>` in dev and emits them into the build, exactly as mnistPlugin
// serves MNIST; the cache is made (once) when the server or the build starts. The page then
// loads it with `fetchMnist(import.meta.env.BASE_URL + DATASET_URL_PATHS['fashion-mnist'])`.
import type { Plugin } from 'vite';
import { DATASET_URL_PATHS } from './datasets.ts';
import { ensureFashionMnistCache, fashionMnistCacheDir } from './fashion-mnist.ts';
import { mnistPlugin } from './vite-mnist-plugin.ts';

export function fashionMnistPlugin(): Plugin {
  const dir = fashionMnistCacheDir();
  const serve = mnistPlugin({ dir, urlPath: DATASET_URL_PATHS['fashion-mnist'] });
  return {
    ...serve,
    name: 'fashion-mnist-data',
    async buildStart() {
      await ensureFashionMnistCache({ cacheDir: dir });
    },
  };
}
