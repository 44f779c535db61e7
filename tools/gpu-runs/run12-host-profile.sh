#!/usr/bin/env bash
# GPU machine, session 3, call 8 (issue 10): where tfjs-webgpu's host time goes in an EDSR step on the H200's host
# (tools/profiling/webgpu-host-profile.ts; tiny inputs, so the GPU work is negligible), to compare with lavapipe's.
set -uo pipefail
source .device/env.sh
node .device/app/app.mjs host-profile 2>&1 | grep -v "^Warning" | tee "$OUT/host-profile.txt"
