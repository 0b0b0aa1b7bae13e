// Whether a device was lost, for objects that live shorter than the device (trainers, models):
// one reaction per device's `lost` promise, shared by all of them. A reaction per object would
// keep every object ever built reachable from the device's promise, with its buffers' wrappers,
// bind groups and pipelines, for as long as the device lives.

interface Loss {
  info?: GPUDeviceLostInfo;
}

const losses = new WeakMap<Promise<GPUDeviceLostInfo>, Loss>();

/** Starts watching `lost` (once per promise); `lostMessage` reads it. */
export function watchDeviceLoss(lost: Promise<GPUDeviceLostInfo>): void {
  if (losses.has(lost)) return;
  const loss: Loss = {};
  losses.set(lost, loss);
  void lost.then((info) => {
    loss.info = info;
  });
}

/** The message of the loss `lost` reported, or undefined while the device lives (or was not watched). */
export function lostMessage(lost: Promise<GPUDeviceLostInfo>): string | undefined {
  const info = losses.get(lost)?.info;
  return info ? info.message || info.reason : undefined;
}
