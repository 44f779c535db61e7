#!/bin/bash
# Release machinery on the H200 (issue 17): `fieldbench datasets generate nskt --release nskt16k-fb-v1` at 2048²
# with 2 train, 1 valid and 1 test trajectory (70 snapshots; the release's calibrated parameters), generated twice
# through the bundled CLI: the 2 train trajectories as one batch (--batch 2), then one trajectory at a time
# (--batch 1). The values must be bit-identical; the cards give time per step and per snapshot.
# Bundle: bash tools/bundle-gpu.sh packages/cli/src/bin.ts; run with carry [".device"]:
#   bash tools/gpu-runs/run-release-preview.sh
set -u
source .device/env.sh
fb() { node .device/app/app.mjs "$@"; }
data=/tmp/release-preview
rm -rf "$data"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader > "$OUT/gpu.txt" 2>&1
for batch in 2 1; do
  start=$(date +%s.%N)
  timeout 270 node .device/app/app.mjs datasets generate nskt --release nskt16k-fb-v1 --trajectories 2,1,1 \
    --backend webgpu --batch "$batch" --out "$data/b$batch" --json >"$OUT/card-b$batch.json" 2>"$OUT/progress-b$batch.log"
  echo "batch $batch: exit $? wall $(python3 -c "import time; print(round(time.time() - $start, 1))") s" >>"$OUT/times.txt"
done
fb datasets verify --data "$data/b1" >"$OUT/verify-b1.txt" 2>&1
python3 - "$OUT" >"$OUT/compare.txt" 2>&1 <<'PY'
import json, sys
out = sys.argv[1]
a, b = (json.load(open(f"{out}/card-b{k}.json")) for k in (2, 1))
same = [f["valueSha256"] for f in a["files"]] == [f["valueSha256"] for f in b["files"]]
print("bit-identical values (batch 2 vs batch 1):", same)
for k, c in (("2", a), ("1", b)):
    snaps = sum(len(f["valueSha256"]) for f in c["files"])
    print(f"batch {k}: {c['steps']} steps, {c['msPerStep']:.3f} ms per trajectory-step, compute {c['computeSeconds']:.1f} s, {snaps} snapshots")
print("test value checksum", a["dataset"]["testValueSha256"], b["dataset"]["testValueSha256"])
print("train std", a["dataset"]["std"])
PY
