#!/usr/bin/env bash
# GPU machine, session 3, call 5 (issue 10): the GEMM convolutions now also take 32-channel outputs (SRCNN's second
# layer, 74 % of its inference FLOPs, ran on tfjs's kernel before). npm run bench:gpu with them, then the same-seed
# check again: SRCNN and EDSR for 6 epochs on the embedded nskt_mini, tfjs's stock kernels + tf.train.adam against
# fieldbench's defaults.
set -uo pipefail
source .device/env.sh
A=.device/app/app.mjs
W=gpu-data/r9
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
tar --exclude=checkpoints --exclude='weights*.bin' -czf "$OUT/run9.tar.gz" -C "$W" .
cat "$W/times.txt"; grep -h "valid" "$W"/k/*/log.txt | cut -c1-200; cat "$W/bench/bench-gpu.md" | head -60
