#!/usr/bin/env bash
# The prepared GPU run, as ONE command on the lent GPU machine (bare: CUDA PyTorch and Python 3; no Node, no
# network), with .gpu-run carried (built here by `npm run gpu:pack`):
#
#     bash scripts/gpu-run/run.sh
#
# It writes into $OUT (./gpu-out when unset): gpu-pytorch.json (models/train/gpu_bench.py on CUDA),
# engines-webgpu.json (the app's ONNX engines on onnxruntime-node's WebGPU provider) or, when that provider cannot
# start or fails, engines-cpu.json (the same engines on this machine's CPU, labelled CPU, with the reason in its
# note), and run.log. Each file goes back through `npx dlm import FILE`. Every step has a time limit and a
# failed step is logged while the others still run: about 8 minutes at the very most.
# GPU_RUN_DRY=1 (`npm run gpu:dry-run`) runs the same steps on a machine without a GPU: nothing is installed
# into /, the sweeps are --quick and PyTorch runs on the CPU.
set -u
cd "$(dirname "$0")/../.."
root=$PWD
OUT=${OUT:-$root/gpu-out}
mkdir -p "$OUT"
dry=${GPU_RUN_DRY:-}
python=${PYTHON:-python3}
threads=${GPU_RUN_THREADS:-4}
work=$(mktemp -d /tmp/dlm-gpu-run.XXXXXX)

main() {
  local status=() quick=() device=cuda
  [ -n "$dry" ] && quick=(--quick) && device=cpu && threads=1
  echo "== $(date -u +%FT%TZ) prepared GPU run in $root (OUT=$OUT${dry:+, dry run})"
  if command -v nvidia-smi >/dev/null; then nvidia-smi -L; else echo "nvidia-smi: not available"; fi

  echo "== PyTorch reference (models/train/gpu_bench.py --device $device)"
  PYTHONUNBUFFERED=1 timeout 150 "$python" models/train/gpu_bench.py --device "$device" "${quick[@]}" \
    --items .gpu-run/gpu-items.jsonl --out "$OUT/gpu-pytorch.json"
  local rc=$?
  status+=("pytorch: exit $rc")
  [ $rc -eq 0 ] && stamp_git "$OUT/gpu-pytorch.json"

  echo "== unpacking .gpu-run/bundle.tar.xz into $work"
  if ! "$python" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' .gpu-run/bundle.tar.xz "$work"; then
    status+=("engines: no bundle (carry .gpu-run, built by npm run gpu:pack)")
    summary "${status[@]}"
    return
  fi
  vulkan_loader
  # The copy has no .git: the commit and its state come from the manifest written when the bundle was packed.
  export DLM_ROOT=$root
  export DLM_GIT_SHA=$(manifest gitSha) DLM_GIT_DIRTY=$(manifest gitDirty)
  local sweep=("$work/bin/node" "$work/engines-sweep.mjs" --items .gpu-run/gpu-items.jsonl --threads "$threads" "${quick[@]}")

  echo "== app ONNX engines, WebGPU provider"
  timeout 210 "${sweep[@]}" --ep webgpu --out "$OUT/engines-webgpu.json" 2>&1 | tee "$work/webgpu.log"
  rc=${PIPESTATUS[0]}
  status+=("engines webgpu: exit $rc")
  if [ $rc -ne 0 ]; then
    # The sweep's one line naming why (exit 3: the provider did not start), else the exit status.
    local why
    why=$(grep '^engines-sweep: ' "$work/webgpu.log" | tail -n 1 | sed 's/^engines-sweep: //')
    [ -z "$why" ] && why="exit $rc$([ $rc -eq 124 ] && echo ' (time limit)')"
    echo "== WebGPU failed (exit $rc): the same engines on the CPU provider, fewer lengths"
    timeout 100 "${sweep[@]}" --ep cpu $([ -z "$dry" ] && echo --lengths 16,64,256 --repeats 1) \
      --note "Fallback: the WebGPU run failed: $why" --out "$OUT/engines-cpu.json"
    status+=("engines cpu fallback: exit $?")
  fi
  summary "${status[@]}"
}

# Installs Debian's Vulkan loader (and libGLdispatch) where the image lacks them, and points the loader at
# NVIDIA's driver manifest when it is only in the driver's own folder. A dry run unpacks into $work instead of /.
vulkan_loader() {
  local sysroot=/
  [ -n "$dry" ] && sysroot=$work/sysroot && mkdir -p "$sysroot"
  for pair in libvulkan.so.1:libvulkan1 libGLdispatch.so.0:libglvnd0; do
    local lib=${pair%%:*} pkg=${pair#*:}
    if [ -z "$dry" ] && ldconfig -p | grep -q "$lib"; then echo "vulkan: $lib already present"; continue; fi
    for deb in "$work"/debs/"${pkg}"_*.deb; do dpkg -x "$deb" "$sysroot" && echo "vulkan: unpacked $(basename "$deb") into $sysroot"; done
  done
  if [ -n "$dry" ]; then export LD_LIBRARY_PATH=$sysroot/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; else ldconfig; fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1 && [ -f "$icd" ]; then
    export VK_DRIVER_FILES=$icd
    echo "vulkan: VK_DRIVER_FILES=$icd"
  fi
  ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>/dev/null | sed 's/^/vulkan: /'
}

manifest() { "$python" -c 'import json, sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print(str(v).lower() if isinstance(v, bool) else v)' "$work/manifest.json" "$1"; }

# gpu_bench.py asks git for the commit, which this copy lacks: fill it in from the manifest if there is one.
stamp_git() {
  [ -f .gpu-run/manifest.json ] || return 0
  "$python" - "$1" .gpu-run/manifest.json <<'PY'
import json, sys
report, manifest = (json.load(open(p)) for p in sys.argv[1:3])
if report["environment"]["gitSha"] == "unknown":
    report["environment"].update(gitSha=manifest["gitSha"], gitDirty=manifest["gitDirty"])
    json.dump(report, open(sys.argv[1], "w"), indent=2)
PY
}

summary() {
  echo "== summary"
  printf '%s\n' "$@"
  ls -l "$OUT"
}

main 2>&1 | tee "$OUT/run.log"
rm -rf "$work"
