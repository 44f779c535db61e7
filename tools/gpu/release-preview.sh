#!/usr/bin/env bash
# A small NSKT release on the GPU machine through the bundled CLI, end to end: generate (the release's calibrated
# parameters; TRAJ train,valid,test trajectories), verify the values against their checksums, and score
# SuperBench's compat bicubic on its test splits from the files, as a user would. Run from the repository root on
# the GPU machine after `npm run bench:gpu` here (device tool, carry [".device"]):
#   bash tools/gpu/release-preview.sh [RELEASE] [TRAJ]        # defaults: nskt16k-fb-v1 1,1,2
# Writes card.json, progress.log, verify.txt, compat-<task>.json and times.txt to $OUT.
set -u
release=${1:-nskt16k-fb-v1}
traj=${2:-1,1,2}
data=/tmp/release-preview
rm -rf "$data"
source .device/env.sh
fb() { node .device/app/app.mjs "$@"; }
stamp() { python3 -c 'import time; print(time.time())'; }
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >"$OUT/gpu.txt" 2>&1
start=$(stamp)
timeout 330 node .device/app/app.mjs datasets generate nskt --release "$release" --trajectories "$traj" \
  --backend webgpu --out "$data" --json >"$OUT/card.json" 2>"$OUT/progress.log"
echo "generate: exit $? wall $(python3 -c "print(round($(stamp) - $start, 1))") s" >>"$OUT/times.txt"
start=$(stamp)
timeout 60 node .device/app/app.mjs datasets verify --data "$data" >"$OUT/verify.txt" 2>&1
echo "verify: exit $? wall $(python3 -c "print(round($(stamp) - $start, 1))") s" >>"$OUT/times.txt"
for task in bicubic-x8 bicubic-x16; do
  start=$(stamp)
  timeout 75 node .device/app/app.mjs run superbench --data "$data" --task "$task" --mode compat \
    --model bicubic-superbench --shard 0/2 --quiet --json --out "$OUT/compat-$task.json" >/dev/null 2>>"$OUT/times.txt"
  echo "score $task: exit $? wall $(python3 -c "print(round($(stamp) - $start, 1))") s" >>"$OUT/times.txt"
done
ls -la "$data" "$data"/* >>"$OUT/times.txt" 2>&1
