#!/usr/bin/env bash
# DNS64 benchmark (not a test): dnsperf against `xlat64 dns64` and, in the same run, against unbound with its dns64
# module, both forwarding to the same upstream unbound that serves the data. Same machine, same prefix, same queries.
# Reports queries/s and average latency for cache hits and for cache misses, and the xlat64/unbound ratios.
#
# Usage: bench/scripts/dns64-bench.sh [seconds-per-run (default 10)]
# Needs: ./xlat64 built (mvn -q -DskipTests package), Debian packages unbound and dnsperf. Uses 127.0.0.1 only.
set -euo pipefail
secs="${1:-10}"
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
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
unbound -d -c "$work/unbound-dns64.conf" > "$work/unbound-dns64.log" 2>&1 & pids+=($!)
"$root/xlat64" dns64 --listen "127.0.0.1:$xlat_port" --upstream "127.0.0.1:$upstream_port" --prefix "$prefix" \
  > "$work/xlat64.log" 2>&1 & pids+=($!)

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
# Enough unique names that no run reuses one (a run at 100k q/s for $secs s, times three runs).
python3 - "$work/miss" "$secs" <<'EOP'
import sys
base, secs = sys.argv[1], int(sys.argv[2])
for tag in ("warm-xlat64", "warm-unbound", "xlat64", "unbound"):
    with open(f"{base}-{tag}.txt", "w") as f:
        for i in range(60000 * secs):
            f.write(f"q{i}.{tag}.miss.bench.example AAAA\n")
EOP

perf() { # port datafile -> "qps avg_latency_ms"
  dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "$secs" -c 4 -q 200 -t 2 2>&1 > "$work/last.txt" || true
  awk '/Queries per second:/ {q=$4} /Average Latency \(s\):/ {l=$4*1000} /Queries lost:/ {lost=$3}
       END {printf "%.0f %.3f %s\n", q, l, lost}' "$work/last.txt"
}

# Warm-up (JIT for the JVM, caches for both), not reported.
perf "$xlat_port" "$work/hits.txt" > /dev/null; perf "$unbound_port" "$work/hits.txt" > /dev/null
perf "$xlat_port" "$work/miss-warm-xlat64.txt" > /dev/null; perf "$unbound_port" "$work/miss-warm-unbound.txt" > /dev/null

read -r xh_q xh_l xh_lost < <(perf "$xlat_port" "$work/hits.txt")
read -r uh_q uh_l uh_lost < <(perf "$unbound_port" "$work/hits.txt")
read -r xm_q xm_l xm_lost < <(perf "$xlat_port" "$work/miss-xlat64.txt")
read -r um_q um_l um_lost < <(perf "$unbound_port" "$work/miss-unbound.txt")

ratio() { python3 -c "print(f'{$1/$2:.2f}' if $2 else 'n/a')"; }
echo "DNS64 benchmark: dnsperf -c 4 -q 200 -l $secs, AAAA for A-only names, prefix $prefix, $(nproc) cores"
echo
echo "| case | xlat64 dns64 q/s | unbound dns64 q/s | ratio q/s | xlat64 avg ms | unbound avg ms | ratio latency | lost (x/u) |"
echo "|---|---|---|---|---|---|---|---|"
echo "| cache hits | $xh_q | $uh_q | $(ratio "$xh_q" "$uh_q") | $xh_l | $uh_l | $(ratio "$xh_l" "$uh_l") | $xh_lost / $uh_lost |"
echo "| cache misses | $xm_q | $um_q | $(ratio "$xm_q" "$um_q") | $xm_l | $um_l | $(ratio "$xm_l" "$um_l") | $xm_lost / $um_lost |"
