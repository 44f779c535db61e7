#!/usr/bin/env bash
# `npm run bench:gpu [entry]`: lays out .device/ (../shared/gpu/prepare) and bundles a GPU-machine entry point into
# .device/app/app.mjs, with the HDF5 reader's worker beside it in .device/worker/ (the reader starts it from
# ../worker/hdf5-worker.mjs relative to the code). The GPU machine has no Node.js and no network, so the run goes
# through the device tool: carry [".device"], command: source .device/env.sh && node .device/app/app.mjs $OUT
# onnxruntime-node stays external (ONNX packages are not run there). --conditions=source bundles the workspace
# packages from src/ (their exports name it), so a stale dist/ can never travel in place of the code just edited.
# Default entry: tools/gpu-main.mjs, which dispatches on its first argument (bench, generate, compare, train).
set -euo pipefail
cd "$(dirname "$0")/.."
entry=${1:-tools/gpu-main.mjs}
[ -f .device/env.sh ] || bash ../shared/gpu/prepare
banner="import { createRequire } from 'module'; const require = createRequire(import.meta.url);"
npx esbuild "$entry" --bundle --conditions=source --platform=node --format=esm --external:webgpu --external:onnxruntime-node --minify --log-level=error \
  --banner:js="$banner" --outfile=.device/app/app.mjs
npx esbuild packages/formats/worker/hdf5-worker.mjs --bundle --platform=node --format=esm --log-level=error \
  --banner:js="$banner" --outfile=.device/worker/hdf5-worker.mjs
# The harness reads its version from ../package.json relative to its code: give the bundle the suite's.
cp packages/superbench/package.json .device/package.json
# pffft's wasm is loaded from beside the code that uses it (the metrics' spectra).
cp node_modules/@echogarden/pffft-wasm/dist/simd/pffft.wasm .device/app/pffft.wasm
echo "bundled $entry -> .device/app/app.mjs; run on the GPU machine: source .device/env.sh && node .device/app/app.mjs \$OUT"
