#!/usr/bin/env bash
# GPU machine, call 2 (issues 7, 8, 10): regenerates the Re 16000 set with call 1's command (its checksums must
# match call 1's card), scores call 1's SRCNN packages (travelled under models/), retrains EDSR, WDSR (learning rate
# 1e-3) and FNO at x8 and x16 for the rest of the call and scores them, and runs the kernel check: SRCNN and EDSR
# for 6 epochs from the same seed with tfjs's stock kernels and with the split-K filter gradient.
# Work stays in gpu-data/run2 (kept while the machine is warm); logs, results and the small packages go to $OUT.
set -uo pipefail
source .device/env.sh
A=.device/app/app.mjs
W=gpu-data/run2
mkdir -p "$W/gen" "$W/b" "$W/k"
start=$(date +%s)
timeout 260 node $A generate --out "$W/gen" --data gpu-data --size 2048 --snapshots 20 --t-start 1 --interval 0.1 \
  --seed 1 --re 16000 > "$W/gen/stdout.txt" 2>&1
echo "generate exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
D=gpu-data/nskt_re16000_n2048
for k in stock splitk; do
  for net in srcnn edsr; do
    FIELDBENCH_WEBGPU_STOCK_KERNELS=$([ $k = stock ] && echo 1 || echo 0) timeout 300 node $A train --out "$W/k/$k" \
      --data $D --nets $net --tasks bicubic-x8 --epochs 6 --crops 8 --no-score --backend webgpu > "$W/k/$k.$net.out" 2>&1 &
  done
done
node $A train --out "$W/b" --data $D --nets srcnn --tasks bicubic-x8,bicubic-x16 --score-only --models models \
  --backend webgpu --tag srcnn-run1 > "$W/b/srcnn-run1.out" 2>&1 &
left=$(( 565 - ($(date +%s) - start) ))
budget=$(( left - 140 ))
echo "training budget $budget s per net, $left s left" >> "$W/times.txt"
for task in bicubic-x8 bicubic-x16; do
  for net in edsr wdsr fno; do
    timeout $(( left - 15 )) node $A train --out "$W/b" --data $D --nets $net --tasks $task --epochs 100000 \
      --seconds "$budget" --crops 64 --lr-wdsr 1e-3 --backend webgpu > "$W/b/$net.$task.out" 2>&1 &
  done
done
wait
echo "all done after $(( $(date +%s) - start )) s" >> "$W/times.txt"
cp "$W/times.txt" "$OUT/times.txt"
tar --exclude=checkpoints --exclude='fno-nskt-*' -czf "$OUT/run2.tar.gz" -C "$W" .
ls -la "$OUT"
