#!/usr/bin/env bash
# GPU machine, session 3, call 3 (issue 10): call 2's same-seed check ran its "gemm" half without the GEMM (the bundle
# took @fieldbench/models from a stale dist/; tools/bundle-gpu.sh now bundles src/), so again: SRCNN and EDSR for 6
# epochs on the embedded nskt_mini with tfjs's stock kernels + tf.train.adam, and with fieldbench's defaults, which now
# include the implicit-GEMM convolutions (the card's hardware line names the kernels); and npm run bench:gpu a second
# time, for a second sample of its noisy wall times.
set -uo pipefail
source .device/env.sh
A=.device/app/app.mjs
W=gpu-data/r7
mkdir -p "$W/k"
start=$(date +%s)
timeout 240 node $A bench "$W/bench" > "$W/bench.txt" 2>&1
echo "bench exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
D=datasets/embedded/nskt_mini
for k in stock gemm; do
  for net in srcnn edsr; do
    if [ $k = stock ]; then env_k="FIELDBENCH_WEBGPU_STOCK_KERNELS=1"; opt="--optimizer adam";
    else env_k="FIELDBENCH_DEFAULTS=1"; opt=""; fi
    env $env_k timeout 200 node $A train --out "$W/k/$k" --data $D --dataset nskt_mini --nets $net --tasks bicubic-x8 \
      --epochs 6 --crops 64 --batch 8 --no-score --backend webgpu $opt > "$W/k/$k.$net.out" 2>&1 &
  done
done
wait
echo "all done after $(( $(date +%s) - start )) s" >> "$W/times.txt"
tar --exclude=checkpoints --exclude='weights*.bin' -czf "$OUT/run7.tar.gz" -C "$W" .
cat "$W/times.txt"; grep -h "valid" "$W"/k/*/log.txt | cut -c1-200; cat "$W/bench/bench-gpu.md" | head -60
