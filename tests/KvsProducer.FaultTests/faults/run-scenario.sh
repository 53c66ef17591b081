#!/usr/bin/env bash
# One fault scenario in a private network (and mount) namespace: run as `unshare -n -m run-scenario.sh`.
# Starts an endpoint (kvs local, or the Python stand-in) on 127.0.0.1:4566, a producer (kvs stream or
# kvs upload --json) against it, applies FAULTS on schedule, then reads back what was stored.
#
# Environment (all required unless a default is shown):
#   OUT          directory for every result file (outside any tmpfs of this script)
#   KVS_DLL      the built kvs.dll;  STANDIN  kvs_standin.py;  RELAY  delay_relay.py
#   ENDPOINT     local | standin
#   COMMAND      stream | upload;  SOURCE  a raw H.264 file
#   STOP_AT      seconds after the first stored fragment at which the producer gets SIGTERM (as systemd or
#                Ctrl+C stops a live stream: it drains, prints its summary, exits 130); empty = run to the end
#   FAULTS       space-separated, each one of:
#                  loss:PCT              drop PCT % of the packets to and from the endpoint (nft numgen)
#                  delay:MEAN:JITTER     every byte MEAN±JITTER ms late, each way (delay_relay.py)
#                  rate:RATE             tc tbf on lo at RATE (tc syntax: 4mbit, 100kbit)
#                  blackout:AT:SECONDS   drop everything on the endpoint port from AT for SECONDS
#                  blackouts:FIRST:EVERY:SECONDS   a blackout every EVERY s from FIRST, until the producer ends
#                  sigstop:AT:SECONDS    SIGSTOP the endpoint at AT, SIGCONT SECONDS later
#                  kill9:AT:DOWN         kill -9 the endpoint at AT, start it again DOWN s later (same data)
#                  diskfull:SIZE         the endpoint's data directory is a tmpfs of SIZE (e.g. 2m)
#                  writeerror:ID         the stand-in's ERROR ACK for a fragment it cannot store: 5001 (default) or 5000
#   PRODUCER_ARGS extra kvs arguments (optional)
# Results in OUT: producer.json, producer.err, producer.exit, endpoint*.log, faults.log (start/end epoch
# seconds), packets.csv (pts of every stored video packet), fragments.json or journal.jsonl, rss.csv.
set -uo pipefail
: "${OUT:?}" "${KVS_DLL:?}" "${ENDPOINT:?}" "${COMMAND:?}" "${SOURCE:?}"
FAULTS=${FAULTS:-}
PORT=4566
STREAM=fault
mkdir -p "$OUT"
DATA="$OUT/data"
mkdir -p "$DATA"
: > "$OUT/faults.log"
export AWS_ACCESS_KEY_ID=AKIDFAULTSUITE AWS_SECRET_ACCESS_KEY=faultsuitesecret AWS_REGION=us-west-2 AWS_EC2_METADATA_DISABLED=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_KINESIS_VIDEO AWS_SESSION_TOKEN

now() { date +%s.%N; }
note() { echo "$1 $2 $(now)" >> "$OUT/faults.log"; }
fail() { echo "run-scenario: $*" >&2; echo "run-scenario: $*" >> "$OUT/setup-error.txt"; exit 3; }

ip link set lo up || fail "cannot bring lo up (not in a private network namespace?)"
# A real link's MTU, so loss and rate limits act on Ethernet-sized packets, not 64 KiB loopback ones.
ip link set lo mtu 1500 || fail "cannot set the lo MTU"

for fault in $FAULTS; do
  if [[ $fault == diskfull:* ]]; then
    mount -t tmpfs -o size="${fault#diskfull:}" faultsuite "$DATA" || fail "cannot mount a tmpfs on $DATA (needs unshare -m)"
  fi
done

endpoint_pid=
start_endpoint() {
  local log="$OUT/endpoint-$1.log"
  if [[ $ENDPOINT == local ]]; then
    dotnet "$KVS_DLL" local --port $PORT --data-dir "$DATA" --creation-delay 0 > "$log" 2>&1 &
  else
    local write_error=5001
    for fault in $FAULTS; do [[ $fault == writeerror:* ]] && write_error=${fault#writeerror:}; done
    /usr/bin/python3 "$STANDIN" --port $PORT --data-dir "$DATA" --journal "$OUT/journal.jsonl" --write-error-id "$write_error" > "$log" 2>&1 &
  fi
  endpoint_pid=$!
  for _ in $(seq 1 300); do
    if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then return 0; fi
    kill -0 "$endpoint_pid" 2>/dev/null || fail "the endpoint exited at start (see $log)"
    sleep 0.1
  done
  fail "the endpoint did not listen on $PORT within 30 s (see $log)"
}
start_endpoint 1

nft add table inet faults || fail "nft is missing or not allowed"
nft add chain inet faults input '{ type filter hook input priority 0; policy accept; }'
nft add chain inet faults blackout
nft add rule inet faults input jump blackout
relay_pid=
for fault in $FAULTS; do
  IFS=: read -r kind a b c <<< "$fault"
  case $kind in
    loss)
      nft add rule inet faults input tcp dport $PORT numgen random mod 100 '<' "$a" drop
      nft add rule inet faults input tcp sport $PORT numgen random mod 100 '<' "$a" drop
      note loss "$a" ;;
    rate)
      # burst: a few packets; latency bounds the queue (packets beyond it are dropped, as on a slow uplink).
      tc qdisc add dev lo root tbf rate "$a" burst 16kb latency 500ms || fail "tc tbf failed"
      note rate "$a" ;;
    delay)
      /usr/bin/python3 "$RELAY" 4567 $PORT "$a" "$b" > "$OUT/relay.log" 2>&1 &
      relay_pid=$!
      nft add table ip faultnat
      nft add chain ip faultnat out '{ type nat hook output priority -100; }'
      nft add rule ip faultnat out meta mark != 1 tcp dport $PORT redirect to :4567 || fail "nft nat redirect failed"
      sleep 0.5
      note delay "$a:$b" ;;
  esac
done

# The producer.
args=("$COMMAND" --stream $STREAM --create --endpoint-url "http://127.0.0.1:$PORT" --source "file:$SOURCE" --json)
# shellcheck disable=SC2206
args+=(${PRODUCER_ARGS:-})
echo "$(now)" > "$OUT/producer.start"
dotnet "$KVS_DLL" "${args[@]}" > "$OUT/producer.json" 2> "$OUT/producer.err" &
producer_pid=$!

# Fault times count from the first stored fragment, not from the producer's start: on a loaded machine
# start-up (JIT, control plane) takes seconds, and a fault meant for a running stream must not hit it.
first_fragment_stored() {
  if [[ $ENDPOINT == local ]]; then compgen -G "$DATA/streams/*/fragments.jsonl" > /dev/null && [[ -n $(cat "$DATA"/streams/*/fragments.jsonl 2>/dev/null) ]]
  else [[ -s $OUT/journal.jsonl ]]; fi
}
for _ in $(seq 1 600); do
  first_fragment_stored && break
  kill -0 $producer_pid 2>/dev/null || break
  sleep 0.1
done
producer_start=$(now)
echo "$producer_start" > "$OUT/streaming.start"

# RSS of the producer every 5 s (the soak reads it): total, then its anonymous, file-backed and shared-memory
# parts in KiB (file pages are the mapped assemblies and libraries, shared memory the runtime's JIT code mapping).
( while kill -0 $producer_pid 2>/dev/null; do
    rss=$(awk '/^(VmRSS|RssAnon|RssFile|RssShmem):/ {v = v (v == "" ? "" : ",") $2} END {print v}' /proc/$producer_pid/status 2>/dev/null)
    [[ -n $rss ]] && echo "$(now),$rss" >> "$OUT/rss.csv"
    sleep 5
  done ) &

blackout_on() { nft add rule inet faults blackout tcp dport $PORT drop; nft add rule inet faults blackout tcp sport $PORT drop; note blackout-start "$1"; }
blackout_off() { nft flush chain inet faults blackout; note blackout-end "$1"; }
at() { # at SECONDS: sleep until SECONDS after the first fragment was stored
  local wait
  wait=$(awk -v s="$producer_start" -v t="$1" -v n="$(now)" 'BEGIN { w = s + t - n; print (w > 0 ? w : 0) }')
  sleep "$wait"
}

schedule_pids=()
for fault in $FAULTS; do
  IFS=: read -r kind a b c <<< "$fault"
  case $kind in
    blackout)
      ( at "$a"; blackout_on "$b"; sleep "$b"; blackout_off "$b" ) & schedule_pids+=($!) ;;
    blackouts)
      ( t=$a; while kill -0 $producer_pid 2>/dev/null; do at "$t"; kill -0 $producer_pid 2>/dev/null || break
          blackout_on "$c"; sleep "$c"; blackout_off "$c"; t=$(awk -v t="$t" -v e="$b" 'BEGIN { print t + e }'); done ) & schedule_pids+=($!) ;;
  esac
done

if [[ -n ${STOP_AT:-} ]]; then
  ( at "$STOP_AT"; note stop "$STOP_AT"; kill -TERM $producer_pid 2>/dev/null ) & schedule_pids+=($!)
fi

# Faults on the endpoint process run in this shell, which owns endpoint_pid.
for fault in $FAULTS; do
  IFS=: read -r kind a b c <<< "$fault"
  case $kind in
    sigstop) at "$a"; kill -STOP "$endpoint_pid"; note sigstop-start "$b"; sleep "$b"; kill -CONT "$endpoint_pid"; note sigstop-end "$b" ;;
    kill9) at "$a"; kill -9 "$endpoint_pid"; wait "$endpoint_pid" 2>/dev/null; note kill9-start "$b"; sleep "$b"; start_endpoint 2; note kill9-end "$b" ;;
  esac
done

wait $producer_pid
echo $? > "$OUT/producer.exit"
echo "$(now)" > "$OUT/producer.end"
for pid in "${schedule_pids[@]}"; do kill "$pid" 2>/dev/null; done
nft flush chain inet faults blackout
nft delete table inet faults
nft delete table ip faultnat 2>/dev/null
tc qdisc del dev lo root 2>/dev/null
[[ -n $relay_pid ]] && kill "$relay_pid" 2>/dev/null

# Read back what the endpoint stored.
if [[ $ENDPOINT == local ]]; then
  dotnet "$KVS_DLL" get-media --stream $STREAM --output "$OUT/stored.mkv" --endpoint-url "http://127.0.0.1:$PORT" --idle-seconds 3 > "$OUT/get-media.log" 2>&1 \
    || echo "get-media failed: exit $?" >> "$OUT/setup-error.txt"
  dotnet "$KVS_DLL" fragments --stream $STREAM --json --endpoint-url "http://127.0.0.1:$PORT" > "$OUT/fragments.json" 2> "$OUT/fragments.err" \
    || echo "fragments failed: exit $?" >> "$OUT/setup-error.txt"
else
  cp "$DATA/$STREAM/stream.mkv" "$OUT/stored.mkv" 2>/dev/null || : > "$OUT/stored.mkv"
fi
kill "$endpoint_pid" 2>/dev/null
wait "$endpoint_pid" 2>/dev/null
if [[ -s $OUT/stored.mkv ]]; then
  ffprobe -v error -select_streams v:0 -show_entries packet=pts -of csv=p=0 "$OUT/stored.mkv" > "$OUT/packets.csv" 2> "$OUT/ffprobe.err"
else
  : > "$OUT/packets.csv"
fi
mountpoint -q "$DATA" && umount "$DATA"
exit 0
