#!/usr/bin/env bash
# `npm run bench:gpu [entry]`: lays out .device/ (../shared/gpu/prepare) and bundles a GPU-machine entry point into
# .device/app.mjs. The GPU machine has no Node.js and no network, so the run itself goes through the device tool:
#   carry [".device"], command: source .device/env.sh && node .device/app.mjs $OUT
# Default entry: packages/models/src/device/bench-gpu.ts (train step + 2048² inference vs PyTorch, same card).
set -euo pipefail
cd "$(dirname "$0")/.."
entry=${1:-packages/models/src/device/bench-gpu.ts}
[ -f .device/env.sh ] || bash ../shared/gpu/prepare
npx esbuild "$entry" --bundle --platform=node --format=esm --external:webgpu --log-level=error \
  --banner:js="import { createRequire } from 'module'; const require = createRequire(import.meta.url);" \
  --outfile=.device/app.mjs
echo "bundled $entry -> .device/app.mjs; run on the GPU machine: source .device/env.sh && node .device/app.mjs \$OUT"
