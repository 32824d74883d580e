#!/usr/bin/env bash
# The GPU device check in one run that fits a lease: core-only build, device facts, GPU vs CPU pose energies,
# redocking top-1 agreement, same seed twice = same bytes, and a throughput run that sizes itself to the time left.
#
#   benchmarks/gpu/run_device_checks.sh [--dry-run] [KIT]        (KIT: the folder `make gpu-kit` wrote, build/gpu-kit)
#
# The timings files carry the back-end's profile (grid-map passes, kernel time per variant and size bucket), which the
# report tabulates. Writes to $OUT (else build/device-check): report.json, report.txt (the table, also printed last), log.txt,
# device.txt and raw.tar.gz (every program output). Whole run, build included, within BUDGET_S seconds (450).
# --dry-run or VSCREEN_SKIP_CUDA=1: the CUDA part skipped (no nvcc, no device); the CPU back-end runs every step.
# Other variables: JOBS (build jobs, all cores), BUILD (build folder, /tmp/vscreen-device-build),
# THROUGHPUT_SEARCH (detail: exhaustiveness 8, Vina's steps), PROBE (drugs of the timed first batch, 16),
# SEARCH_MIN_BLOCKS (the search kernel's register cap as 128-thread blocks per SM, e.g. 4; empty: none).
set -euo pipefail
t0=$(date +%s)
dry=${VSCREEN_SKIP_CUDA:-0}
if [ "${1:-}" = "--dry-run" ]; then dry=1; shift; fi
KIT=${1:-build/gpu-kit}
OUT=${OUT:-build/device-check}
BUDGET_S=${BUDGET_S:-450}
JOBS=${JOBS:-$(nproc)}
BUILD=${BUILD:-/tmp/vscreen-device-build}
THROUGHPUT_SEARCH=${THROUGHPUT_SEARCH:-detail}
PROBE=${PROBE:-16}
SEARCH_MIN_BLOCKS=${SEARCH_MIN_BLOCKS:-}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -f "$KIT/manifest.json" ] || { echo "run_device_checks: no kit at $KIT (make gpu-kit)" >&2; exit 2; }
mkdir -p "$OUT"
RAW=$(mktemp -d)
: > "$OUT/log.txt"
elapsed() { echo $(( $(date +%s) - t0 )); }
left() { echo $(( BUDGET_S - $(elapsed) )); }
log() { echo "[$(elapsed) s] $*" | tee -a "$OUT/log.txt"; }
py() { python3 - "$@"; }
# A program run that fails is logged with the end of its messages and the check goes on (the report marks what is
# missing), so that a first run on a new device still reports everything that worked.
run_app() {
  "$@" 2>> "$RAW/app.log" || { local rc=$?; log "FAILED (exit $rc): ${*: -2}"; tail -3 "$RAW/app.log" | tee -a "$OUT/log.txt"; }
}
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$@"; }

# 1. The device.
if [ "$dry" = 1 ]; then
  echo "dry run: CUDA skipped, CPU back-end ($(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-))" > "$OUT/device.txt"
  backend=cpu; cuda=OFF
else
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem,power.limit \
    --format=csv > "$OUT/device.txt" 2>&1 || echo "nvidia-smi failed" >> "$OUT/device.txt"
  nvcc --version | tail -2 >> "$OUT/device.txt" 2>&1 || true
  backend=cuda; cuda=ON
fi
log "device: $(tr '\n' ' ' < "$OUT/device.txt")"

# 2. Core-only build (C++17 compiler, CMake and, unless dry, the CUDA toolkit).
log "build: core only, CUDA $cuda, $JOBS jobs"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DVSCREEN_RDKIT=OFF -DVSCREEN_OPENMM=OFF -DVSCREEN_PYTHON=OFF \
  -DVSCREEN_TESTS=OFF -DVSCREEN_BENCHMARKS=OFF -DVSCREEN_CUDA=$cuda -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DVSCREEN_CUDA_SEARCH_MIN_BLOCKS="$SEARCH_MIN_BLOCKS" > "$RAW/build.log" 2>&1
cmake --build "$BUILD" -j"$JOBS" --target vscreen_dock >> "$RAW/build.log" 2>&1 || { tail -30 "$RAW/build.log"; exit 1; }
APP="$BUILD/bin/vscreen-dock"
log "build: done"

MPRO_BOX=$(json_get "$KIT/manifest.json" "' '.join(['--center'] + [str(x) for x in d['mpro']['center']] + ['--size'] + [str(x) for x in d['mpro']['size']])")
SEARCH=$(json_get "$KIT/manifest.json" "d['reference']['search']")
SEED=$(json_get "$KIT/manifest.json" "d['reference']['seed']")
SAMPLE=$(json_get "$KIT/manifest.json" "d['reference']['drug_sample']")
NAMES=$(json_get "$KIT/manifest.json" "' '.join(c['name'] for c in d['complexes'])")
box_of() { json_get "$KIT/manifest.json" "' '.join(['--center'] + [str(x) for x in [c for c in d['complexes'] if c['name'] == '$1'][0]['center']] + ['--size'] + [str(x) for x in [c for c in d['complexes'] if c['name'] == '$1'][0]['size']])"; }

# 3. Energies of fixed poses (crystal poses; the CPU's top-1 drug poses) on the device.
log "energies: fixed poses"
for n in $NAMES; do
  run_app "$APP" --mode score --backend $backend --receptor "$KIT/redock/$n/receptor.pdbqt" --ligands "$KIT/redock/$n/crystal.pdbqt" \
    $(box_of "$n") --out "$RAW/score_crystal_$n.json"
done
run_app "$APP" --mode score --backend $backend --receptor "$KIT/mpro/receptor.pdbqt" --ligands "$KIT/reference/drug_poses" \
  $MPRO_BOX --out "$RAW/score_drug_poses.json"

# 3b. Grid maps of the drugs' types vs Mpro built on the device and on the CPU, value by value.
log "grid maps: device vs CPU"
run_app "$APP" --mode grids --backend $backend --receptor "$KIT/mpro/receptor.pdbqt" --ligands "$KIT/drugs" --limit 64 \
  $MPRO_BOX --out "$RAW/grids.json"

# 4. Redocking with the reference settings (skips what the budget cannot hold: 60 % of it for the steps so far).
log "redocking: search $SEARCH, seed $SEED"
for n in $NAMES; do
  if [ "$(left)" -lt $(( BUDGET_S * 2 / 5 )) ]; then log "redocking: time budget reached, $n and later skipped"; break; fi
  run_app "$APP" --backend $backend --search "$SEARCH" --seed "$SEED" --receptor "$KIT/redock/$n/receptor.pdbqt" \
    --ligands "$KIT/redock/$n/start.pdbqt" $(box_of "$n") --out "$RAW/redock_$n.json"
done

# 5. The drug sample twice with one seed: byte-identical results, and the same as the CPU's?
log "repeat: $SAMPLE drugs twice"
for r in a b; do
  run_app "$APP" --backend $backend --search "$SEARCH" --seed "$SEED" --receptor "$KIT/mpro/receptor.pdbqt" --ligands "$KIT/drugs" \
    --limit "$SAMPLE" $MPRO_BOX --out "$RAW/repeat_$r.json" --timings "$RAW/repeat_${r}_timings.json"
done

# 5b. The same sample on the CUDA search kernel's global-memory variant (VSCREEN_CUDA_SEARCH=global; the default picks
#     shared memory where a bucket's scratch fits): the same bytes as the default's run, and its own time per bucket.
if [ "$dry" = 0 ]; then
  log "variant: $SAMPLE drugs on the global-memory kernel"
  run_app env VSCREEN_CUDA_SEARCH=global "$APP" --backend $backend --search "$SEARCH" --seed "$SEED" --receptor "$KIT/mpro/receptor.pdbqt" \
    --ligands "$KIT/drugs" --limit "$SAMPLE" $MPRO_BOX --out "$RAW/variant_global.json" \
    --timings "$RAW/variant_global_timings.json"
fi

# 5c. The same sample with the search kernel's registers capped at 128 (__launch_bounds__(128, 4): 16 warps per SM
#     instead of 9-13, some spills): the build reconfigured in place (only the CUDA library recompiles, ~10 s), the
#     sample run, the build put back. Same bytes? Faster? Skipped in a dry run, when SEARCH_MIN_BLOCKS is set
#     already, or with under half the budget left.
if [ "$dry" = 0 ] && [ -z "$SEARCH_MIN_BLOCKS" ] && [ "$(left)" -gt $(( BUDGET_S / 2 )) ]; then
  log "register cap: rebuilding with VSCREEN_CUDA_SEARCH_MIN_BLOCKS=4"
  if cmake -S . -B "$BUILD" -DVSCREEN_CUDA_SEARCH_MIN_BLOCKS=4 >> "$RAW/build.log" 2>&1 &&
     cmake --build "$BUILD" -j"$JOBS" --target vscreen_dock >> "$RAW/build.log" 2>&1; then
    log "register cap: $SAMPLE drugs"
    run_app "$APP" --backend $backend --search "$SEARCH" --seed "$SEED" --receptor "$KIT/mpro/receptor.pdbqt" \
      --ligands "$KIT/drugs" --limit "$SAMPLE" $MPRO_BOX --out "$RAW/variant_cap.json" \
      --timings "$RAW/variant_cap_timings.json"
  else
    log "register cap: build failed (see build.log)"
  fi
  cmake -S . -B "$BUILD" -DVSCREEN_CUDA_SEARCH_MIN_BLOCKS= >> "$RAW/build.log" 2>&1
  cmake --build "$BUILD" -j"$JOBS" --target vscreen_dock >> "$RAW/build.log" 2>&1 || { tail -30 "$RAW/build.log"; exit 1; }
  log "register cap: build restored"
fi

# 6. Throughput: a timed probe of PROBE drugs, then as many drugs as fit the time left (30 s kept back). The batch
#    size comes from the probe (an eighth of the time left at its rate: the probe's first drugs can be cheaper than the
#    rest); vscreen-dock --time-limit starts no batch that
#    would end past the limit, and `timeout` stops it 15 s before the budget as a last resort (its timings are written
#    after every batch, so the batches done still give a rate). A slow kernel still gives a figure.
total=$(ls "$KIT/drugs" | wc -l)
log "throughput 1 (probe): $PROBE drugs, search $THROUGHPUT_SEARCH"
run_app "$APP" --backend $backend --search "$THROUGHPUT_SEARCH" --seed 7 --receptor "$KIT/mpro/receptor.pdbqt" --ligands "$KIT/drugs" \
  --limit "$PROBE" $MPRO_BOX --out "$RAW/throughput_1.json" --timings "$RAW/throughput_1_timings.json"
rate=0
[ -f "$RAW/throughput_1_timings.json" ] && rate=$(json_get "$RAW/throughput_1_timings.json" "d['ligands_per_s']")
room=$(( $(left) - 30 ))
if [ "$rate" = 0 ]; then
  log "throughput 2: skipped (the probe gave no rate)"
elif [ "$room" -gt 0 ]; then
  batch=$(python3 -c "print(max($PROBE, min($total, int($rate * $room / 8))))")
  log "throughput 2: probe $rate ligands/s; all $total drugs in batches of $batch, $room s at most"
  timeout $(( $(left) - 15 )) "$APP" --backend $backend --search "$THROUGHPUT_SEARCH" --seed 7 \
    --receptor "$KIT/mpro/receptor.pdbqt" --ligands "$KIT/drugs" --batch "$batch" --time-limit "$room" $MPRO_BOX \
    --out "$RAW/throughput_2.json" --timings "$RAW/throughput_2_timings.json" 2>> "$RAW/app.log" ||
    log "throughput 2: stopped by timeout; the batches done count"
fi

# 7. The report (JSON + table, printed last).
log "report"
python3 "$HERE/device_report.py" --kit "$KIT" --raw "$RAW" --device "$OUT/device.txt" --dry-run "$dry" \
  --elapsed "$(elapsed)" --out "$OUT/report.json" > "$OUT/report.txt"
tar -czf "$OUT/raw.tar.gz" -C "$RAW" .
rm -rf "$RAW"
log "done in $(elapsed) s"
cat "$OUT/report.txt"
