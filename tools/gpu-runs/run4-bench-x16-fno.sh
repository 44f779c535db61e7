#!/usr/bin/env bash
# GPU machine, call 4 (issues 10 and 8): npm run bench:gpu alone on the card first; then the Re 16000 set again
# (same command as calls 1 and 2), the x16 SRCNN (call 1) and EDSR (call 2) packages scored with the tiling fix
# (they travel under models/), and FNO at x8 and x16 trained for the rest of the call and scored.
set -uo pipefail
source .device/env.sh
A=.device/app/app.mjs
W=/tmp/r4
mkdir -p "$W/gen" "$W/b"
start=$(date +%s)
timeout 170 node $A bench "$W/bench" > "$W/bench.txt" 2>&1
echo "bench exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
timeout 200 node $A generate --out "$W/gen" --data gpu-data --size 2048 --snapshots 20 --t-start 1 --interval 0.1 \
  --seed 1 --re 16000 > "$W/gen/stdout.txt" 2>&1
echo "generate exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
D=gpu-data/nskt_re16000_n2048
for net in srcnn edsr; do
  node $A train --out "$W/b" --data $D --nets $net --tasks bicubic-x16 --score-only --models models \
    --backend webgpu --tag $net-x16-rescore > "$W/b/$net-x16-rescore.out" 2>&1 &
done
left=$(( 462 - ($(date +%s) - start) ))
budget=$(( left - 100 ))
echo "FNO budget $budget s, $left s left" >> "$W/times.txt"
for task in bicubic-x8 bicubic-x16; do
  timeout $(( left - 15 )) node $A train --out "$W/b" --data $D --nets fno --tasks $task --epochs 100000 \
    --seconds "$budget" --crops 64 --backend webgpu > "$W/b/fno.$task.out" 2>&1 &
done
wait
echo "all done after $(( $(date +%s) - start )) s" >> "$W/times.txt"
# FNO x16's weights (38 MB) do not fit beside x8's in what comes back (64 MiB a call): results only.
tar --exclude=checkpoints --exclude=fno-nskt-x16 -czf - -C "$W" . | split -b 15m - "$OUT/run4.tar.gz.part-"
cp "$W/times.txt" "$OUT/"; grep -h rfne "$W/b/log.txt" | cut -c1-200; tail -n 40 "$W/bench.txt"
