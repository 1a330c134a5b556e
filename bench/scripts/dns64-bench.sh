#!/usr/bin/env bash
# DNS64 benchmark (not a test): dnsperf against `xlat64 dns64` and, in the same run, against unbound with its dns64
# module, both forwarding to the same upstream unbound that serves the data. Same machine, same prefix, same queries,
# the same thread count T for both: unbound `num-threads: T`, xlat64 `--threads T` (T event loops on SO_REUSEPORT
# sockets; unbound uses SO_REUSEPORT per thread as well). Each T in the list gets fresh servers (cold caches).
#
# For each T, for cache hits and for cache misses it prints, per server: queries/s at saturation, the server's CPU
# over the run (utime+stime of all its threads from /proc/PID/stat, in cores), queries/s per core, dnsperf's own CPU,
# and the p99 latency of a second run paced at 80% of that server's saturation rate (from dnsperf -v, one line per
# query). Then the xlat64/unbound ratios, and the p99 of both paced at one rate (80% of the slower one's
# saturation). Cache hits: 100 A-only names asked over and over (AAAA synthesized).
# Misses: a fresh name per query (AAAA, then A upstream).
#
# Usage: bench/scripts/dns64-bench.sh [seconds-per-run (default 10)] [dnsperf clients (default 8)] [thread counts
#        (default "1 2")]
# dnsperf runs with -T T (as many generator threads as server threads) and -c clients (distinct source ports, which
# the kernel's SO_REUSEPORT hash spreads over the server threads). JAVA_OPTS is passed to xlat64's JVM (the launcher
# honours it); it is printed with the results. Needs: ./xlat64 built (mvn -q -DskipTests package), unbound and dnsperf
# (Debian; installed if missing). Uses 127.0.0.1 only. A/B of xlat64's client UDP path: run it again with
# JAVA_OPTS=-Dxlat64.dns64.udp-batch=false (the JDK's DatagramChannel instead of recvmmsg/sendmmsg batches).
set -euo pipefail
secs="${1:-10}"
clients="${2:-8}"
thread_counts="${3:-1 2}"
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
command -v dnsperf >/dev/null 2>&1 || apt-get install -y dnsperf >/dev/null
command -v unbound >/dev/null 2>&1 || apt-get install -y unbound >/dev/null
work="$(mktemp -d /tmp/dns64-bench.XXXXXX)"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# The servers this script started and has not yet stopped (only these are killed).
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # A failed run keeps the servers' logs (and any JVM crash file) for a post-mortem; a good run leaves nothing.
  if [ "$rc" != 0 ]; then echo "run failed (exit $rc): logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
prefix="2001:db8:64::/96"
max_t=1; for t in $thread_counts; do [ "$t" -gt "$max_t" ] && max_t=$t; done

# The data: A-only names (hit set) and a wildcard so every miss name is new and still resolves.
{
  echo '$ORIGIN bench.example.'; echo '$TTL 3600'
  echo '@ IN SOA ns admin 1 3600 600 86400 3600'; echo '@ IN NS ns'; echo 'ns IN A 127.0.0.1'
  for i in $(seq 0 99); do echo "h$i IN A 192.0.2.$((i + 1))"; done
  echo '*.miss IN A 198.51.100.7'
} > "$work/bench.zone"

common_server() { # THREADS
  cat <<EOC
  do-daemonize: no
  chroot: ""
  username: ""
  use-syslog: no
  pidfile: ""
  logfile: ""
  directory: "$work"
  verbosity: 0
  num-threads: $1
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  auto-trust-anchor-file: ""
EOC
}

# The upstream gets as many threads as the most the DNS64s get, so it is not what limits the misses.
upstream_port=$(free_port)
cat > "$work/upstream.conf" <<EOC
server:
  interface: 127.0.0.1@$upstream_port
$(common_server "$max_t")
  module-config: "iterator"
auth-zone:
  name: "bench.example."
  zonefile: "$work/bench.zone"
  for-downstream: no
  for-upstream: yes
  fallback-enabled: no
remote-control:
  control-enable: no
EOC
unbound -d -c "$work/upstream.conf" > "$work/upstream.log" 2>&1 & upstream_pid=$!; pids=("$upstream_pid")

wait_ready() { # PORT
  for _ in $(seq 1 150); do
    if dig @127.0.0.1 -p "$1" +time=1 +tries=1 h0.bench.example AAAA 2>/dev/null | grep -q 'status: NOERROR'; then
      return 0
    fi
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2; exit 1
}
wait_ready "$upstream_port"

for i in $(seq 0 99); do echo "h$i.bench.example AAAA"; done > "$work/hits.txt"
# misses TAG -> a file of names no run asked before (up to 50k q/s for $secs s; misses are slower than that)
misses() {
  python3 - "$work/miss-$1.txt" "$secs" "$1" <<'EOP'
import sys
path, secs, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    for i in range(50000 * secs):
        f.write(f"q{i}.{tag}.miss.bench.example AAAA\n")
EOP
  echo "$work/miss-$1.txt"
}

ticks=$(getconf CLK_TCK)
cpu_ticks() { # utime + stime of the whole process (all threads); says which server is gone if one died
  [ -r "/proc/$1/stat" ] || { echo "server PID $1 ($(server_name "$1")) is gone; its log: $work" >&2; exit 1; }
  awk '{print $14 + $15}' "/proc/$1/stat"
}
server_name() { case "$1" in "${xlat_pid:-}") echo "xlat64 dns64" ;; "${unbound_pid:-}") echo unbound ;; *) echo other ;; esac; }

# perf PORT PID DATAFILE THREADS [QPS] -> "qps avg_ms lost server_cores generator_cores" (QPS paces the run: -Q)
perf() {
  local port=$1 pid=$2 data=$3 threads=$4 pace="${5:-}" before after
  before=$(cpu_ticks "$pid")
  /usr/bin/time -f '%U %S %e' -o "$work/gen-time.txt" \
    dnsperf -s 127.0.0.1 -p "$port" -d "$data" -l "$secs" -c "$clients" -T "$threads" -q 200 -t 2 \
    ${pace:+-Q "$pace"} > "$work/last.txt" 2>&1 || true
  after=$(cpu_ticks "$pid")
  read -r gu gs ge < "$work/gen-time.txt"
  awk -v srv="$((after - before))" -v hz="$ticks" -v secs="$secs" -v gen="$(python3 -c "print(($gu+$gs)/$ge)")" '
    /Queries per second:/ {q=$4} /Average Latency \(s\):/ {l=$4*1000} /Queries lost:/ {lost=$3}
    /Run time \(s\):/ {t=$4}
    END {printf "%.0f %.3f %s %.2f %.2f\n", q, l, lost, srv / hz / (t ? t : secs), gen}' "$work/last.txt"
}

# p99 PORT DATAFILE THREADS QPS -> p99 latency in ms of a run paced at QPS (dnsperf -v prints each query's latency)
p99() {
  dnsperf -v -s 127.0.0.1 -p "$1" -d "$2" -l "$secs" -c "$clients" -T "$3" -q 200 -t 2 -Q "$4" 2>/dev/null |
    awk '$1 == ">" {print $NF}' | sort -g |
    awk '{v[NR]=$1} END {i=int(NR * 0.99); if (i < 1) i=1; if (NR) printf "%.3f\n", v[i] * 1000; else print "n/a"}'
}
eighty() { python3 -c "print(max(1, int($1 * 0.8)))"; }
per_core() { python3 -c "print(f'{$1/$2:.0f}' if $2 > 0 else 'n/a')"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}' if $2 else 'n/a')" 2>/dev/null || echo n/a; }

# same_rate T CASE XDATA UDATA: p99 of both servers paced at one rate, 80% of the slower one's saturation (the
# 80%-of-own-saturation p99 loads the faster server, and the upstream behind it on misses, harder); -> $work/same
same_rate() {
  local q_x q_u rate
  q_x=$(awk -v t="$1" -v c="$2" '$1 == t && $2" "$3 == c && $4 == "xlat64" {print $5}' "$work/vals")
  q_u=$(awk -v t="$1" -v c="$2" '$1 == t && $2" "$3 == c && $4 == "unbound" {print $5}' "$work/vals")
  rate=$(eighty "$(python3 -c "print(min($q_x, $q_u))")")
  echo "| $1 | $2 | $rate | $(p99 "$xlat_port" "$3" "$1" "$rate") | $(p99 "$unbound_port" "$4" "$1" "$rate") |" \
    >> "$work/same"
}

# measure T CASE SERVER PORT PID DATA P99DATA -> one table row (and the fields for the ratios in $work/vals)
measure() {
  local t=$1 case=$2 server=$3 port=$4 pid=$5 data=$6 p99data=$7 q l lost cpu gen p
  read -r q l lost cpu gen < <(perf "$port" "$pid" "$data" "$t")
  p=$(p99 "$port" "$p99data" "$t" "$(eighty "$q")")
  echo "$t $case $server $q $(per_core "$q" "$cpu") $p" >> "$work/vals"
  echo "| $t | $case | $server | $q | $cpu | $(per_core "$q" "$cpu") | $gen | $l | $p | $lost |" >> "$work/rows"
}

: > "$work/rows"; : > "$work/vals"; : > "$work/same"
for t in $thread_counts; do
  xlat_port=$(free_port); unbound_port=$(free_port)
  # unbound's DNS64 as the reference: dns64 module in front of the iterator, forwarding to the same upstream.
  cat > "$work/unbound-dns64-$t.conf" <<EOC
server:
  interface: 127.0.0.1@$unbound_port
$(common_server "$t")
  module-config: "dns64 iterator"
  dns64-prefix: $prefix
  do-not-query-localhost: no
  local-zone: "2.0.192.in-addr.arpa." nodefault
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$upstream_port
remote-control:
  control-enable: no
EOC
  unbound -d -c "$work/unbound-dns64-$t.conf" > "$work/unbound-dns64-$t.log" 2>&1 & unbound_pid=$!
  # The launcher execs java, so this PID is the JVM's.
  JAVA_OPTS="${JAVA_OPTS:-} -XX:ErrorFile=$work/hs_err_pid%p.log" \
    "$root/xlat64" dns64 --listen "127.0.0.1:$xlat_port" --upstream "127.0.0.1:$upstream_port" --prefix "$prefix" \
    --threads "$t" > "$work/xlat64-$t.log" 2>&1 & xlat_pid=$!
  pids=("$upstream_pid" "$unbound_pid" "$xlat_pid")
  wait_ready "$unbound_port"; wait_ready "$xlat_port"
  # How xlat64 reads client UDP (recvmmsg batches or the JDK's DatagramChannel), from its start-up line.
  udp_path="$(sed -n 's/.*; \(UDP [^;]*\)$/\1/p' "$work/xlat64-$t.log" | head -1)"
  # CPU is read from these PIDs: make sure they are the servers themselves (the launcher execs java).
  [ "$(cat "/proc/$xlat_pid/comm")" = java ] || { echo "PID $xlat_pid is not the JVM" >&2; exit 1; }
  [ "$(cat "/proc/$unbound_pid/comm")" = unbound ] || { echo "PID $unbound_pid is not unbound" >&2; exit 1; }
  for port in "$unbound_port" "$xlat_port"; do
    answer=$(dig @127.0.0.1 -p "$port" +short h1.bench.example AAAA)
    [ "$answer" = "2001:db8:64::c000:202" ] || { echo "DNS64 on port $port answered '$answer'" >&2; exit 1; }
  done

  # Warm-up (JIT for the JVM, caches for both), not reported.
  perf "$xlat_port" "$xlat_pid" "$work/hits.txt" "$t" > /dev/null
  perf "$unbound_port" "$unbound_pid" "$work/hits.txt" "$t" > /dev/null
  perf "$xlat_port" "$xlat_pid" "$(misses "w-x$t")" "$t" > /dev/null
  perf "$unbound_port" "$unbound_pid" "$(misses "w-u$t")" "$t" > /dev/null
  rm -f "$work"/miss-*.txt

  measure "$t" "cache hits" xlat64 "$xlat_port" "$xlat_pid" "$work/hits.txt" "$work/hits.txt"
  measure "$t" "cache hits" unbound "$unbound_port" "$unbound_pid" "$work/hits.txt" "$work/hits.txt"
  same_rate "$t" "cache hits" "$work/hits.txt" "$work/hits.txt"
  measure "$t" "cache misses" xlat64 "$xlat_port" "$xlat_pid" "$(misses "x$t")" "$(misses "px$t")"
  rm -f "$work"/miss-*.txt
  measure "$t" "cache misses" unbound "$unbound_port" "$unbound_pid" "$(misses "u$t")" "$(misses "pu$t")"
  rm -f "$work"/miss-*.txt
  same_rate "$t" "cache misses" "$(misses "sx$t")" "$(misses "su$t")"
  rm -f "$work"/miss-*.txt

  kill "$xlat_pid" "$unbound_pid" 2>/dev/null || true
  wait "$xlat_pid" "$unbound_pid" 2>/dev/null || true
  pids=("$upstream_pid")
done

echo "DNS64 benchmark: dnsperf -c $clients -T T -q 200 -l $secs, AAAA for A-only names, prefix $prefix, $(nproc) cores;"
echo "T server threads each (xlat64 --threads T, unbound num-threads T); p99 from a run paced at 80% of saturation;"
echo "xlat64 JAVA_OPTS: '${JAVA_OPTS:-}' (on top of the launcher's), ${udp_path:-UDP path not reported};" \
  "load average at the start: $load_start, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| T | case | server | q/s | server CPU (cores) | q/s per core | dnsperf CPU (cores) | avg ms |" \
  "p99 ms at 80% | lost |"
echo "|---|---|---|---|---|---|---|---|---|---|"
cat "$work/rows"
echo
echo "| T | case | xlat64/unbound q/s | xlat64/unbound q/s per core | xlat64/unbound p99 |"
echo "|---|---|---|---|---|"
for t in $thread_counts; do
  for case in "cache hits" "cache misses"; do
    # vals: T case(2 words) server q/s q/s-per-core p99
    pick() { awk -v t="$t" -v c="$case" -v s="$1" '$1 == t && ($2 " " $3) == c && $4 == s {print $5, $6, $7}' \
      "$work/vals"; }
    read -r xq xpc xp < <(pick xlat64)
    read -r uq upc up < <(pick unbound)
    echo "| $t | $case | $(ratio "$xq" "$uq") | $(ratio "$xpc" "$upc") | $(ratio "$xp" "$up") |"
  done
done
echo
echo "p99 at one rate for both (80% of the slower server's saturation q/s):"
echo
echo "| T | case | q/s | xlat64 p99 ms | unbound p99 ms |"
echo "|---|---|---|---|---|"
cat "$work/same"
