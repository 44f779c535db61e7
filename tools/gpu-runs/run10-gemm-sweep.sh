#!/usr/bin/env bash
# GPU machine, session 3, call 6 (issue 10): the implicit-GEMM conv kernel's tile shapes swept on the convolutions
# that dominate SRCNN's and EDSR's training steps and inference (packages/models/src/device/gemm-sweep.ts).
set -uo pipefail
source .device/env.sh
W=gpu-data/r10
mkdir -p "$W"
timeout 400 node .device/app/app.mjs sweep "$W/sweep" > "$W/sweep.txt" 2>&1
echo "sweep exit $?"
tar -czf "$OUT/run10.tar.gz" -C "$W" .
grep -v "^Warning" "$W/sweep.txt" | head -150
