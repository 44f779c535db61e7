#!/usr/bin/env bash
# GPU machine, call 1 (issues 7 and 8): the 2048² Re 16000 NSKT dataset, then every baseline at x8 and x16
# trained side by side (one process each: tfjs-webgpu's step is host-bound, so processes overlap on the card),
# scored next to bicubic. Results go to $OUT as one split tarball. Usage (device tool, carry [".device"]):
#   bash tools/gpu-runs/run1-re16000-baselines.sh SECONDS_PER_NET
set -uo pipefail
source .device/env.sh
A=.device/app/app.mjs
W=/tmp/run1
SECONDS_PER_NET=${1:-200}
mkdir -p "$W/gen" "$W/b"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$W/gpu.txt" 2>&1
start=$(date +%s)
# 1. The dataset (kept in gpu-data/, which a warm machine keeps for the next call).
timeout 260 node $A generate --out "$W/gen" --data gpu-data --size 2048 --snapshots 20 --t-start 1 --interval 0.1 \
  --seed 1 --re 16000 > "$W/gen/stdout.txt" 2>&1
echo "generate exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
D=gpu-data/nskt_re16000_n2048
# 2. Bicubic and the ten trainings at once, fitted into the call's 600 s: scoring (4 test fields at 2048²) and the
#    tarball need about 150 s after training.
left=$(( 570 - ($(date +%s) - start) ))
budget=$(( left - 160 < SECONDS_PER_NET ? left - 160 : SECONDS_PER_NET ))
echo "training budget $budget s per net, $left s left" >> "$W/times.txt"
node $A train --out "$W/b" --data $D --tasks bicubic-x8,bicubic-x16 --bicubic --tag bicubic > "$W/b/bicubic.out" 2>&1 &
for task in bicubic-x8 bicubic-x16; do
  for net in srcnn subpixel edsr wdsr fno; do
    timeout $(( left - 15 )) node $A train --out "$W/b" --data $D --nets $net --tasks $task \
      --epochs 100000 --seconds "$budget" --crops 64 --backend webgpu > "$W/b/$net.$task.out" 2>&1 &
  done
done
wait
echo "trainings done after $(( $(date +%s) - start )) s" >> "$W/times.txt"
nvidia-smi >> "$W/gpu.txt" 2>&1
# 3. Packages without checkpoints/ (Adam moments, last epoch) keep the tarball small; FNO's weights are the bulk.
cd "$W" && tar --exclude=checkpoints -czf - . | split -b 15m - "$OUT/run1.tar.gz.part-"
cp "$W/b/log.txt" "$OUT/log.txt" 2>/dev/null; cp "$W/times.txt" "$OUT/times.txt"
ls -la "$OUT"
