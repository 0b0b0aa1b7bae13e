#!/bin/sh
# Runs a command as on a machine with no browser, no Vulkan and no NSS installed: inside a
# private mount namespace (run as root through `unshare -m --propagation private`), hides
#   - every Chromium/Chrome in /usr/bin and /opt/google, and Debian's /usr/lib/chromium
#     (SwiftShader's Vulkan driver and a loader),
#   - the Vulkan loader (libvulkan.so*) and the Vulkan ICD folders,
#   - NSS, NSPR and expat (which the npm-shipped Chromium then takes from its own copy),
# by mounting over /usr/bin and the library folder a folder of links to everything else.
# Usage: hide-system.sh WORK_DIR command [args...]   (WORK_DIR: an empty scratch folder)
set -eu
WORK=$1
shift
LIB=/usr/lib/x86_64-linux-gnu

# A copy of folder $1 made of links, without the names matching the glob patterns listed in
# $2, mounted over $1. Links in $1 are copied as they are (relative ones then resolve in the
# copy); other entries become links to the original, reachable through a bind mount in $WORK.
shadow() {
  dir=$1 name=$(echo "$1" | tr / _)
  orig=$WORK/orig$name copy=$WORK/shadow$name
  mkdir -p "$orig" "$copy"
  mount --bind "$dir" "$orig"
  set -f
  keep=""
  for p in $2; do keep="$keep ! -name $p"; done
  # shellcheck disable=SC2086
  find "$orig" -mindepth 1 -maxdepth 1 ! -type l $keep -exec ln -s -t "$copy" {} +
  # shellcheck disable=SC2086
  find "$orig" -mindepth 1 -maxdepth 1 -type l $keep -exec cp -P -t "$copy" {} +
  set +f
  mount --bind "$copy" "$dir"
}

# An empty folder mounted over each folder given that exists.
empty() {
  mkdir -p "$WORK/empty"
  for d in "$@"; do [ -d "$d" ] && mount --bind "$WORK/empty" "$d"; done
  return 0
}

empty /usr/lib/chromium /usr/lib64/chromium /usr/lib/chromium-browser /opt/google \
  /usr/share/vulkan /etc/vulkan /usr/local/share/vulkan /usr/local/nvidia
shadow /usr/bin 'chromium* google-chrome* chrome'
shadow "$LIB" 'libvulkan.so* libnss3* libnssutil3* libsmime3* libssl3.so* libnspr4* libplc4* libplds4* libexpat.so* libsoftokn3* libfreebl* nss'
exec "$@"
