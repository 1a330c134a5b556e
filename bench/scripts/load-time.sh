#!/usr/bin/env bash
# Load time of a large EAM table (issue #20, docs/tables.md): generates an EAM file of N entries (default 1,000,001:
# 10.0.0.0+i/32 = 2001:db8:1::1:0:0+i/128, the /128s sharing 64+ bits, then one more), and measures with the default
# heap
#   1. `xlat64 check-config` of a config naming it (wall time, peak RSS: /usr/bin/time);
#   2. `xlat64 run` in a network namespace of its own until it is translating (the service's readiness signal, the
#      log line "translating on ..." it logs with sd_notify READY=1: TUN up, tables built), wall time and peak RSS
#      (VmHWM), then the table's size from the metrics (xlat64_eam_table_bytes / xlat64_eam_entries) and the heap in
#      use after a full GC, against the same run with a 1-entry table (the difference is what the table needs).
# Target (#20): <= 10 s each on the 2-core VM. Needs root (namespace, TUN). Measure on a quiet machine.
#
# usage: bench/scripts/load-time.sh [--entries N] [--rounds R]
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
ENTRIES=1000001
ROUNDS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --entries) ENTRIES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "load-time: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "load-time: needs root (network namespace, TUN)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
ls "$ROOT"/dist/target/xlat64/lib/xlat64-translator-*.jar >/dev/null 2>&1 || \
  { echo "load-time: build first: (cd $ROOT && mvn -q -o -DskipTests package)" >&2; exit 2; }

WORK="$(mktemp -d /tmp/xlat64-load.XXXXXX)"
NS="xlt$$"
PID=""
cleanup() {
  set +e
  [ -z "$PID" ] || { kill "$PID" 2>/dev/null; sleep 1; kill -9 "$PID" 2>/dev/null; }
  ip netns del "$NS" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# $1 entries -> $WORK/eam-$1.txt and $WORK/eam-$1.toml
generate() {
  python3 - "$1" "$WORK/eam-$1.txt" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    f.write("# %d entries\n" % n)
    for i in range(n - 1):
        a = 0x0A000000 + i
        f.write("%d.%d.%d.%d=2001:db8:1::1:%x:%x\n" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, i >> 16, i & 0xFFFF))
    f.write("192.0.2.2=2001:db8:1::2\n")
PY
  printf '[translator]\nprefix = "2001:db8:64::/96"\neam-file = "%s"\n' "$WORK/eam-$1.txt" >"$WORK/eam-$1.toml"
}

# check-config: prints "seconds maxrss_kb"
check_config() {
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$ROOT/xlat64" check-config "$WORK/eam-$1.toml" >"$WORK/check.log" 2>&1 || \
    { cat "$WORK/check.log" >&2; exit 1; }
  cat "$WORK/time"
}

# run until "translating on": prints "seconds vmhwm_kb table_bytes entries heap_used_kb"
run_until_translating() {
  ip netns add "$NS"; ip -n "$NS" link set lo up
  local t0 t1 i
  t0=$(date +%s.%N)
  ip netns exec "$NS" "$ROOT/xlat64" run --config "$WORK/eam-$1.toml" --tun lt0 --ipv4-addr 203.0.113.1 \
    --ipv6-addr 2001:db8:ffff::1 --metrics 127.0.0.1:9464 >"$WORK/run.log" 2>&1 &
  PID=$!
  for i in $(seq 1200); do
    grep -q "translating on" "$WORK/run.log" && break
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/run.log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s.%N)
  local hwm java metrics bytes entries heap
  java="$(pgrep -P "$PID" java || echo "$PID")"  # the launcher execs java: usually the same PID
  hwm="$(awk '/^VmHWM/ {print $2}' "/proc/$java/status")"
  metrics="$(ip netns exec "$NS" curl -s http://127.0.0.1:9464/metrics || true)"
  bytes="$(echo "$metrics" | awk '/^xlat64_eam_table_bytes/ {printf "%.0f", $2}')"
  entries="$(echo "$metrics" | awk '/^xlat64_eam_entries/ {printf "%.0f", $2}')"
  jcmd "$java" GC.run >/dev/null 2>&1 || true
  heap="$(jcmd "$java" GC.heap_info 2>/dev/null | awk '/garbage-first heap|PSYoungGen|def new/ && /used/ {for (i = 1; i <= NF; i++) if ($i == "used") {print $(i + 1); exit}}')"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  ip netns del "$NS"
  echo "$(python3 -c "print(f'{$t1 - $t0:.2f}')") $hwm ${bytes:-?} ${entries:-?} ${heap:-?}"
}

log "generating $ENTRIES entries"
generate "$ENTRIES"
generate 1
echo "entries,round,check_config_s,check_config_maxrss_kb,run_until_translating_s,run_vmhwm_kb,table_bytes,heap_used_after_gc"
for r in $(seq "$ROUNDS"); do
  for n in 1 "$ENTRIES"; do
    log "round $r: $n entries: check-config"
    read -r cs cm < <(check_config "$n")
    log "round $r: $n entries: run until translating"
    read -r rs rm tb en heap < <(run_until_translating "$n")
    echo "$n,$r,$cs,$cm,$rs,$rm,$tb,$heap"
    [ "$n" = 1 ] || [ "$tb" = "?" ] || log "table: $tb bytes for $en entries ($(( tb / en )) bytes an entry)"
  done
done
