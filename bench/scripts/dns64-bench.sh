#!/usr/bin/env bash
# DNS64 benchmark (not a test): dnsperf against `xlat64 dns64` and, in the same run, against unbound with its dns64
# module, both forwarding to the same upstream unbound that serves the data. Same machine, same prefix, same queries,
# the same thread count (xlat64's DNS64 runs on one event-loop thread; unbound gets num-threads: 1).
#
# For cache hits and for cache misses it prints, per server: queries/s at saturation, the server's CPU over the run
# (utime+stime from /proc/PID/stat, in cores), queries/s per core, dnsperf's own CPU, and the p99 latency of a second
# run paced at 80% of that server's saturation rate (from dnsperf -v, one line per query). Then the xlat64/unbound
# ratios. Cache hits: 100 A-only names asked over and over (AAAA synthesized). Misses: a fresh name per query.
#
# Usage: bench/scripts/dns64-bench.sh [seconds-per-run (default 10)] [dnsperf clients (default 4)]
# Needs: ./xlat64 built (mvn -q -DskipTests package), unbound and dnsperf (Debian; dnsperf is installed if missing).
# Uses 127.0.0.1 only.
set -euo pipefail
secs="${1:-10}"
clients="${2:-4}"
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
command -v dnsperf >/dev/null 2>&1 || apt-get install -y dnsperf >/dev/null
command -v unbound >/dev/null 2>&1 || apt-get install -y unbound >/dev/null
work="$(mktemp -d /tmp/dns64-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
upstream_port=$(free_port); xlat_port=$(free_port); unbound_port=$(free_port)
prefix="2001:db8:64::/96"

# The data: A-only names (hit set) and a wildcard so every miss name is new and still resolves.
{
  echo '$ORIGIN bench.example.'; echo '$TTL 3600'
  echo '@ IN SOA ns admin 1 3600 600 86400 3600'; echo '@ IN NS ns'; echo 'ns IN A 127.0.0.1'
  for i in $(seq 0 99); do echo "h$i IN A 192.0.2.$((i + 1))"; done
  echo '*.miss IN A 198.51.100.7'
} > "$work/bench.zone"

common_server() {
  cat <<EOC
  do-daemonize: no
  chroot: ""
  username: ""
  use-syslog: no
  pidfile: ""
  logfile: ""
  directory: "$work"
  verbosity: 0
  num-threads: 1
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  auto-trust-anchor-file: ""
EOC
}

cat > "$work/upstream.conf" <<EOC
server:
  interface: 127.0.0.1@$upstream_port
$(common_server)
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

# unbound's DNS64 as the reference: dns64 module in front of the iterator, forwarding to the same upstream.
cat > "$work/unbound-dns64.conf" <<EOC
server:
  interface: 127.0.0.1@$unbound_port
$(common_server)
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

unbound -d -c "$work/upstream.conf" > "$work/upstream.log" 2>&1 & pids+=($!)
unbound -d -c "$work/unbound-dns64.conf" > "$work/unbound-dns64.log" 2>&1 & unbound_pid=$!; pids+=($!)
# The launcher execs java, so this PID is the JVM's.
"$root/xlat64" dns64 --listen "127.0.0.1:$xlat_port" --upstream "127.0.0.1:$upstream_port" --prefix "$prefix" \
  > "$work/xlat64.log" 2>&1 & xlat_pid=$!; pids+=($!)

for port in "$upstream_port" "$unbound_port" "$xlat_port"; do
  for _ in $(seq 1 100); do
    if dig @127.0.0.1 -p "$port" +time=1 +tries=1 h0.bench.example AAAA 2>/dev/null | grep -q 'status: NOERROR'; then break; fi
    sleep 0.1
  done
done
for port in "$unbound_port" "$xlat_port"; do
  answer=$(dig @127.0.0.1 -p "$port" +short h1.bench.example AAAA)
  [ "$answer" = "2001:db8:64::c000:202" ] || { echo "DNS64 on port $port answered '$answer'" >&2; exit 1; }
done

for i in $(seq 0 99); do echo "h$i.bench.example AAAA"; done > "$work/hits.txt"
# Enough unique names that no run reuses one (up to 80k q/s for $secs s per run; misses are slower than that).
python3 - "$work/miss" "$secs" <<'EOP'
import sys
base, secs = sys.argv[1], int(sys.argv[2])
for tag in ("warm-xlat64", "warm-unbound", "xlat64", "unbound", "p99-xlat64", "p99-unbound"):
    with open(f"{base}-{tag}.txt", "w") as f:
        for i in range(80000 * secs):
            f.write(f"q{i}.{tag}.miss.bench.example AAAA\n")
EOP

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime of the whole process (all threads)

# perf PORT PID DATAFILE [QPS] -> "qps avg_ms lost server_cores generator_cores" (QPS paces the run: -Q)
perf() {
  local port=$1 pid=$2 data=$3 pace="${4:-}" before after
  before=$(cpu_ticks "$pid")
  /usr/bin/time -f '%U %S %e' -o "$work/gen-time.txt" \
    dnsperf -s 127.0.0.1 -p "$port" -d "$data" -l "$secs" -c "$clients" -q 200 -t 2 ${pace:+-Q "$pace"} \
    > "$work/last.txt" 2>&1 || true
  after=$(cpu_ticks "$pid")
  read -r gu gs ge < "$work/gen-time.txt"
  awk -v srv="$((after - before))" -v hz="$ticks" -v secs="$secs" -v gen="$(python3 -c "print(($gu+$gs)/$ge)")" '
    /Queries per second:/ {q=$4} /Average Latency \(s\):/ {l=$4*1000} /Queries lost:/ {lost=$3}
    /Run time \(s\):/ {t=$4}
    END {printf "%.0f %.3f %s %.2f %.2f\n", q, l, lost, srv / hz / (t ? t : secs), gen}' "$work/last.txt"
}

# p99 PORT DATAFILE QPS -> p99 latency in ms of a run paced at QPS (dnsperf -v prints each query's latency last)
p99() {
  dnsperf -v -s 127.0.0.1 -p "$1" -d "$2" -l "$secs" -c "$clients" -q 200 -t 2 -Q "$3" 2>/dev/null |
    awk '$1 == ">" {print $NF}' | sort -g |
    awk '{v[NR]=$1} END {i=int(NR * 0.99); if (i < 1) i=1; if (NR) printf "%.3f\n", v[i] * 1000; else print "n/a"}'
}

# Warm-up (JIT for the JVM, caches for both), not reported.
perf "$xlat_port" "$xlat_pid" "$work/hits.txt" > /dev/null; perf "$unbound_port" "$unbound_pid" "$work/hits.txt" > /dev/null
perf "$xlat_port" "$xlat_pid" "$work/miss-warm-xlat64.txt" > /dev/null
perf "$unbound_port" "$unbound_pid" "$work/miss-warm-unbound.txt" > /dev/null

read -r xh_q xh_l xh_lost xh_cpu xh_gen < <(perf "$xlat_port" "$xlat_pid" "$work/hits.txt")
read -r uh_q uh_l uh_lost uh_cpu uh_gen < <(perf "$unbound_port" "$unbound_pid" "$work/hits.txt")
read -r xm_q xm_l xm_lost xm_cpu xm_gen < <(perf "$xlat_port" "$xlat_pid" "$work/miss-xlat64.txt")
read -r um_q um_l um_lost um_cpu um_gen < <(perf "$unbound_port" "$unbound_pid" "$work/miss-unbound.txt")
eighty() { python3 -c "print(max(1, int($1 * 0.8)))"; }
xh_p99=$(p99 "$xlat_port" "$work/hits.txt" "$(eighty "$xh_q")")
uh_p99=$(p99 "$unbound_port" "$work/hits.txt" "$(eighty "$uh_q")")
xm_p99=$(p99 "$xlat_port" "$work/miss-p99-xlat64.txt" "$(eighty "$xm_q")")
um_p99=$(p99 "$unbound_port" "$work/miss-p99-unbound.txt" "$(eighty "$um_q")")

per_core() { python3 -c "print(f'{$1/$2:.0f}' if $2 > 0 else 'n/a')"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}' if $2 else 'n/a')" 2>/dev/null || echo n/a; }
xh_pc=$(per_core "$xh_q" "$xh_cpu"); uh_pc=$(per_core "$uh_q" "$uh_cpu")
xm_pc=$(per_core "$xm_q" "$xm_cpu"); um_pc=$(per_core "$um_q" "$um_cpu")
echo "DNS64 benchmark: dnsperf -c $clients -q 200 -l $secs, AAAA for A-only names, prefix $prefix, $(nproc) cores;"
echo "one server thread each (xlat64: one event loop; unbound: num-threads 1); p99 from a run paced at 80% of saturation"
echo
echo "| case | server | q/s | server CPU (cores) | q/s per core | dnsperf CPU (cores) | avg ms | p99 ms at 80% | lost |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "| cache hits | xlat64 | $xh_q | $xh_cpu | $xh_pc | $xh_gen | $xh_l | $xh_p99 | $xh_lost |"
echo "| cache hits | unbound | $uh_q | $uh_cpu | $uh_pc | $uh_gen | $uh_l | $uh_p99 | $uh_lost |"
echo "| cache misses | xlat64 | $xm_q | $xm_cpu | $xm_pc | $xm_gen | $xm_l | $xm_p99 | $xm_lost |"
echo "| cache misses | unbound | $um_q | $um_cpu | $um_pc | $um_gen | $um_l | $um_p99 | $um_lost |"
echo
echo "| case | xlat64/unbound q/s | xlat64/unbound q/s per core | xlat64/unbound p99 |"
echo "|---|---|---|---|"
echo "| cache hits | $(ratio "$xh_q" "$uh_q") | $(ratio "$xh_pc" "$uh_pc") | $(ratio "$xh_p99" "$uh_p99") |"
echo "| cache misses | $(ratio "$xm_q" "$um_q") | $(ratio "$xm_pc" "$um_pc") | $(ratio "$xm_p99" "$um_p99") |"
