#!/usr/bin/env bash
# GPU machine, session 3, call 1 (issues 10 and 8): npm run bench:gpu alone on the card (now with FlatAdam, tfjs's
# tiled backprop-input and the command-buffer submit size); then the Re 16000 set again (same command as before:
# bit-identical values); then, side by side, FNO at x8 and x16 as SuperBench built it and with a global skip
# (--global-skip: the output adds the bicubic pre-upsampled input), and the kernel check: SRCNN and EDSR for 6
# epochs from one seed with tfjs's stock kernels + tf.train.adam and with split-K + tiled backprop-input + FlatAdam.
# Work stays in gpu-data/r5 (kept while the machine is warm, for the follow-up call that fetches what did not fit).
set -uo pipefail
source .device/env.sh
A=.device/app/app.mjs
W=gpu-data/r5
mkdir -p "$W/gen" "$W/k" "$W/plain" "$W/skip"
start=$(date +%s)
timeout 200 node $A bench "$W/bench" > "$W/bench.txt" 2>&1
echo "bench exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
timeout 220 node $A generate --out "$W/gen" --data gpu-data --size 2048 --snapshots 20 --t-start 1 --interval 0.1 \
  --seed 1 --re 16000 > "$W/gen/stdout.txt" 2>&1
echo "generate exit $? after $(( $(date +%s) - start )) s" >> "$W/times.txt"
D=gpu-data/nskt_re16000_n2048
for k in stock new; do
  for net in srcnn edsr; do
    if [ $k = stock ]; then env_k="FIELDBENCH_WEBGPU_STOCK_KERNELS=1"; opt="--optimizer adam";
    else env_k="FIELDBENCH_WEBGPU_MM_BACKPROP_INPUT=1"; opt=""; fi
    env $env_k timeout 300 node $A train --out "$W/k/$k" --data $D --nets $net --tasks bicubic-x8 --epochs 6 \
      --crops 8 --no-score --backend webgpu $opt > "$W/k/$k.$net.out" 2>&1 &
  done
done
left=$(( 560 - ($(date +%s) - start) ))
budget=$(( left - 110 ))
echo "FNO budget $budget s, $left s left" >> "$W/times.txt"
for v in plain skip; do
  for task in bicubic-x8 bicubic-x16; do
    timeout $(( left - 10 )) node $A train --out "$W/$v" --data $D --nets fno --tasks $task --epochs 100000 \
      --seconds "$budget" --crops 64 --backend webgpu --tag "fno-$v.$task" $([ $v = skip ] && echo --global-skip) \
      > "$W/$v/fno.$task.out" 2>&1 &
  done
done
wait
echo "all done after $(( $(date +%s) - start )) s" >> "$W/times.txt"
# Weights: one 38 MB FNO package fits beside the logs (64 MiB a call): the skip variant's x8; the rest waits in $W.
tar --exclude=checkpoints --exclude='fno-nskt-*' -czf "$OUT/run5.tar.gz" -C "$W" .
tar -cf - -C "$W/skip/models" fno-nskt-x8 | split -b 15m - "$OUT/fno-skip-x8.tar.part-"
cp "$W/times.txt" "$OUT/"; ls -la "$OUT"; cat "$W/times.txt"
grep -h rfne "$W"/plain/log.txt "$W"/skip/log.txt | cut -c1-220; tail -n 60 "$W/bench.txt"
