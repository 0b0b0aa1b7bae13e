// Finds a Chromium/Chrome executable and the flags that give it WebGPU on any machine.
import { existsSync } from 'node:fs';

/** Flags verified to give WebGPU in headless Chromium, on SwiftShader where there is no GPU. */
export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Flags for a real GPU: WebGPU enabled, the adapter left to the browser. */
export const WEBGPU_FLAGS_HARDWARE = WEBGPU_FLAGS.filter((f) => !f.startsWith('--use-webgpu-adapter'));

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/**
 * The browser to launch: $CHROMIUM_PATH, else a system Chromium/Chrome, else undefined
 * (Playwright then uses its own downloaded browser if one is installed).
 */
export function findChromium(env: Record<string, string | undefined> = process.env): string | undefined {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  return SYSTEM_PATHS.find((p) => existsSync(p));
}

export const INSTALL_HINT =
  'Install Chromium (Debian/Ubuntu: `apt-get install chromium`) or Chrome, or set CHROMIUM_PATH to a Chromium/Chrome binary with WebGPU.';
