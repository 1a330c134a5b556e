#!/usr/bin/env bash
# Zero-allocation probe of the data plane itself: xlat64 (1 queue, --idle sleep, io_uring as by default) in the
# e2e-bench topology under JFR, trafgen flat out with 64-byte UDP for S seconds, then 20 pings; prints the packets/s
# received at h4, what the agent thread xlat64-queue-0 allocated over its whole life (jdk.ThreadAllocationStatistics,
# set-up included) and how many allocation samples JFR took on it (jdk.ObjectAllocationSample). Needs root.
#
# usage: bench/scripts/alloc-probe.sh [SECONDS]   (default 10)
set -euo pipefail
PROBE_SECONDS="${1:-10}"
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
export E2E_BENCH_SOURCE_ONLY=1
# shellcheck source=e2e-bench.sh
source "$ROOT/bench/scripts/e2e-bench.sh" --contenders xlat64-1q-sleep --no-readme
JFR_FILE="$WORK/agent.jfr"
prepare
topology
export JAVA_OPTS="-XX:StartFlightRecording=filename=$JFR_FILE,settings=profile"
start_contender xlat64-1q-sleep
SECONDS_PER_TEST="$PROBE_SECONDS"
read -r pps loss _ cpu < <(measure_udp 64)
ip netns exec "$H6" ping -6 -c 20 -i 0.05 -q "$H4_AS_IPV6" >/dev/null
stop_contender  # the JVM writes the recording as it exits
allocated="$(jfr print --events jdk.ThreadAllocationStatistics "$JFR_FILE" | grep -B2 '"xlat64-queue-0"' \
  | awk '/allocated/ {v = $3 " " $4} END {print v}')"
samples="$(jfr print --events jdk.ObjectAllocationSample "$JFR_FILE" | grep -c '"xlat64-queue-0"' || true)"
echo "64-byte UDP for $PROBE_SECONDS s: $pps packets/s received at h4 (loss $loss%, translator CPU $cpu%)"
echo "xlat64-queue-0 allocated $allocated over its life, set-up included; allocation samples on it: $samples"
