// Runs a command as on a fresh machine with no browser, no Vulkan and no NSS installed. As root
// with `unshare` (CI), inside a private mount namespace that hides them (hide-system.sh): the
// project must find the npm-shipped Chromium, its Vulkan loader and SwiftShader by itself.
// Elsewhere through the project's own overrides: WEBGPU_BROWSER=bundled and WEBGPU_VULKAN=bundled.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runProcess, type Run } from './run-process.ts';

const HIDE_SCRIPT = join(import.meta.dirname, 'hide-system.sh');
const UNSHARE = ['-m', '--propagation', 'private'];

/** True where this process may hide the system in a mount namespace. */
export const CAN_HIDE_SYSTEM = process.getuid?.() === 0 && spawnSync('unshare', [...UNSHARE, 'true']).status === 0;

/** The environment without anything that names a browser or a Vulkan driver. */
function withoutSystemChoices(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const k of ['CHROMIUM_PATH', 'WEBGPU_BROWSER', 'WEBGPU_VULKAN', 'VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'LD_LIBRARY_PATH']) delete clean[k];
  return clean;
}

/** `work`: an empty scratch folder (for the namespace's mounts). */
export function runOnFreshMachine(command: string, args: string[], options: { cwd: string; work: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  const env = withoutSystemChoices(options.env ?? process.env);
  if (CAN_HIDE_SYSTEM) return runProcess('unshare', [...UNSHARE, 'sh', HIDE_SCRIPT, options.work, command, ...args], { cwd: options.cwd, env });
  return runProcess(command, args, { cwd: options.cwd, env: { ...env, WEBGPU_BROWSER: 'bundled', WEBGPU_VULKAN: 'bundled' } });
}
