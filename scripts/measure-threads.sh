#!/usr/bin/env bash
# Epoch time of the embedded default for several --threads values, without and with two busy
# loops beside it, interleaved round by round so that every configuration sees the same period of
# a shared machine. Prints one line per run: round, condition, threads, seconds of each epoch, load.
# The order of the thread counts alternates from round to round, so that drift favours none.
# Usage: ROUNDS=3 EPOCHS=2 THREADS="1 2" scripts/measure-threads.sh   (after a Release build of src/Cli)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}; epochs=${EPOCHS:-2}; read -r -a threads <<< "${THREADS:-1 2}"
tool=src/Cli/bin/Release/net10.0/adaptivelr
out=$(mktemp -d /tmp/measure-threads-XXXXXX)
busy=()
stop_busy() { for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null || true; done; busy=(); }
trap 'stop_busy; rm -rf "$out"' EXIT
echo -e "round\tcondition\tthreads\tepoch_seconds\tload1"
for round in $(seq 1 "$rounds"); do
  for condition in idle busy; do
    if [ "$condition" = busy ]; then yes >/dev/null & busy+=($!); yes >/dev/null & busy+=($!); fi
    order=("${threads[@]}")
    if (( round % 2 == 0 )); then order=(); for (( i=${#threads[@]}-1; i>=0; i-- )); do order+=("${threads[i]}"); done; fi
    for n in "${order[@]}"; do
      run="$out/r$round-$condition-$n"
      "$tool" train --epochs "$epochs" --threads "$n" --out "$run" >/dev/null
      seconds=$(tail -n +2 "$run/metrics.csv" | cut -d, -f5 | xargs printf '%.2f ')
      echo -e "$round\t$condition\t$n\t$seconds\t$(cut -d' ' -f1 /proc/loadavg)"
    done
    stop_busy
  done
done
