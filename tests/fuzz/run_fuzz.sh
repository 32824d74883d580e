#!/usr/bin/env bash
# Runs each libFuzzer target for FUZZ_SECONDS and prints a table: inputs executed, seconds, crashes (make fuzz).
#   tests/fuzz/run_fuzz.sh BUILD_DIR CORPUS_DIR SECONDS [TARGET...]
# Parsers run with -timeout=1 (a hang is an input over 1 s); SMILES/InChI go through the whole preparation
# (RDKit's tautomer canonicalisation and embedding under ASan), where real drugs of 40-60 heavy atoms take 1-6 s
# (rifampicin's InChI: 0.18 s without ASan, over 5 s with it): -timeout=5 and inputs of at most 120 bytes.
set -uo pipefail
build=$1 corpus=$2 seconds=$3
shift 3
targets=${*:-ligand_pdbqt receptor_pdbqt sdf mol2 pdb_receptor smiles inchi}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$build/fuzz-runs
mkdir -p "$work"
export LSAN_OPTIONS="suppressions=$here/../lsan.supp:print_suppressions=0"
# Scratch files of the file readers on tmpfs where there is one: a busy disk once stalled an open() past -timeout.
if [ -w /dev/shm ]; then export TMPDIR=/dev/shm; else export TMPDIR=$work; fi
status=0
printf '| target | inputs executed | seconds | exec/s | crashes, leaks, timeouts | corpus |\n| --- | ---: | ---: | ---: | --- | ---: |\n'
for t in $targets; do
  timeout=1 extra=
  case $t in smiles|inchi) timeout=5 extra=-max_len=120 ;; esac
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  log=$work/$t/fuzz.log
  start=$(date +%s)
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=$timeout -rss_limit_mb=2048 -print_final_stats=1 $extra \
    -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" "$corpus/$t" > "$log" 2>&1
  rc=$?
  end=$(date +%s)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  findings=$(ls "$work/$t/artifacts" | tr '\n' ' ')
  [ $rc -ne 0 ] && status=1
  secs=$((end - start))
  printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "${runs:-?}" "$secs" "$(( ${runs:-0} / (secs > 0 ? secs : 1) ))" \
    "${findings:-none}$([ $rc -ne 0 ] && echo " (rc $rc, see $log)")" "$(ls "$work/$t/corpus" | wc -l)"
done
exit $status
