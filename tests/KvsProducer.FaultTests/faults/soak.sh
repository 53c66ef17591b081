#!/usr/bin/env bash
# The fault soak (issue 11, not part of CI): kvs stream for MINUTES (default 30) against kvs local in a
# private network namespace, with a 25 s blackout every minute; then exactly-once accounting, recovery
# after each blackout and the producer's RSS over time (soak-report.py).
#   tests/KvsProducer.FaultTests/faults/soak.sh KVS_DLL OUT [MINUTES]      (or ./build.sh --target=Soak)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kvs_dll=$(realpath "$1"); out=$(realpath -m "$2"); minutes=${3:-30}
seconds=$((minutes * 60))
rm -rf "$out"; mkdir -p "$out"
clip="$here/../../data/h264-640x480.h264"
[[ -f $clip ]] || clip="$here/../clips/h264-640x480.h264"
# Long enough for the soak plus a slow start; the producer gets SIGTERM MINUTES after its first stored fragment.
for _ in $(seq 1 $(((seconds + 120) / 3))); do cat "$clip"; done > "$out/source.h264"
OUT="$out/run" KVS_DLL="$kvs_dll" ENDPOINT=local COMMAND=stream SOURCE="$out/source.h264" STOP_AT=$seconds \
  FAULTS="blackouts:30:60:25" STANDIN="$here/../standin/kvs_standin.py" RELAY="$here/delay_relay.py" \
  unshare -n -m bash "$here/run-scenario.sh" > "$out/script.log" 2>&1
rm -f "$out/source.h264"
/usr/bin/python3 "$here/soak-report.py" "$out/run" | tee "$out/soak-report.md"
