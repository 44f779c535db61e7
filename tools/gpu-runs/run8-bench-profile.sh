#!/usr/bin/env bash
# GPU machine, session 3, call 4 (issue 10): npm run bench:gpu once more, now also profiling one 2048² inference field
# per net with the GEMM convolutions, to see how much of inference's wall time is GPU work.
set -uo pipefail
source .device/env.sh
W=gpu-data/r8
mkdir -p "$W"
timeout 300 node .device/app/app.mjs bench "$W/bench" > "$W/bench.txt" 2>&1
echo "bench exit $?"
tar -czf "$OUT/run8.tar.gz" -C "$W" .
sed -n '/2048² inference/,$p' "$W/bench/bench-gpu.md" | head -120
