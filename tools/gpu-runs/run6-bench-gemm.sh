#!/usr/bin/env bash
# GPU machine, session 3, call 2 (issue 10): npm run bench:gpu with fieldbench's implicit-GEMM Conv2D / FusedConv2D /
# Conv2DBackpropInput next to the kernels it would replace; then the same-seed check for it: SRCNN and EDSR for 6
# epochs on the embedded nskt_mini (it travels with the repository, so no generation is needed) with tfjs's stock
# kernels + tf.train.adam, and with fieldbench's kernels including the GEMM (FIELDBENCH_WEBGPU_CONV_GEMM=1).
set -uo pipefail
source .device/env.sh
A=.device/app/app.mjs
W=gpu-data/r6
mkdir -p "$W/k"
start=$(date +%s)
timeout 240 node $A bench "$W/bench" > "$W/bench.txt" 2>&1
echo "bench exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
D=datasets/embedded/nskt_mini
for k in stock gemm; do
  for net in srcnn edsr; do
    if [ $k = stock ]; then env_k="FIELDBENCH_WEBGPU_STOCK_KERNELS=1"; opt="--optimizer adam";
    else env_k="FIELDBENCH_WEBGPU_CONV_GEMM=1"; opt=""; fi
    env $env_k timeout 200 node $A train --out "$W/k/$k" --data $D --dataset nskt_mini --nets $net --tasks bicubic-x8 \
      --epochs 6 --crops 64 --batch 8 --no-score --backend webgpu $opt > "$W/k/$k.$net.out" 2>&1 &
  done
done
wait
echo "all done after $(( $(date +%s) - start )) s" >> "$W/times.txt"
tar --exclude=checkpoints --exclude='weights*.bin' -czf "$OUT/run6.tar.gz" -C "$W" .
cat "$W/times.txt"; grep -h "valid" "$W"/k/*/log.txt | cut -c1-200; cat "$W/bench/bench-gpu.md" | head -60
