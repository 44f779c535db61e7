#!/usr/bin/env bash
# `npm run bench:gpu`: lays out .device/ (the toolchain, by tools/gpu/prepare.sh) and bundles tools/gpu-main.mjs, the
# fieldbench CLI plus the GPU-only jobs of tools/gpu/, so that on the GPU machine (no Node.js, no network):
#   source .device/env.sh && node .device/app/app.mjs run superbench --model srcnn --data gpu-data/nskt ...
#   source .device/env.sh && node .device/app/app.mjs job bench "$OUT"
# docs/gpu-runs.md has the recipe and the log of past runs.
#   bash tools/bundle-gpu.sh [--no-prepare] [DEST]     DEST: a folder directly in the repository root (default .device)
# Layout: DEST/app/lib/fieldbench.mjs is the bundle. It sits three folders below the root, as the sources do
# (packages/<pkg>/src/<file>), so the paths the code takes relative to itself land where they do in a checkout:
# ../../../datasets (the embedded data and cards), ../../../models (the committed baselines), ../../../leaderboards,
# ../package.json (the harness version: DEST/app/package.json) and ../worker/hdf5-worker.mjs (the HDF5 reader's
# worker). DEST/app/app.mjs is a one-line launcher. Wasm files are loaded from beside the bundle. webgpu (Dawn, from
# DEST/node_modules) and onnxruntime-node (ONNX packages are not run there) stay external. --conditions=source
# bundles the workspace packages from src/, so a stale dist/ can never travel in place of the code just edited.
# Not in the bundle: `ci-score`, whose sandboxed runner imports the built packages (run it in a checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
prepare=1
if [ "${1:-}" = --no-prepare ]; then prepare=0; shift; fi
dest=${1:-.device}
case "$dest" in
*/* | . | .. | "") echo "bundle-gpu.sh: DEST must be a folder directly in the repository root, got '$dest'" >&2; exit 2 ;;
esac
if [ "$prepare" = 1 ] && [ ! -f "$dest/env.sh" ]; then
  script=${FIELDBENCH_GPU_PREPARE:-tools/gpu/prepare.sh}
  [ -f "$script" ] || { echo "bundle-gpu.sh: no $script to lay out $dest/ (set FIELDBENCH_GPU_PREPARE, or --no-prepare)" >&2; exit 2; }
  bash "$script"
fi
app="$dest/app"
rm -rf "$app"
mkdir -p "$app/lib" "$app/worker"
# Node's require and __dirname inside an ES module (tfjs-backend-wasm's loader finds its .wasm through __dirname).
banner="import { createRequire } from 'module'; import { fileURLToPath as __fileURLToPath } from 'url'; import { dirname as __pathDirname } from 'path';
const require = createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __pathDirname(__filename);"
npx esbuild tools/gpu-main.mjs --bundle --conditions=source --platform=node --format=esm --target=node20 \
  --external:webgpu --external:onnxruntime-node --minify --log-level=error \
  --banner:js="$banner" --outfile="$app/lib/fieldbench.mjs"
npx esbuild packages/formats/worker/hdf5-worker.mjs --bundle --platform=node --format=esm --log-level=error \
  --banner:js="$banner" --outfile="$app/worker/hdf5-worker.mjs"
echo 'await import("./lib/fieldbench.mjs");' >"$app/app.mjs"
cp packages/cli/package.json "$app/package.json"
cp node_modules/@echogarden/pffft-wasm/dist/simd/pffft.wasm node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$app/lib/"
echo "bundled the fieldbench CLI and tools/gpu jobs into $app/ ($(du -sh "$app" | cut -f1)); on the GPU machine:" >&2
echo "  source $dest/env.sh && node $app/app.mjs <fieldbench arguments>   or   node $app/app.mjs job <name> ..." >&2
