#!/usr/bin/env bash
# End-to-end benchmark of xlat64 against TAYGA and a minimal C forwarder (the ceiling), all on the same TUN path:
#
#   xbNNh6 [2001:db8:1::2] --veth-- xbNNgw (translator on TUN "nat64") --veth-- xbNNh4 [198.51.100.2]
#
# prefix 2001:db8:64::/96, EAM 192.0.2.2=2001:db8:1::2, translator addresses 203.0.113.1 / 2001:db8:ffff::1.
# For each round, each contender is started in turn (alternating, so drift and the other developers' load hit all of
# them alike) and measured with: small-packet UDP from trafgen at several sizes (received packets/s, loss, Gbit/s,
# translator CPU) and iperf3 TCP h6 -> h4. Medians with min-max over the rounds go to bench/results/e2e-DATE.md (and
# are appended to bench/README.md), the packets/s-by-size plot to bench/results/e2e-DATE-pps.svg. Then an RFC 8219
# zero-loss throughput binary search (iperf3 -b) for one size, xlat64 and TAYGA, repeated (median over the repeats).
#
# usage: bench/scripts/e2e-bench.sh [--rounds N] [--seconds S] [--sizes "64 512 1400"] [--contenders "..."]
#                                   [--rfc8219-size N] [--rfc8219-seconds S] [--rfc8219-repeats N] [--no-rfc8219]
#                                   [--no-readme] [--udp-gro FLUSH_NS]
# --udp-gro: UDP GRO forwarding on gw's ingress veth with that gro_flush_timeout (e.g. 2000000), the same for every
#   contender, so a translator with UDP segmentation offload (USO) is handed super-packets (see bench/results/HISTORY.md, "2026-12-01: UDP super-packets").
# Contenders: xlat64-<N>q-<idle>[-b<BUFFERS>][-nooff][-nouring][-eam<ENTRIES>|-6rd<DOMAINS>|-mapt|-mape|-lw4o6-<N>]
# [-at-<TAG>], tayga, cfwd-<N>q[-off] (bench/c/tunfwd.c, read/write), cfwd-<N>q-uring[-mshot][-d<DEPTH>][-off]...
# (tunfwd-uring.c); see
# start_contender for every option. -at-<TAG> runs the build of another checkout, the directory in $XLAT64_ROOT_<TAG>
# (built with `mvn -q -o -DskipTests package`), for an A/B of two builds in one run, e.g. XLAT64_ROOT_old=/tmp/old
# XLAT64_ROOT_new=. ... --contenders "xlat64-1q-sleep-at-old xlat64-1q-sleep-at-new".
# Five rounds by default: on this VM a contender's rate moves by a third from round to round, and three medians
# could not tell 0.9x from 1.0x.
# Needs root. Bounded: the defaults (5 rounds x 10 contenders x (3 UDP sizes + TCP) x 5 s, then the searches: 3 per
# RFC 8219 contender, ~1 min each) take ~30 min.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
ROUNDS=5
SECONDS_PER_TEST=5
SIZES="64 512 1400"
CONTENDERS="xlat64-1q-sleep xlat64-1q-backoff xlat64-1q-sleep-nouring xlat64-2q-sleep tayga cfwd-1q cfwd-1q-off cfwd-1q-uring cfwd-1q-uring-mshot-off cfwd-2q-uring-mshot-off"
RFC8219_SIZE=64
RFC8219_SECONDS=3
RFC8219_CONTENDERS="xlat64-1q-sleep tayga"
RFC8219_REPEATS=3
DO_RFC8219=1
DO_README=1
UDP_GRO=0
ORIGINAL_ARGS="$*"  # the parsing below shifts them away; the report quotes the command
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --seconds) SECONDS_PER_TEST="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --contenders) CONTENDERS="$2"; shift 2 ;;
    --rfc8219-size) RFC8219_SIZE="$2"; shift 2 ;;
    --rfc8219-seconds) RFC8219_SECONDS="$2"; shift 2 ;;
    --rfc8219-contenders) RFC8219_CONTENDERS="$2"; shift 2 ;;
    --rfc8219-repeats) RFC8219_REPEATS="$2"; shift 2 ;;
    --no-rfc8219) DO_RFC8219=0; shift ;;
    --no-readme) DO_README=0; shift ;;
    --udp-gro) UDP_GRO="$2"; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "e2e-bench: unknown option $1" >&2; exit 2 ;;
  esac
done

TAG="$$"
H6="xb${TAG}h6"; GW="xb${TAG}gw"; H4="xb${TAG}h4"
TUN=nat64
PREFIX=2001:db8:64::/96
H6_ADDR=2001:db8:1::2; H6_AS_IPV4=192.0.2.2
H4_ADDR=198.51.100.2;  H4_AS_IPV6=2001:db8:64::c633:6402
WORK="$(mktemp -d /tmp/xlat64-e2e.XXXXXX)"
RESULTS="$ROOT/bench/results"
DATE="$(date +%Y%m%d)"
# A second run on the same day does not overwrite the first: e2e-YYYYMMDD-HHMM.
[ -e "$RESULTS/e2e-$DATE.md" ] && DATE="$DATE-$(date +%H%M)"
CLK_TCK="$(getconf CLK_TCK)"
TRANSLATOR_PID=""
BG_PIDS=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

cleanup() {
  set +e
  for pid in "${BG_PIDS[@]}" $TRANSLATOR_PID; do kill "$pid" 2>/dev/null; done
  sleep 0.5
  for pid in "${BG_PIDS[@]}" $TRANSLATOR_PID; do kill -9 "$pid" 2>/dev/null; done
  for ns in "$H6" "$GW" "$H4"; do ip netns del "$ns" 2>/dev/null; done
  [ -z "${KEEP_LOGS:-}" ] || cp -r "$WORK" "$KEEP_LOGS"  # KEEP_LOGS=DIR keeps the contenders' logs
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() { # command, Debian package
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] && return 0
  log "installing $2"; apt-get install -y -q "$2" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "$2" >/dev/null; }
}

prepare() {
  [ "$(id -u)" = 0 ] || { echo "e2e-bench: needs root (network namespaces, TUN)" >&2; exit 2; }
  need iperf3 iperf3; need tayga tayga; need ethtool ethtool; need trafgen netsniff-ng; need gcc gcc; need python3 python3
  local uring=0
  [[ " $CONTENDERS " == *"-uring"* ]] && uring=1
  [ "$uring" = 0 ] || [ -e /usr/include/liburing.h ] || { log "installing liburing-dev"; apt-get install -y -q liburing-dev \
    >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q liburing-dev >/dev/null; }; }
  # The xlat64 build only when an xlat64 contender runs (the C-only experiments need none).
  if [[ " $CONTENDERS $RFC8219_CONTENDERS " == *" xlat64-"* ]] \
     && ! ls "$ROOT"/dist/target/xlat64/lib/xlat64-translator-*.jar >/dev/null 2>&1; then
    log "building xlat64 (mvn -q -DskipTests package)"; (cd "$ROOT" && mvn -q -DskipTests package)
  fi
  gcc -O2 -Wall -pthread -o "$WORK/tunfwd" "$ROOT/bench/c/tunfwd.c"
  [ "$uring" = 0 ] || gcc -O2 -Wall -pthread -o "$WORK/tunfwd-uring" "$ROOT/bench/c/tunfwd-uring.c" -luring
  mkdir -p "$RESULTS"
}

topology() {
  for ns in "$H6" "$GW" "$H4"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  ip link add eth0 netns "$H6" type veth peer name to-h6 netns "$GW"
  ip link add eth0 netns "$H4" type veth peer name to-h4 netns "$GW"
  ip -n "$H6" -6 addr add "$H6_ADDR/64" dev eth0 nodad
  ip -n "$GW" -6 addr add 2001:db8:1::1/64 dev to-h6 nodad
  ip -n "$GW" addr add 198.51.100.1/24 dev to-h4
  ip -n "$H4" addr add "$H4_ADDR/24" dev eth0
  for l in "$H6 eth0" "$GW to-h6" "$GW to-h4" "$H4 eth0"; do set -- $l; ip -n "$1" link set "$2" up; done
  ip -n "$H6" -6 route add default via 2001:db8:1::1
  ip -n "$H4" route add default via 198.51.100.1
  ip netns exec "$GW" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  if [ "$UDP_GRO" != 0 ]; then
    # GRO on a veth needs its NAPI mode, which takes a frame only from a peer without TSO or from a socket with
    # sock_wfree (trafgen's ring is neither): h6's eth0 drops TSO. Without a flush timeout each frame is polled alone.
    ip netns exec "$H6" ethtool -K eth0 tso off >/dev/null
    ip netns exec "$GW" ethtool -K to-h6 gro on rx-udp-gro-forwarding on >/dev/null
    ip netns exec "$GW" sh -c "echo $UDP_GRO > /sys/class/net/to-h6/gro_flush_timeout"
    # h4 must see datagrams, not super-packets (Udp NoPorts counts one per packet it sees): segment on the way out.
    ip netns exec "$GW" ethtool -K to-h4 tx-udp-segmentation off >/dev/null
  fi
  # Resolve the neighbours once so trafgen's hand-made frames carry the right MACs and nothing waits on ND/ARP.
  ip netns exec "$H6" ping -6 -c 1 -W 2 2001:db8:1::1 >/dev/null
  ip netns exec "$H4" ping -c 1 -W 2 198.51.100.1 >/dev/null
  GW_MAC="$(ip netns exec "$GW" cat /sys/class/net/to-h6/address)"
  H6_MAC="$(ip netns exec "$H6" cat /sys/class/net/eth0/address)"
}

# Writes $WORK/eam-N.txt once: N entries 10.0.0.0+i/32 = 2001:db8:1::1:0:0+i/128, then the host's own entry.
eam_file() {
  local n="$1" f="$WORK/eam-$1.txt"
  [ -s "$f" ] && return 0
  python3 - "$n" "$H6_AS_IPV4" "$H6_ADDR" "$f" <<'PY'
import sys
n, host4, host6, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
with open(out, "w") as f:
    f.write("# %d generated entries, then the host's\n" % n)
    for i in range(n):
        a = 0x0A000000 + i
        f.write("%d.%d.%d.%d=2001:db8:1::1:%x:%x\n" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, i >> 16, i & 0xFFFF))
    f.write("%s=%s\n" % (host4, host6))
PY
}

# 6rd contenders (-6rd<N>, docs/tables.md): h6 sends to h4's 6rd address instead, the translator (a 6rd BR)
# encapsulates it to h4 (6in4), and the packets are counted leaving gw towards h4 (h4 has no 6rd tunnel: what it
# does with them does not matter). The host's domain 2001:db8:fe00::/48 over 198.51.100.0/24 (IPv4MaskLen 24, 8 EA
# bits) delegates 2001:db8:fe00:200::/56 to 198.51.100.2.
SIXRD_HOST_PREFIX=2001:db8:fe00::/48
H4_6RD_ADDR=2001:db8:fe00:200::2
DEST6="$H4_AS_IPV6"  # trafgen's destination: H4_AS_IPV6, or H4_6RD_ADDR while a 6rd contender runs
# Writes $WORK/sixrd-N.toml once: the host's domain as a [[sixrd.domain]] table and N - 1 generated domains
# 2001:db8:(4000+i)::/48 over 10.i/24 (sharing 32 bits with the host's) in its sixrd.domain-file, all with BR
# 203.0.113.1; the NAT64 prefix and EAM entry come from the flags, as for the others.
sixrd_config() {
  local n="$1" f="$WORK/sixrd-$1.toml"
  [ -s "$f" ] && return 0
  python3 - "$n" "$SIXRD_HOST_PREFIX" "$f" "$WORK/sixrd-$1.domains" <<'PY'
import sys
n, host, out, domains = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
with open(domains, "w") as f:
    f.write("# %d generated 6rd domains: PREFIX IPV4-PREFIX BR\n" % (n - 1))
    for i in range(n - 1):
        f.write("2001:db8:%x::/48 10.%d.%d.0/24 203.0.113.1\n" % (0x4000 + i, i >> 8, i & 255))
with open(out, "w") as f:
    f.write('[sixrd]\ndomain-file = "%s"\n[[sixrd.domain]]\nprefix = "%s"\nipv4-prefix = "198.51.100.0/24"\n'
            'br = "203.0.113.1"\n' % (domains, host))
PY
}

# Starts the contender in the gw namespace, routes the prefix and the EAM IPv4 side into its TUN, checks one ping.
start_contender() {
  local name="$1" queues idle
  MODE=siit
  case "$name" in
    xlat64-*)
      # xlat64-<N>q-<spin|backoff|sleep>[-b<BUFFERS>][-nooff][-nouring]: -b<N> gives each queue N io_uring buffers
      # instead of 64 (system property xlat64.ioUringBuffers), -nooff runs without TUN offloads (--no-offload),
      # -nouring with one read(2) and write(2) per packet instead of io_uring (--no-io-uring), for a side-by-side.
      local launcher="$ROOT/xlat64" build="$name"
      if [[ "$build" =~ -at-([A-Za-z0-9_]+)$ ]]; then
        local root_var="XLAT64_ROOT_${BASH_REMATCH[1]}"
        [ -n "${!root_var:-}" ] && [ -x "${!root_var}/xlat64" ] || \
          { echo "e2e-bench: $name needs $root_var, a checkout with a build (mvn -q -o -DskipTests package)" >&2; exit 2; }
        launcher="${!root_var}/xlat64"; build="${build%-at-*}"
      fi
      # -mapt: a MAP-T BR (docs/map.md) instead of the EAM, the generator a CE; -mape: a MAP-E BR, the generator a
      # MAP-E CE sending IPv4-in-IPv6; -lw4o6-<N>: an lwAFTR with N bindings, the generator a B4 sending IPv4-in-IPv6
      # (see map_mode). UDP only: a CE's TCP would need ports in its set.
      MODE=siit
      if [[ "$build" =~ -mapt$ ]]; then
        MODE=mapt; build="${build%-mapt}"
      elif [[ "$build" =~ -mape$ ]]; then
        MODE=mape; build="${build%-mape}"
      elif [[ "$build" =~ -lw4o6-([0-9]+)$ ]]; then
        MODE="lw4o6-${BASH_REMATCH[1]}"; build="${build%-lw4o6*}"
      fi
      # -eam<N> adds an EAM file of N more entries (--eam-file, docs/tables.md): /32=/128 pairs in 10.0.0.0/8
      # and the host's own /64 (2001:db8:1::/64, so its lookups share 64+ bits with them), the host's entry last.
      local eam=("--eam" "$H6_AS_IPV4=$H6_ADDR")
      if [[ "$build" =~ -eam([0-9]+)$ ]]; then
        eam_file "${BASH_REMATCH[1]}"; eam=("--eam-file" "$WORK/eam-${BASH_REMATCH[1]}.txt"); build="${build%-eam*}"
      fi
      # -6rd<N>: N 6rd domains from a config file (see sixrd_config); the UDP test goes through the host's domain.
      if [[ "$build" =~ -6rd([0-9]+)$ ]]; then
        sixrd_config "${BASH_REMATCH[1]}"; eam+=("--config" "$WORK/sixrd-${BASH_REMATCH[1]}.toml")
        build="${build%-6rd*}"; DEST6="$H4_6RD_ADDR"
      fi
      [ "$MODE" = siit ] || eam=("--config" "$(map_mode "$MODE")")
      local base="${build%-nouring}" offload=() jopts="${JAVA_OPTS:-}"
      [ "$base" != "$build" ] && offload=(--no-io-uring)
      local plain="${base%-nooff}"
      [ "$plain" != "$base" ] && offload+=(--no-offload)
      base="$plain"
      if [[ "$base" =~ -b([0-9]+)$ ]]; then
        jopts="$jopts -Dxlat64.ioUringBuffers=${BASH_REMATCH[1]}"; base="${base%-b*}"
      fi
      queues="${base#xlat64-}"; queues="${queues%%q-*}"; idle="${base##*-}"; [ "$idle" = spin ] && idle=busy-spin
      ip netns exec "$GW" env JAVA_OPTS="$jopts" "$launcher" run --tun "$TUN" --prefix "$PREFIX" "${eam[@]}" \
        --ipv4-addr 203.0.113.1 --ipv6-addr 2001:db8:ffff::1 --queues "$queues" --idle "$idle" "${offload[@]}" \
        >"$WORK/$name.log" 2>&1 &
      ;;
    tayga)
      cat >"$WORK/tayga.conf" <<CONF
tun-device $TUN
ipv4-addr 203.0.113.1
ipv6-addr 2001:db8:ffff::1
prefix $PREFIX
map $H6_AS_IPV4 $H6_ADDR
CONF
      # --nodetach, not -d: -d also turns on TAYGA's debug messages, which would not be a fair fight.
      ip netns exec "$GW" tayga -c "$WORK/tayga.conf" --nodetach >"$WORK/$name.log" 2>&1 &
      ;;
    cfwd-*-uring*)
      # cfwd-<N>q-uring[-plain|-coop|-defer|-sqpoll][-d<DEPTH>][-mshot][-off]: the C ceiling with the TUN reads and
      # writes batched through io_uring (bench/c/tunfwd-uring.c; defaults: defer, depth 64, single-shot reads, no
      # virtio-net header); -off: with the TUN offloads xlat64 uses by default, as cfwd-<N>q-off.
      local opts setup=defer depth=64 reads=rw off=() o
      queues="${name#cfwd-}"; queues="${queues%%q-*}"; opts="${name#*-uring}"
      for o in ${opts//-/ }; do
        case "$o" in
          plain|coop|defer|sqpoll) setup="$o" ;;
          d[0-9]*) depth="${o#d}" ;;
          mshot) reads=mshot ;;
          off) off=(offload) ;;
          *) echo "unknown option $o in $name" >&2; exit 2 ;;
        esac
      done
      ip netns exec "$GW" "$WORK/tunfwd-uring" "$TUN" "$PREFIX" "$H6_AS_IPV4" "$H6_ADDR" "$queues" "$setup" "$depth" \
        "$reads" "${off[@]}" >"$WORK/$name.log" 2>&1 &
      ;;
    cfwd-*)
      # cfwd-<N>q[-off]: -off runs the C ceiling with the TUN offloads xlat64 uses by default (IFF_VNET_HDR, TSO).
      local base="${name%-off}" mode=()
      [ "$base" != "$name" ] && mode=(offload)
      queues="${base#cfwd-}"; queues="${queues%q}"
      ip netns exec "$GW" "$WORK/tunfwd" "$TUN" "$PREFIX" "$H6_AS_IPV4" "$H6_ADDR" "$queues" "${mode[@]}" \
        >"$WORK/$name.log" 2>&1 &
      ;;
    *) echo "unknown contender $name" >&2; exit 2 ;;
  esac
  TRANSLATOR_PID=$!
  local i
  # Up to 60 s: a contender with a large EAM file loads it before it opens the TUN device.
  for i in $(seq 600); do
    ip -n "$GW" link show "$TUN" >/dev/null 2>&1 && break
    kill -0 "$TRANSLATOR_PID" 2>/dev/null || { cat "$WORK/$name.log" >&2; return 1; }
    sleep 0.1
  done
  ip -n "$GW" link set "$TUN" up
  ip -n "$GW" -6 route replace "$PREFIX" dev "$TUN"
  ip -n "$GW" route replace 192.0.2.0/24 dev "$TUN"
  [ "$DEST6" = "$H4_AS_IPV6" ] || ip -n "$GW" -6 route replace "$SIXRD_HOST_PREFIX" dev "$TUN"
  if [ "$MODE" != siit ]; then
    ip -n "$GW" -6 route replace "$MAP_DMR" dev "$TUN"
    ip -n "$GW" -6 route replace "$LW_AFTR/128" dev "$TUN"
    ip -n "$GW" -6 route replace "$MAPE_BR/128" dev "$TUN"
    map_probe && return 0
    log "$name: no datagram through the BR"; cat "$WORK/$name.log" >&2; return 1
  fi
  for i in $(seq 20); do
    ip netns exec "$H6" ping -6 -c 1 -W 1 "$H4_AS_IPV6" >/dev/null 2>&1 && return 0
  done
  log "$name: no ping through the translator"; cat "$WORK/$name.log" >&2; return 1
}

stop_contender() {
  [ -n "$TRANSLATOR_PID" ] || return 0
  kill "$TRANSLATOR_PID" 2>/dev/null || true
  local i
  for i in $(seq 50); do kill -0 "$TRANSLATOR_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$TRANSLATOR_PID" 2>/dev/null || true
  wait "$TRANSLATOR_PID" 2>/dev/null || true
  TRANSLATOR_PID=""
  DEST6="$H4_AS_IPV6"
  for i in $(seq 50); do ip -n "$GW" link show "$TUN" >/dev/null 2>&1 || break; sleep 0.1; done
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$TRANSLATOR_PID/stat"; }  # utime + stime, all threads
udp_received() {  # NoPorts: port 9 is closed; 6rd: the 6in4 packets leaving gw for h4
  if [ "$DEST6" = "$H4_AS_IPV6" ]; then ip netns exec "$H4" awk '/^Udp:/ && ++n == 2 {print $3}' /proc/net/snmp
  else ip netns exec "$GW" cat /sys/class/net/to-h4/statistics/tx_packets; fi
}
udp_csum_errors() { ip netns exec "$H4" awk '/^Udp:/ && ++n == 2 {print $4}' /proc/net/snmp; }  # InErrors
tcp_csum_errors() { ip netns exec "$H4" awk '/^Tcp:/ {if (++n == 1) for (i = 1; i <= NF; i++) k[$i] = i; else print $k["InCsumErrors"]}' /proc/net/snmp; }
tx_packets() { ip netns exec "$H6" cat /sys/class/net/eth0/statistics/tx_packets; }
now() { date +%s.%N; }

# trafgen config: 8 UDP flows (source ports 10000-10007, so a multi-queue TUN can spread them) to h4's port 9.
trafgen_config() {
  local size="$1" f="$WORK/udp-$MODE-$1-${DEST6//:/_}.cfg" sp
  : >"$f"
  case "$MODE" in
    siit) for sp in $(seq 10000 10007); do
      echo "{ eth(da=$GW_MAC, sa=$H6_MAC, type=0x86dd), ipv6(sa=$H6_ADDR, da=$DEST6, hl=64), udp(sp=$sp, dp=9), fill(0x5a, $size) }" >>"$f"
      done ;;
    mapt) for sp in $MAPT_PORTS; do
      echo "{ eth(da=$GW_MAC, sa=$H6_MAC, type=0x86dd), ipv6(sa=$MAPT_CE, da=$MAPT_H4, hl=64), udp(sp=$sp, dp=9), fill(0x5a, $size) }" >>"$f"
      done ;;
    lw4o6-*) softwire_flows "$MODE" "$size" >"$f" ;;
    mape) softwire_flows mape "$size" >"$f" ;;
  esac
  echo "$f"
}

# The MAP contenders (docs/map.md). MAP-T: rule 2001:db8:2::/48 <-> 192.0.2.0/24 with 16 EA bits (a = 6, k = 8):
# the generator is the CE with EA bits 0x1234, i.e. IPv4 192.0.2.18, PSID 52 (ports 1232-1235, 2256-2259, ...) and
# MAP address 2001:db8:2:1234:0:c000:212:34 (RFC 7599: full IPv4 in the IID); h4 is reached under the DMR
# 2001:db8:fffc::/64. lw4o6: N bindings of PSID/12 port sets (a = 0: 16 ports each) over 192.0.2.0/24, the last one
# the generator's (B4 2001:db8:1::2, 192.0.2.18 PSID 52: ports 832-847), lwAFTR 2001:db8:fffe::1; lw4o6_flows says
# which bindings the generator uses. MAP-E: rule 2001:db8:3::/48 <-> 192.0.2.0/24, 16 EA bits, BR 2001:db8:fffd::1;
# the generator is the CE with EA bits 0x1234 (192.0.2.18, PSID 52, the MAP-T ports) and MAP address
# 2001:db8:3:1234:0:c000:212:34 (RFC 7597 s.6), sending IPv4-in-IPv6 to the BR, which decapsulates it to h4.
MAP_DMR=2001:db8:fffc::/64
MAPT_CE=2001:db8:2:1234:0:c000:212:34
MAPT_H4=2001:db8:fffc:0:c6:3364:200:0
MAPT_PORTS="1232 1233 1234 1235 2256 2257 2258 2259"
LW_AFTR=2001:db8:fffe::1
MAPE_BR=2001:db8:fffd::1
MAPE_CE=2001:db8:3:1234:0:c000:212:34

# trafgen packets of IPv4-in-IPv6 softwires to h4's port 9, $2 bytes of payload. $1 = lw4o6-<N>: from B4s through
# the lwAFTR; with one binding, the generator's (8 ports); with N, 256 bindings spread over the table (each from its
# own B4 address and IPv4 address/port), so a large table pays its cache misses as with many subscribers. $1 = mape:
# from the MAP-E CE (its MAP address, the 8 MAP-T ports) to the BR. trafgen cannot nest ipv4() in ipv6(): the inner
# IPv4 and UDP headers go as bytes (UDP checksum 0, RFC 768).
softwire_flows() {
  python3 - "$1" "$2" "$GW_MAC" "$H6_MAC" "$H6_ADDR" "$LW_AFTR" "$H4_ADDR" "$MAPE_CE" "$MAPE_BR" "$MAPT_PORTS" <<'PY'
import socket, struct, sys
mode, size = sys.argv[1], int(sys.argv[2])
gw_mac, h6_mac, h6, aftr, h4, mape_ce, mape_br, mapt_ports = sys.argv[3:11]
n = int(mode[len("lw4o6-"):]) if mode.startswith("lw4o6-") else 1
def inner(src, port):
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + size, 0, 0, 64, 17, 0, socket.inet_aton(src),
                              socket.inet_aton(h4)))
    t = sum(struct.unpack("!10H", h)); t = (t & 0xFFFF) + (t >> 16)
    struct.pack_into("!H", h, 10, ~((t & 0xFFFF) + (t >> 16)) & 0xFFFF)
    return ", ".join("0x%02x" % b for b in h + struct.pack("!HHHH", port, 9, 8 + size, 0))
flows = [(h6, "192.0.2.18", 52 << 4 | j) for j in range(8)]  # the generator's binding (map_mode writes it last)
if n > 1:
    flows = []
    for k in range(256):
        i = (k * 3989 + 1) % (n - 1)  # a binding map_mode generated (it skips only 192.0.2.18 PSID 52)
        if (i >> 12, i & 4095) == (18, 52) or i & 4095 == 0:
            i += 1
        flows.append(("2001:db8:e%x:%x::1" % (i >> 16, i & 0xFFFF), "192.0.2.%d" % (i >> 12), (i & 4095) << 4 | k & 15))
if mode == "mape":
    aftr = mape_br
    flows = [(mape_ce, "192.0.2.18", int(p)) for p in mapt_ports.split()]
for b4, src, port in flows:
    print("{ eth(da=%s, sa=%s, type=0x86dd), ipv6(sa=%s, da=%s, nh=4, hl=64), %s, fill(0x5a, %d) }"
          % (gw_mac, h6_mac, b4, aftr, inner(src, port), size))
PY
}

# Writes the config file of a MAP contender once and prints its path.
map_mode() {
  local mode="$1" f="$WORK/$1.toml"
  if [ ! -s "$f" ]; then
    case "$mode" in
      mapt) printf '%s\n' '[[mapt.domain]]' "dmr = \"$MAP_DMR\"" '[[mapt.domain.rule]]' \
          'ipv6-prefix = "2001:db8:2::/48"' 'ipv4-prefix = "192.0.2.0/24"' 'ea-bits = 16' >"$f" ;;
      mape) printf '%s\n' '[[mape.domain]]' "br = \"$MAPE_BR\"" '[[mape.domain.rule]]' \
          'ipv6-prefix = "2001:db8:3::/48"' 'ipv4-prefix = "192.0.2.0/24"' 'ea-bits = 16' >"$f" ;;
      lw4o6-*)
        python3 - "${mode#lw4o6-}" "$H6_ADDR" "$WORK/$mode.txt" <<'PY'
import sys
n, b4, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(out, "w") as f:
    f.write("# %d bindings: 192.0.2.0/24 x PSID/12, the generator's last\n" % n)
    for i in range(n - 1):
        host, psid = i >> 12, i & 4095
        if (host, psid) == (18, 52):
            continue
        f.write("192.0.2.%d %d/12 2001:db8:e%x:%x::1\n" % (host, psid, i >> 16, i & 0xFFFF))
    f.write("192.0.2.18 52/12 %s\n" % b4)
PY
        printf '%s\n' '[[lw4o6.domain]]' "br = \"$LW_AFTR\"" "binding-table = \"$mode.txt\"" >"$f" ;;
    esac
  fi
  echo "$f"
}

# A MAP contender is ready when 20 datagrams from the generator reach h4 (its CE has no kernel stack to ping from).
map_probe() {
  local i before cfg
  cfg="$(trafgen_config 64)"
  for i in $(seq 20); do
    before=$(udp_received)
    ip netns exec "$H6" timeout 5 trafgen -o eth0 -i "$cfg" -n 20 -Q --no-sock-mem >/dev/null 2>&1 || true
    sleep 0.2
    [ "$(udp_received)" -gt "$before" ] && return 0
  done
  return 1
}

# One UDP measurement: trafgen flat out for 1 s warm-up + S s measured. Prints "pps loss gbps cpu".
measure_udp() {
  local size="$1" cfg t0 t1 rx0 rx1 tx0 tx1 c0 c1 e0
  cfg="$(trafgen_config "$size")"
  # timeout puts trafgen in a process group of its own: trafgen signals its whole group when it stops.
  ip netns exec "$H6" timeout -s INT $((SECONDS_PER_TEST + 2)) trafgen -o eth0 -i "$cfg" -P 1 --no-sock-mem -Q -C \
    >/dev/null 2>&1 &
  local gen=$!; BG_PIDS+=("$gen")
  sleep 1
  t0=$(now); rx0=$(udp_received); tx0=$(tx_packets); c0=$(cpu_ticks); e0=$(udp_csum_errors)
  sleep "$SECONDS_PER_TEST"
  t1=$(now); rx1=$(udp_received); tx1=$(tx_packets); c1=$(cpu_ticks)
  wait "$gen" 2>/dev/null || true
  [ "$(udp_csum_errors)" = "$e0" ] || log "WARNING: UDP checksum errors at h4 during $size-byte run"
  # IPv4 bytes per packet at h4: 20 IPv4 + 8 UDP + payload.
  python3 - "$t0" "$t1" "$rx0" "$rx1" "$tx0" "$tx1" "$c0" "$c1" "$CLK_TCK" "$size" <<'PY'
import sys
t0, t1, rx0, rx1, tx0, tx1, c0, c1, hz, size = map(float, sys.argv[1:])
dt = t1 - t0; rx = rx1 - rx0; tx = tx1 - tx0
print(f"{rx/dt:.0f} {max(0.0, 1 - rx/tx) * 100 if tx else 0:.2f} {rx * (28 + size) * 8 / dt / 1e9:.4f} {(c1 - c0) / hz / dt * 100:.0f}")
PY
}

# One TCP measurement: iperf3 h6 -> h4, 1 s omitted + S s. Prints "pps loss gbps cpu" (pps and loss: "-").
measure_tcp() {
  local t0 t1 c0 c1 e0 out
  t0=$(now); c0=$(cpu_ticks); e0=$(tcp_csum_errors)
  out="$(ip netns exec "$H6" iperf3 -6 -c "$H4_AS_IPV6" -t "$SECONDS_PER_TEST" -O 1 -J 2>/dev/null || true)"
  t1=$(now); c1=$(cpu_ticks)
  [ "$(tcp_csum_errors)" = "$e0" ] || log "WARNING: TCP checksum errors at h4 during the iperf3 run"
  python3 - "$t0" "$t1" "$c0" "$c1" "$CLK_TCK" <<PY
import json, sys
t0, t1, c0, c1, hz = map(float, sys.argv[1:])
try:
    bps = json.loads('''$out''')["end"]["sum_received"]["bits_per_second"]
except Exception:
    bps = float("nan")
print(f"- - {bps / 1e9:.4f} {(c1 - c0) / hz / (t1 - t0) * 100:.0f}")
PY
}

run_rounds() {
  local round name size
  echo "round,contender,test,pps,loss_pct,gbps,cpu_pct" >"$WORK/raw.csv"
  ip netns exec "$H4" iperf3 -s -B "$H4_ADDR" >/dev/null 2>&1 &
  BG_PIDS+=($!)
  sleep 0.5
  for round in $(seq "$ROUNDS"); do
    for name in $CONTENDERS; do
      log "round $round/$ROUNDS: $name"
      start_contender "$name"
      for size in $SIZES; do
        echo "$round,$name,udp$size,$(measure_udp "$size" | tr ' ' ',')" | tee -a "$WORK/raw.csv" >&2
      done
      # TCP only where h6's iperf3 goes through the contender's mechanism (not for MAP or 6rd contenders).
      [ "$MODE" = siit ] && [ "$DEST6" = "$H4_AS_IPV6" ] && \
        echo "$round,$name,tcp,$(measure_tcp | tr ' ' ',')" | tee -a "$WORK/raw.csv" >&2
      stop_contender
    done
  done
  cp "$WORK/raw.csv" "$RESULTS/e2e-$DATE-raw.csv"
}

# RFC 8219 s.7.1 throughput: the highest offered rate with zero loss, by binary search over iperf3 -b. The whole
# search is repeated (RFC 8219 s.7.1 asks for repetitions and a summary over them; one short search on this VM is
# mostly scheduling noise), the contenders alternated repeat by repeat.
rfc8219() {
  local name lo hi mid lost sent best rep
  echo "contender,trial_rate_pps,sent,lost,repeat" >"$WORK/rfc8219.csv"
  for rep in $(seq "$RFC8219_REPEATS"); do
  for name in $RFC8219_CONTENDERS; do
    log "RFC 8219 search $rep/$RFC8219_REPEATS: $name, $RFC8219_SIZE-byte UDP payload, $RFC8219_SECONDS s trials"
    start_contender "$name"
    ip netns exec "$H4" iperf3 -s -B "$H4_ADDR" -p 5202 >/dev/null 2>&1 &
    local srv=$!; BG_PIDS+=("$srv"); sleep 0.5
    lo=0; hi=400000; best=0
    while [ $((hi - lo)) -gt 2000 ] && [ $((hi - lo)) -gt $((hi / 30)) ]; do  # to within ~3%
      mid=$(( (lo + hi) / 2 ))
      read -r sent lost < <(ip netns exec "$H6" iperf3 -6 -c "$H4_AS_IPV6" -p 5202 -u -l "$RFC8219_SIZE" \
          -b $((mid * RFC8219_SIZE * 8)) -t "$RFC8219_SECONDS" -J 2>/dev/null | python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)["end"]["sum"]; print(s["packets"], s["lost_packets"])
except Exception:
    print(0, -1)')
      echo "$name,$mid,$sent,$lost,$rep" | tee -a "$WORK/rfc8219.csv" >&2
      if [ "$lost" = 0 ] && [ "$sent" -ge $(( mid * RFC8219_SECONDS * 9 / 10 )) ]; then lo=$mid; best=$mid; else hi=$mid; fi
    done
    echo "$name,result,$best,$rep" >>"$WORK/rfc8219.csv"
    kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null || true
    stop_contender
  done
  done
  cp "$WORK/rfc8219.csv" "$RESULTS/e2e-$DATE-rfc8219.csv"
}

main() {
  local started; started=$(date +%s)
  prepare
  topology
  run_rounds
  [ "$DO_RFC8219" = 1 ] && rfc8219
  python3 "$ROOT/bench/scripts/e2e-report.py" --raw "$RESULTS/e2e-$DATE-raw.csv" \
    $( [ "$DO_RFC8219" = 1 ] && echo --rfc8219 "$RESULTS/e2e-$DATE-rfc8219.csv" ) \
    --out "$RESULTS/e2e-$DATE.md" --svg "$RESULTS/e2e-$DATE-pps.svg" --rounds "$ROUNDS" --seconds "$SECONDS_PER_TEST" \
    --command "bench/scripts/e2e-bench.sh $ORIGINAL_ARGS" --elapsed $(( $(date +%s) - started )) \
    --udp-gro "$UDP_GRO"
  [ "$DO_README" = 1 ] && { echo; cat "$RESULTS/e2e-$DATE.md"; } >>"$ROOT/bench/README.md"
  cat "$RESULTS/e2e-$DATE.md"
}

[ "${E2E_BENCH_SOURCE_ONLY:-0}" = 1 ] || main "$@"
