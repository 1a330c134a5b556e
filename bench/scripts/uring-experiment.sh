#!/usr/bin/env bash
# Focused experiment: does batching the TUN syscalls with io_uring raise the small-packet ceiling of a user-space
# TUN translator? UDP from trafgen (flat out, 8 flows) through the e2e-bench topology, the C ceiling with one blocking
# read()+write() per packet (cfwd-1q) alternated per round with its io_uring variants (bench/c/tunfwd-uring.c):
#   cfwd-1q-uring-plain   no setup flags                          cfwd-1q-uring         SINGLE_ISSUER|DEFER_TASKRUN
#   cfwd-1q-uring-coop    SINGLE_ISSUER|COOP_TASKRUN              cfwd-1q-uring-d32/128 defer, 32/128 buffers (not 64)
#   cfwd-1q-uring-mshot   defer, READ_MULTISHOT + buffer ring     cfwd-1q-uring-sqpoll  SQPOLL (a kernel submit thread)
# Prints CSV: received pkt/s, loss, translator CPU % (all its threads, iou-sqp included), CPU us per received packet,
# and for the io_uring variants the packets per io_uring_enter over the contender's life (both sizes).
# PERF=1 also records a cpu-clock call-graph profile of each contender in round 1 (/tmp/perf-uring-CONTENDER.data).
# usage: [ROUNDS=4] [SECS=5] [SIZES="64 1400"] [URING_CONTENDERS="..."] [PERF=1] bench/scripts/uring-experiment.sh
# (needs root; about 2 min per round with the defaults)
set -euo pipefail
# e2e-bench.sh sets its own defaults when sourced: take ours from the environment first, apply them after.
MY_CONTENDERS="${URING_CONTENDERS:-cfwd-1q cfwd-1q-uring-plain cfwd-1q-uring-coop cfwd-1q-uring cfwd-1q-uring-d32 cfwd-1q-uring-d128 cfwd-1q-uring-mshot cfwd-1q-uring-sqpoll}"
MY_ROUNDS="${ROUNDS:-4}" MY_SECS="${SECS:-5}" MY_SIZES="${SIZES:-64 1400}"
E2E_BENCH_SOURCE_ONLY=1 source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/e2e-bench.sh"
CONTENDERS="$MY_CONTENDERS" RFC8219_CONTENDERS=""  # prepare builds xlat64 only if a contender needs it
ROUNDS="$MY_ROUNDS" SECONDS_PER_TEST="$MY_SECS" SIZES="$MY_SIZES"
prepare
topology
echo "round,contender,test,pps,loss_pct,cpu_pct,cpu_us_per_pkt,pkts_per_enter"
for r in $(seq "$ROUNDS"); do
  for c in $CONTENDERS; do
    start_contender "$c"
    rows=()
    for size in $SIZES; do
      perfpid=""
      if [ -n "${PERF:-}" ] && [ "$r" = 1 ] && [ "$size" = 64 ]; then
        perf record -q -e cpu-clock -g -o "/tmp/perf-uring-$c.data" -p "$TRANSLATOR_PID" -- sleep 4 >/dev/null 2>&1 &
        perfpid=$!
      fi
      read -r pps loss gbps cpu <<<"$(measure_udp "$size")"
      rows+=("$r,$c,udp$size,$pps,$loss,$cpu,$(python3 -c "print(f'{$cpu / 100 / max(1, $pps) * 1e6:.2f}')")")
      [ -n "$perfpid" ] && { wait "$perfpid" 2>/dev/null || true; }
    done
    # No iou-wrk threads expected: the reads and writes run inline (nonblocking fd, see tunfwd-uring.c).
    wrk="$(ps -eLo pid,comm | awk -v p="$TRANSLATOR_PID" '$1 == p && $2 ~ /^iou-wrk/' | wc -l)"
    [ "$wrk" = 0 ] || log "WARNING: $c has $wrk io-wq worker thread(s)"
    stop_contender  # SIGTERM: tunfwd-uring prints its counters to its log
    batch="$(awk '/^queue 0:/ {printf "%.1f", $11 / ($4 ? $4 : 1)}' "$WORK/$c.log")"
    for row in "${rows[@]}"; do echo "$row,${batch:--}"; done
  done
done
