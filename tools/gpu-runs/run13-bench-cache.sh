#!/usr/bin/env bash
# GPU machine, session 3, call 9 (issue 10): call 8's host profile put tfjs-webgpu's per-dispatch bind groups first
# (25 us each, 12.5 ms of an EDSR step's host work); npm run bench:gpu with the bind-group cache
# (src/backends/webgpu-bind-group-cache.ts) next to the GEMM path without it.
set -uo pipefail
source .device/env.sh
W=gpu-data/r13
mkdir -p "$W"
timeout 200 node .device/app/app.mjs bench "$W/bench" > "$W/bench.txt" 2>&1
echo "bench exit $?"
tar -czf "$OUT/run13.tar.gz" -C "$W" .
sed -n '/## fieldbench/,/## Where/p' "$W/bench/bench-gpu.md"
