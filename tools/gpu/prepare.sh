#!/usr/bin/env bash
# Lays out .device/ in the project root so that code built here can run on the GPU machine
# (an NVIDIA H200 box with CUDA and Python but no Node.js and no network).
#
#   .device/node.xz           this machine's node binary, xz-compressed (~24 MB; ~2 min the first time)
#   .device/gl/*.deb          the Vulkan/EGL loader packages that Dawn needs there
#   .device/node_modules/webgpu   the Dawn-based WebGPU binding, linux-x64 build only (dawn.node xz-compressed)
#   .device/env.sh            source this first in every device command
#
# tools/bundle-gpu.sh (npm run bench:gpu) runs this, then bundles the CLI; by hand, bundle an entry point into .device/ (one file; tfjs and the rest inlined, webgpu left external):
#   npx esbuild path/to/entry.ts --bundle --platform=node --format=esm --external:webgpu \
#     --banner:js="import { createRequire } from 'module'; const require = createRequire(import.meta.url);" \
#     --outfile=.device/app.mjs
# and run on the GPU machine, from the project root:
#   source .device/env.sh && node .device/app.mjs
# Keep what you ship small (the toolchain here is about 30 MB): generate large data on the GPU machine.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
dest="$root/.device"
exclude="$(git rev-parse --git-path info/exclude)"  # a worktree's .git is a file
grep -qxF '/.device/' "$exclude" 2>/dev/null || echo '/.device/' >>"$exclude"
mkdir -p "$dest/gl" "$dest/node_modules"

if [ ! -s "$dest/node.xz" ]; then
  echo "compressing $(node --version) into .device/node.xz ..."
  xz -T2 -6 -c "$(command -v node)" >"$dest/node.xz.part" && mv "$dest/node.xz.part" "$dest/node.xz"
fi

if ! ls "$dest"/gl/libvulkan1_*.deb >/dev/null 2>&1; then
  lists=$(mktemp -d)
  mkdir -p "$lists/partial"
  o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
  apt-get $o update >/dev/null
  (cd "$dest/gl" && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null 2>&1)
  rm -rf "$lists"
fi

src="$root/node_modules/webgpu"
if [ ! -d "$src" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack webgpu@0.6.2 >/dev/null 2>&1 && tar xzf webgpu-*.tgz && mv package webgpu)
  src="$tmp/webgpu"
fi
rm -rf "$dest/node_modules/webgpu"
cp -r "$src" "$dest/node_modules/webgpu"
rm -rf "$dest"/node_modules/webgpu/dist/{darwin-universal,linux-arm64,win32-arm64,win32-x64}
rm -rf "$dest/node_modules/webgpu/node_modules"
dawn="$dest/node_modules/webgpu/dist/linux-x64/dawn.node"
xz -T2 -6 -f "$dawn"   # 21 MB -> 5 MB; env.sh unpacks it on the GPU machine

cat >"$dest/env.sh" <<'ENV'
# Sourced on the GPU machine, from the project root: Vulkan loader, NVIDIA ICD, and a node binary.
for f in .device/gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
dawn=.device/node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$dawn" ] || xz -d -k "$dawn.xz"
if ! command -v node >/dev/null 2>&1; then
  xz -d -T8 -c .device/node.xz >/tmp/node && chmod +x /tmp/node
  export PATH=/tmp:$PATH
fi
ENV
du -sh "$dest"
echo "ready: bundle your entry to .device/app.mjs, ship .device/ along, and run: source .device/env.sh && node .device/app.mjs"
