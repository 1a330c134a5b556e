#!/usr/bin/env bash
# Focused experiment for the small-packet cost of TUN offloads: 64-byte UDP (trafgen, flat out, 8 flows) through the
# e2e-bench topology, four contenders alternated per round: the C forwarder without and with the virtio-net header
# (cfwd-1q-off: IFF_VNET_HDR + TUNSETOFFLOAD, nothing of xlat64's in the way), and xlat64 1-queue backoff without
# (--no-offload) and with offloads. Prints CSV: received pkt/s, loss, translator CPU %, CPU us per received packet.
# PERF=1 also records a cpu-clock call-graph profile of each contender in round 1 (/tmp/perf-CONTENDER.data).
# usage: sudo [ROUNDS=3] [SECS=5] [PERF=1] bench/scripts/vnet-udp-experiment.sh   (about 40 s per round)
set -euo pipefail
E2E_BENCH_SOURCE_ONLY=1 source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/e2e-bench.sh"
SECONDS_PER_TEST=${SECS:-5}
ROUNDS=${ROUNDS:-3}
prepare
topology
echo "round,contender,test,pps,loss_pct,cpu_pct,cpu_us_per_pkt"
for r in $(seq "$ROUNDS"); do
  for c in cfwd-1q cfwd-1q-off xlat64-1q-backoff-nooff xlat64-1q-backoff; do
    start_contender "$c"
    perfpid=""
    if [ -n "${PERF:-}" ] && [ "$r" = 1 ]; then
      perf record -q -e cpu-clock -g -o "/tmp/perf-$c.data" -p "$TRANSLATOR_PID" -- sleep 4 >/dev/null 2>&1 &
      perfpid=$!
    fi
    m="$(measure_udp 64)"; read -r pps loss gbps cpu <<<"$m"
    echo "$r,$c,udp64,$pps,$loss,$cpu,$(python3 -c "print(f'{$cpu / 100 / max(1, $pps) * 1e6:.2f}')")"
    [ -n "$perfpid" ] && { wait "$perfpid" 2>/dev/null || true; }
    stop_contender
  done
done
