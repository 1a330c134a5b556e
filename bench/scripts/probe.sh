#!/usr/bin/env bash
# Probes of one xlat64 contender in the e2e-bench topology (h6 -- gw -- h4, same addresses and generators), for the
# figures in bench/results/HISTORY.md that are properties rather than a side-by-side. Needs root.
#
# usage: bench/scripts/probe.sh alloc [SECONDS]              (default 10)
#          xlat64-1q-sleep under JFR, trafgen flat out with 64-byte UDP for SECONDS, then 20 pings: packets/s received
#          at h4, what the agent thread xlat64-queue-0 allocated over its whole life (jdk.ThreadAllocationStatistics,
#          set-up included) and how many allocation samples JFR took on it (jdk.ObjectAllocationSample).
#        bench/scripts/probe.sh tcp-reorder [CONTENDER [RUNS]]  (default xlat64-1q-sleep 3)
#          iperf3 TCP h6 -> h4, 4 s per run: Gbit/s, retransmits, and the receiver's out-of-order queueing
#          (nstat TcpExtTCPOFOQueue in h4).
#        bench/scripts/probe.sh idle-cost [CONTENDER [PPS]]     (default xlat64-1q-sleep 50000)
#          iperf3 UDP 64 B at a fixed rate for 5 s: translator CPU and io_uring_enter calls per packet (perf stat).
#        bench/scripts/probe.sh batch [CONTENDER [SECONDS]]     (default xlat64-1q-sleep 5)
#          trafgen flat out with 64-byte UDP (as e2e-bench.sh): packets/s received at h4 and io_uring_enter calls per
#          packet (perf stat over the measurement), i.e. how many packets one enter moves when saturated.
#        bench/scripts/probe.sh cpu-split [CONTENDER [SECONDS [RUNS]]]  (default xlat64-1q-sleep 5 3)
#          trafgen flat out with 64-byte UDP, RUNS times: packets/s received at h4, and the translator's user and
#          system CPU per received packet (utime and stime of its process): what it spends itself vs in the kernel's
#          TUN reads and writes; then per thread (a JVM's other threads against its data-plane agent's).
#        bench/scripts/probe.sh placement [CONTENDER [RUNS]]     (default xlat64-1q-sleep 6)
#          RUNS fresh starts, each trafgen flat out with 64-byte UDP: packets/s, and which CPU the translator's two
#          busiest threads and trafgen ran on 3 s in (ps psr), to tell a slow round from a scheduling accident.
#        bench/scripts/probe.sh agent-profile [SECONDS]           (default 5)
#          xlat64-1q-sleep with trafgen flat out: perf samples (cpu-clock) of its data-plane thread, kernel and JIT
#          code by symbol (jcmd Compiler.perfmap names the JIT's), the top 40 lines.
# Set ROOT_UNDER_TEST=DIR to probe another checkout's build (e.g. a git worktree of an older commit), side by side.
set -euo pipefail
MODE="${1:-}"; shift || true
ROOT="${ROOT_UNDER_TEST:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)}"
case "$MODE" in
  alloc) NAME=xlat64-1q-sleep; PROBE_SECONDS="${1:-10}" ;;
  tcp-reorder) NAME="${1:-xlat64-1q-sleep}"; RUNS="${2:-3}" ;;
  idle-cost) NAME="${1:-xlat64-1q-sleep}"; PPS="${2:-50000}" ;;
  batch) NAME="${1:-xlat64-1q-sleep}"; PROBE_SECONDS="${2:-5}" ;;
  placement) NAME="${1:-xlat64-1q-sleep}"; RUNS="${2:-6}" ;;
  cpu-split) NAME="${1:-xlat64-1q-sleep}"; PROBE_SECONDS="${2:-5}"; RUNS="${3:-3}" ;;
  agent-profile) NAME=xlat64-1q-sleep; PROBE_SECONDS="${1:-5}" ;;
  *) sed -n '2,29p' "$0" >&2; exit 2 ;;
esac
export E2E_BENCH_SOURCE_ONLY=1
# shellcheck source=e2e-bench.sh
source "$ROOT/bench/scripts/e2e-bench.sh" --contenders "$NAME" --no-readme
prepare
topology
ip netns exec "$H4" iperf3 -s -B "$H4_ADDR" >/dev/null 2>&1 &
BG_PIDS+=($!)

need_perf() {
  command -v perf >/dev/null || { log "installing linux-perf"; apt-get install -y -q linux-perf >/dev/null; }
}

# Per thread of the translator: "tid<TAB>name<TAB>utime<TAB>stime" (clock ticks; the name may hold spaces).
thread_times() {
  python3 - "$TRANSLATOR_PID" <<'PY'
import glob, sys
for path in glob.glob(f"/proc/{sys.argv[1]}/task/*/stat"):
    try:
        text = open(path).read()
    except OSError:
        continue  # the thread ended
    comm = text[text.index('(') + 1:text.rindex(')')]
    fields = text[text.rindex(')') + 2:].split()
    print(f"{path.split('/')[4]}\t{comm}\t{fields[11]}\t{fields[12]}")
PY
}

# The translator's io_uring_enter calls over the next SECONDS (perf stat on its process).
count_enters() {
  perf stat -e syscalls:sys_enter_io_uring_enter -p "$TRANSLATOR_PID" -o "$WORK/perf-stat.txt" -- sleep "$1"
  awk '/io_uring_enter/ {gsub(",", "", $1); print $1}' "$WORK/perf-stat.txt"
}

case "$MODE" in
  alloc)
    JFR_FILE="$WORK/agent.jfr"
    export JAVA_OPTS="-XX:StartFlightRecording=filename=$JFR_FILE,settings=profile"
    start_contender "$NAME"
    SECONDS_PER_TEST="$PROBE_SECONDS"
    read -r pps loss _ cpu < <(measure_udp 64)
    ip netns exec "$H6" ping -6 -c 20 -i 0.05 -q "$H4_AS_IPV6" >/dev/null
    stop_contender  # the JVM writes the recording as it exits
    allocated="$(jfr print --events jdk.ThreadAllocationStatistics "$JFR_FILE" | grep -B2 '"xlat64-queue-0"' \
      | awk '/allocated/ {v = $3 " " $4} END {print v}')"
    samples="$(jfr print --events jdk.ObjectAllocationSample "$JFR_FILE" | grep -c '"xlat64-queue-0"' || true)"
    echo "64-byte UDP for $PROBE_SECONDS s: $pps packets/s received at h4 (loss $loss%, translator CPU $cpu%)"
    echo "xlat64-queue-0 allocated $allocated over its life, set-up included; allocation samples on it: $samples"
    ;;
  tcp-reorder)
    start_contender "$NAME"
    sleep 1
    for i in $(seq "$RUNS"); do
      ip netns exec "$H4" nstat -n >/dev/null
      out="$(ip netns exec "$H6" iperf3 -6 -c "$H4_AS_IPV6" -t 4 -J 2>/dev/null || true)"
      ofo="$(ip netns exec "$H4" nstat -az TcpExtTCPOFOQueue | awk '/TCPOFOQueue/ {print $2}')"
      python3 - "$NAME" "$i" "$ofo" "$out" <<'PY'
import json, sys
name, run, ofo, out = sys.argv[1:]
end = json.loads(out)["end"]
print(f"{name} run {run}: {end['sum_received']['bits_per_second'] / 1e9:.2f} Gbit/s, "
      f"{end['sum_sent']['retransmits']} retransmits, TcpExtTCPOFOQueue {ofo}")
PY
    done
    stop_contender
    ;;
  idle-cost)
    need_perf
    ip netns exec "$H4" iperf3 -s -B "$H4_ADDR" -p 5202 >/dev/null 2>&1 &
    BG_PIDS+=($!)
    start_contender "$NAME"
    sleep 2
    ip netns exec "$H6" iperf3 -6 -c "$H4_AS_IPV6" -p 5202 -u -l 64 -b $((PPS * 64 * 8)) -t 8 >/dev/null 2>&1 &
    gen=$!
    sleep 2
    c0=$(cpu_ticks); t0=$(now)
    enters="$(count_enters 5)"
    c1=$(cpu_ticks); t1=$(now)
    wait "$gen" || true
    python3 - "$NAME" "$PPS" "$c0" "$c1" "$t0" "$t1" "$CLK_TCK" "${enters:-0}" <<'PY'
import sys
name = sys.argv[1]
pps, c0, c1, t0, t1, hz, enters = map(float, sys.argv[2:])
dt = t1 - t0; cpu = (c1 - c0) / hz / dt
print(f"{name} at {pps:.0f} pkt/s: translator CPU {cpu * 100:.1f}%, {cpu / pps * 1e6:.2f} us per packet, "
      f"io_uring_enter {enters / dt / pps:.2f} per packet")
PY
    stop_contender
    ;;
  cpu-split)
    start_contender "$NAME"
    sleep 1
    for i in $(seq "$RUNS"); do
      ip netns exec "$H6" timeout -s INT $((PROBE_SECONDS + 2)) trafgen -o eth0 -i "$(trafgen_config 64)" -P 1 \
        --no-sock-mem -Q -C >/dev/null 2>&1 &
      gen=$!; BG_PIDS+=("$gen")
      sleep 1
      # Fields 14 and 15 of /proc/PID/stat: utime and stime in clock ticks, all threads.
      t0=$(now); rx0=$(udp_received); read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$TRANSLATOR_PID/stat")
      thread_times >"$WORK/threads0"
      sleep "$PROBE_SECONDS"
      t1=$(now); rx1=$(udp_received); read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$TRANSLATOR_PID/stat")
      thread_times >"$WORK/threads1"
      wait "$gen" 2>/dev/null || true
      python3 - "$NAME" "$i" "$t0" "$t1" "$rx0" "$rx1" "$u0" "$u1" "$s0" "$s1" "$CLK_TCK" "$WORK/threads0" \
        "$WORK/threads1" <<'PY'
import sys
name, run = sys.argv[1:3]
t0, t1, rx0, rx1, u0, u1, s0, s1, hz = map(float, sys.argv[3:12])
rx = rx1 - rx0
print(f"{name} run {run}: {rx / (t1 - t0):.0f} packets/s received at h4; translator user "
      f"{(u1 - u0) / hz / rx * 1e9:.0f} ns, system {(s1 - s0) / hz / rx * 1e9:.0f} ns per packet")
def load(path):
    return {line.split('\t')[0]: line.rstrip('\n').split('\t')[1:] for line in open(path)}
before, after = load(sys.argv[12]), load(sys.argv[13])
for tid, (comm, u, s) in sorted(after.items(), key=lambda kv: -(int(kv[1][1]) + int(kv[1][2]))):
    bu, bs = (int(before[tid][1]), int(before[tid][2])) if tid in before else (0, 0)
    du, ds = int(u) - bu, int(s) - bs
    if du + ds > 0:
        print(f"  thread {comm}: user {du / hz / rx * 1e9:.0f} ns, system {ds / hz / rx * 1e9:.0f} ns per packet")
PY
    done
    stop_contender
    ;;
  batch)
    need_perf
    start_contender "$NAME"
    sleep 1
    SECONDS_PER_TEST="$PROBE_SECONDS"
    # perf stat covers the whole trafgen run (1 s warm-up + SECONDS); the enters are divided by what h4 received in it.
    rx0=$(udp_received)
    count_enters $((PROBE_SECONDS + 1)) >"$WORK/enters" &
    stat=$!
    read -r pps loss _ cpu < <(measure_udp 64)
    wait "$stat" || true
    rx1=$(udp_received)
    enters="$(cat "$WORK/enters")"
    python3 - "$NAME" "$pps" "$loss" "$cpu" "$rx0" "$rx1" "${enters:-0}" <<'PY'
import sys
name, pps, loss, cpu = sys.argv[1:5]
rx0, rx1, enters = map(float, sys.argv[5:])
rx = rx1 - rx0
print(f"{name}: {float(pps) / 1000:.0f}k packets/s received at h4 (loss {loss}%, translator CPU {cpu}%), "
      f"io_uring_enter {enters / rx:.3f} per packet ({rx / enters if enters else 0:.1f} packets per enter)")
PY
    stop_contender
    ;;
  placement)
    for r in $(seq "$RUNS"); do
      start_contender "$NAME"
      sleep 1
      ( sleep 3
        # ps's pcpu is over the thread's life: enough to rank the busy threads, not a measurement.
        t="$(ps -L -o psr=,pcpu=,comm= -p "$TRANSLATOR_PID" | sort -k2 -nr | head -2 \
          | awk '{printf "%s on CPU %s; ", $3, $1}')"
        g="$(ps -L -o psr=,pcpu= -C trafgen | sort -k2 -nr | awk 'NR == 1 {print $1}')"
        echo "  run $r placement: ${t}trafgen on CPU $g" ) &
      sampler=$!
      read -r pps loss _ cpu < <(measure_udp 64)
      wait "$sampler" || true
      echo "$NAME run $r: $((pps / 1000))k packets/s received at h4 (loss $loss%, translator CPU $cpu%)"
      stop_contender
    done
    ;;
  agent-profile)
    need_perf
    start_contender "$NAME"
    sleep 1
    ip netns exec "$H6" timeout -s INT $((PROBE_SECONDS + 6)) trafgen -o eth0 -i "$(trafgen_config 64)" -P 1 \
      --no-sock-mem -Q -C >/dev/null 2>&1 &
    gen=$!; BG_PIDS+=("$gen")
    sleep 3  # past the JIT's warm-up
    agent=$(grep -l '^xlat64-queue-0$' /proc/"$TRANSLATOR_PID"/task/*/comm | head -1 | cut -d/ -f5)
    perf record -q -e cpu-clock -F 5000 -t "$agent" -o "$WORK/agent.perf" -- sleep "$PROBE_SECONDS" >/dev/null 2>&1
    jcmd "$TRANSLATOR_PID" Compiler.perfmap >/dev/null  # /tmp/perf-PID.map: the JIT's symbols for perf report
    wait "$gen" 2>/dev/null || true
    echo "xlat64-queue-0 (thread $agent), $PROBE_SECONDS s of 64-byte UDP flat out: share of its samples by symbol"
    perf report -i "$WORK/agent.perf" --sort dso,sym --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40 || true
    echo "JIT and user-space share:"
    perf report -i "$WORK/agent.perf" --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8 || true
    rm -f "/tmp/perf-$TRANSLATOR_PID.map"
    stop_contender
    ;;
esac
