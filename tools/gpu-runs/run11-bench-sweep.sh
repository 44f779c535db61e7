#!/usr/bin/env bash
# GPU machine, session 3, call 7 (issue 10): planConvGemm re-tuned from call 6's sweep (4-wide column blocks, 8-deep
# steps, 32- or 128-column tiles; forward convs with fewer than 8 input channels left to tfjs). npm run bench:gpu with
# it, then the sweep again (its "planConvGemm's" rows show where the new choice lands).
set -uo pipefail
source .device/env.sh
W=gpu-data/r11
mkdir -p "$W"
start=$(date +%s)
timeout 240 node .device/app/app.mjs bench "$W/bench" > "$W/bench.txt" 2>&1
echo "bench exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
timeout 200 node .device/app/app.mjs sweep "$W/sweep" > "$W/sweep.txt" 2>&1
echo "sweep exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
tar -czf "$OUT/run11.tar.gz" -C "$W" .
cat "$W/times.txt"; sed -n '/## fieldbench/,/## FlatAdam + tiled backprop-input, by/p;/## 2048² inference/,/## Where/p' "$W/bench/bench-gpu.md"
