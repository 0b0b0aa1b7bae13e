// Whether a device was lost, for objects that live shorter than the device (trainers, models):
// one reaction per device's `lost` promise, shared by all of them. A reaction per object would
// keep every object ever built reachable from the device's promise, with its buffers' wrappers,
// bind groups and pipelines, for as long as the device lives. A wait for the loss (lossWithin)
// is a waiter dropped when its time is up, not another reaction on the device's promise.

interface Loss {
  info?: GPUDeviceLostInfo;
  /** Waits for the loss still running (lossWithin). */
  waiters: Set<(info: GPUDeviceLostInfo) => void>;
}

const losses = new WeakMap<Promise<GPUDeviceLostInfo>, Loss>();

/** Starts watching `lost` (once per promise); `lostMessage` reads it. */
export function watchDeviceLoss(lost: Promise<GPUDeviceLostInfo>): void {
  if (losses.has(lost)) return;
  const loss: Loss = { waiters: new Set() };
  losses.set(lost, loss);
  void lost.then((info) => {
    loss.info = info;
    for (const waiter of loss.waiters) waiter(info);
    loss.waiters.clear();
  });
}

/**
 * The loss `lost` reports within `ms` milliseconds (at once if it was reported already), or
 * undefined when the device still lives then. Watches `lost` if nothing did yet.
 */
export function lossWithin(lost: Promise<GPUDeviceLostInfo>, ms: number): Promise<GPUDeviceLostInfo | undefined> {
  watchDeviceLoss(lost);
  const loss = losses.get(lost)!;
  if (loss.info) return Promise.resolve(loss.info);
  return new Promise((resolve) => {
    const waiter = (info: GPUDeviceLostInfo): void => {
      clearTimeout(timer);
      resolve(info);
    };
    const timer = setTimeout(() => {
      loss.waiters.delete(waiter);
      resolve(undefined);
    }, ms);
    loss.waiters.add(waiter);
  });
}

/** How many lossWithin waits on `lost` are still running. */
export function lossWaiters(lost: Promise<GPUDeviceLostInfo>): number {
  return losses.get(lost)?.waiters.size ?? 0;
}

/** The message of the loss `lost` reported, or undefined while the device lives (or was not watched). */
export function lostMessage(lost: Promise<GPUDeviceLostInfo>): string | undefined {
  const info = losses.get(lost)?.info;
  return info ? info.message || info.reason : undefined;
}
