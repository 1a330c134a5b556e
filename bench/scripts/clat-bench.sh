#!/usr/bin/env bash
# CLAT vs gateway: the same translator as a CLAT on the client host (`xlat64 clat`) and as a gateway on the router
# (`xlat64 run`), on the same three namespaces, the same traffic, alternating round by round (issue 25's speed target:
# CLAT within 10% of run). Exactly one translation in the path either way; an IPv4 client talks to an IPv6 server:
#
#   run:  xcNNh [192.0.2.2] --v4-- xcNNr (xlat64 run on TUN "nat64") --v6-- xcNNs [2001:db8:2::2]
#         prefix 2001:db8:64::/96 for the client, EAM 198.51.100.2 = 2001:db8:2::2 for the server (SIIT-DC style)
#   clat: xcNNh [IPv6 2001:db8:1::2, xlat64 clat: 192.0.0.1, CLAT 2001:db8:1::c1a7] --v6-- xcNNr (router) --v6--
#         xcNNs [2001:db8:64::c633:6402, i.e. 198.51.100.2 under the prefix]
#
# Measured from the client with iperf3 to 198.51.100.2: UDP with 64-byte IPv4 packets (payload 36, -b 0; received
# packets/s at the server) and TCP (received bit/s). Medians over the rounds, per mode, and the ratio clat/run.
#
# usage: bench/scripts/clat-bench.sh [--rounds N] [--seconds S]     (needs root; build first: mvn -q -o -DskipTests package)
# Bounded: rounds x 2 modes x (UDP + TCP) x S seconds plus ~15 s set-up per mode and round (defaults: ~3 min).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
ROUNDS=3
SECS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --seconds) SECS="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "clat-bench: unknown option $1" >&2; exit 2 ;;
  esac
done

TAG="$$"; H="xc${TAG}h"; R="xc${TAG}r"; S="xc${TAG}s"
WORK="$(mktemp -d /tmp/xlat64-clat-bench.XXXXXX)"
PIDS=()
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

teardown() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.3; done; kill -9 "$pid" 2>/dev/null; done
  PIDS=()
  for ns in "$H" "$R" "$S"; do ip netns del "$ns" 2>/dev/null; done
  set -e
}
trap 'teardown; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

wait_log() {  # FILE TEXT SECONDS
  for _ in $(seq 1 $(($3 * 5))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "clat-bench: '$2' did not appear in $1:" >&2; cat "$1" >&2; return 1
}

setup() {  # MODE
  for ns in "$H" "$R" "$S"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  ip link add h0 netns "$H" type veth peer name r0 netns "$R"
  ip link add r1 netns "$R" type veth peer name s0 netns "$S"
  for l in "$H:h0" "$R:r0" "$R:r1" "$S:s0"; do ip -n "${l%%:*}" link set "${l##*:}" up; done
  ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
  ip -n "$R" addr add 2001:db8:2::1/64 dev r1 nodad
  # One source address for the server's replies (a connected UDP socket picks its source by RFC 6724): in clat mode
  # the link address is deprecated, so 2001:db8:64::c633:6402 is used; in run mode that address does not exist.
  if [ "$1" = run ]; then
    ip -n "$S" addr add 2001:db8:2::2/64 dev s0 nodad
  else
    ip -n "$S" addr add 2001:db8:2::2/64 dev s0 nodad preferred_lft 0
    ip -n "$S" addr add 2001:db8:64::c633:6402/128 dev s0 nodad
  fi
  ip -n "$S" -6 route add default via 2001:db8:2::1
  ip netns exec "$S" iperf3 -s -D -I "$WORK/iperf3.pid" >/dev/null
  PIDS+=("$(cat "$WORK/iperf3.pid")")
  if [ "$1" = run ]; then
    ip -n "$H" addr add 192.0.2.2/24 dev h0
    ip -n "$H" route add default via 192.0.2.1
    ip -n "$R" addr add 192.0.2.1/24 dev r0
    ip netns exec "$R" "$ROOT/xlat64" run --tun nat64 --prefix 2001:db8:64::/96 --wkp-strict false \
      --eam 198.51.100.2/32=2001:db8:2::2/128 --manage-routes >"$WORK/run.log" 2>&1 &
    PIDS+=("$!")
    wait_log "$WORK/run.log" "translating on" 60
  else
    ip -n "$H" addr add 2001:db8:1::2/64 dev h0 nodad
    ip -n "$H" -6 route add default via 2001:db8:1::1
    ip -n "$R" addr add 2001:db8:1::1/64 dev r0 nodad
    ip -n "$R" -6 route add 2001:db8:64::/96 via 2001:db8:2::2
    ip netns exec "$H" "$ROOT/xlat64" clat --uplink h0 --prefix 2001:db8:64::/96 --clat-ipv6 2001:db8:1::c1a7 \
      --no-rfc7050 --no-pref64 >"$WORK/clat.log" 2>&1 &
    PIDS+=("$!")
    wait_log "$WORK/clat.log" "via clat" 60
  fi
  ip netns exec "$H" ping -c 1 -W 5 198.51.100.2 >/dev/null || { echo "clat-bench: no ping in mode $1" >&2; return 1; }
}

udp_pps() {
  ip netns exec "$H" iperf3 -c 198.51.100.2 -u -b 0 -l 36 -t "$SECS" --json >"$WORK/udp.json"
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["end"]["sum"]; print(int((s["packets"]-s["lost_packets"])/s["seconds"]))' "$WORK/udp.json"
}

tcp_bps() {
  ip netns exec "$H" iperf3 -c 198.51.100.2 -t "$SECS" --json >"$WORK/tcp.json"
  python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$WORK/tcp.json"
}

declare -A UDP TCP
for round in $(seq 1 "$ROUNDS"); do
  for mode in run clat; do
    setup "$mode"
    u="$(udp_pps)"; t="$(tcp_bps)"
    UDP[$mode]="${UDP[$mode]:-} $u"; TCP[$mode]="${TCP[$mode]:-} $t"
    log "round $round $mode: UDP 64 B $u packets/s, TCP $((t / 1000000)) Mbit/s"
    teardown
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
ur="$(echo "${UDP[run]}" | median)"; uc="$(echo "${UDP[clat]}" | median)"
tr_="$(echo "${TCP[run]}" | median)"; tc="$(echo "${TCP[clat]}" | median)"
echo "clat-bench: $ROUNDS round(s) of $SECS s, medians"
printf '%-28s %14s %14s %8s\n' "" "xlat64 run" "xlat64 clat" "clat/run"
printf '%-28s %14s %14s %8s\n' "UDP 64 B, packets/s" "$ur" "$uc" "$(python3 -c "print(f'{$uc/$ur:.2f}')")"
printf '%-28s %14s %14s %8s\n' "TCP, Mbit/s" "$((tr_ / 1000000))" "$((tc / 1000000))" "$(python3 -c "print(f'{$tc/$tr_:.2f}')")"
