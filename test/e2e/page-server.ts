// The page tests' one setup: the Vite dev server on a free port and headless Chromium with
// WebGPU on SwiftShader (src/cli/browser.ts), closed together.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright';
import { createServer } from 'vite';
import { launchWebGpuBrowser } from '../../src/cli/browser.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface PageServer {
  /** The dev server's root URL, ending in '/'. */
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const server = await createServer({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  await server.listen();
  try {
    const { browser } = await launchWebGpuBrowser('swiftshader');
    return {
      url: server.resolvedUrls!.local[0],
      browser,
      close: async () => {
        await browser.close();
        await server.close();
      },
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe's serious and critical violations on the page as it stands, each with up to 3 places. */
export async function seriousAxeViolations(page: Page): Promise<{ id: string; impact: string; help: string; where: string[] }[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run();
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
