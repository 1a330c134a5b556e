#!/usr/bin/env bash
# The xlat64 units under a real systemd as PID 1: boots a minimal Debian (debootstrap, cached) with systemd-nspawn
# --boot in its own network namespace (--private-network: the TUN device and its routes never touch the host),
# installs the .deb inside the container only, and shows:
#   1. systemctl start reaches READY through Type=notify (active/running, the unit's StatusText from xlat64),
#   2. systemctl reload swaps the config (an EAM entry appears, xlat64_config_reloads_total{result="ok"} moves),
#   3. the watchdog restarts a frozen instance (SIGSTOP: no WATCHDOG=1 -> SIGABRT after WatchdogSec -> restart),
#   4. systemctl stop drains (ExecStop=xlat64 drain: routes withdrawn, wait, exit),
#   5. journald has the logs, 6. systemd-analyze security's score for xlat64.service.
# Usage (root): dist/src/test/sh/systemd-nspawn-test.sh dist/target/xlat64_VERSION_all.deb
# Needs: apt-get install systemd-container debootstrap. The first run builds the tree (a few minutes, ~550 MB under
# /var/cache/xlat64-nspawn); later runs copy it (seconds). Exit 0 all shown, 1 a check failed, 77 cannot run here.
set -euo pipefail
deb="$(realpath "${1:?usage: systemd-nspawn-test.sh PACKAGE.deb}")"
cache="${XLAT64_NSPAWN_CACHE:-/var/cache/xlat64-nspawn}"
suite=bookworm
if [ "$(id -u)" != 0 ]; then echo "systemd-nspawn-test: skipped (needs root)"; exit 77; fi
for tool in systemd-nspawn debootstrap nsenter; do
  command -v "$tool" >/dev/null || { echo "systemd-nspawn-test: skipped (no $tool: apt-get install systemd-container debootstrap)"; exit 77; }
done

if [ ! -x "$cache/$suite/lib/systemd/systemd" ]; then
  echo "systemd-nspawn-test: building the $suite tree in $cache (once)"
  mkdir -p "$cache"
  rm -rf "$cache/$suite.tmp"
  # The Debian mirror this machine's apt already uses (deb822 sources or a classic sources.list line).
  mirror="$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1)"
  [ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
  [ -n "$mirror" ] || { echo "systemd-nspawn-test: skipped (no Debian mirror in this machine's apt sources)"; exit 77; }
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,iproute2,openjdk-17-jre-headless,adduser,curl,procps \
    "$suite" "$cache/$suite.tmp" "$mirror" >/dev/null
  mv "$cache/$suite.tmp" "$cache/$suite"
fi

work="$(mktemp -d /var/tmp/xlat64-nspawn.XXXXXX)"
root="$work/root"
machine="xlat64-$(basename "$work" | tr -dc 'a-z0-9' | tail -c 6)"
nspawn_pid=""
cleanup() {
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid" 2>/dev/null || true   # nspawn shuts the container down
    for _ in $(seq 1 100); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nspawn_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
cp -a "$cache/$suite" "$root"
cp "$deb" "$root/root/xlat64.deb"

# Boot. No machined or host systemd here (--register=no --keep-unit).
systemd-nspawn -D "$root" --boot --register=no --keep-unit --private-network --machine="$machine" >"$work/console.log" 2>&1 &
nspawn_pid=$!
leader=""
for _ in $(seq 1 200); do
  # The container's PID 1 is nspawn's child that has become systemd (an earlier child can be a short-lived helper).
  for child in $(pgrep -P "$nspawn_pid" || true); do
    [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ] && leader="$child"
  done
  [ -n "$leader" ] && break
  kill -0 "$nspawn_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$leader" ]; then
  echo "systemd-nspawn-test: the container did not start; systemd-nspawn said:"; cat "$work/console.log"; exit 77
fi
ct() { nsenter -t "$leader" -m -u -i -n -p -- "$@"; }
state="$(ct systemctl is-system-running --wait 2>/dev/null || true)"
echo "systemd-nspawn-test: container $machine booted (PID 1 = systemd, host pid $leader): system $state"
[ "$(ct cat /proc/1/comm)" = systemd ] || { echo "PID 1 in the container is not systemd"; cat "$work/console.log"; exit 77; }

fail() { echo "systemd-nspawn-test: FAILED: $*" >&2; ct journalctl -u xlat64 --no-pager | tail -40 >&2 || true; exit 1; }
show() { ct systemctl show xlat64 -p "$1" --value; }
# journald takes a service's stdout asynchronously: a line may show up a moment after the event (CI once missed the
# drain line right after `systemctl stop`), so look for up to 5 s.
journal_has() {
  local _
  for _ in $(seq 1 20); do
    ct journalctl -u xlat64 --no-pager | grep -q "$1" && return 0
    sleep 0.25
  done
  return 1
}
metric() { ct curl -sf http://127.0.0.1:9464/metrics | grep -E "^$1" || true; }

# A Debian host has /dev/net/tun 0666 (udev); nspawn gives the container the host's mode, which may be 0600 here, so
# the container gets its own 0666 node in its /dev (a tmpfs of the container's: the host's node is not touched).
ct sh -c 'umount /dev/net/tun 2>/dev/null; rm -f /dev/net/tun; mkdir -p /dev/net; mknod -m 666 /dev/net/tun c 10 200'
ct env DEBIAN_FRONTEND=noninteractive dpkg -i /root/xlat64.deb >/dev/null
# The test's own short watchdog; everything else is the shipped unit.
ct mkdir -p /etc/systemd/system/xlat64.service.d
ct sh -c 'printf "[Service]\nWatchdogSec=4s\n" > /etc/systemd/system/xlat64.service.d/test.conf'
ct systemctl daemon-reload

# 1. start: Type=notify, active only after READY=1.
t0=$(date +%s%N)
ct systemctl start xlat64 || fail "systemctl start"
ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$(show ActiveState)/$(show SubState)" = active/running ] || fail "not active/running"
echo "1. start: active/running after ${ready_ms} ms (Type=$(show Type), READY=1 from xlat64); StatusText: $(show StatusText)"
{ ct ip -4 route show dev xlat64; ct ip -6 route show dev xlat64; } | sed 's/^/   route: /'

# 2. reload swaps the config and keeps the routes (and so the announcement).
pid1=$(show MainPID)
ct sed -i 's|^eam = \[\]|eam = ["192.0.2.128/25 = 2001:db8:aa::/121"]|' /etc/xlat64/xlat64.toml
ct systemctl reload xlat64 || fail "systemctl reload"
sleep 1
[ "$(show MainPID)" = "$pid1" ] || fail "reload restarted the process"
journal_has "reloaded: prefix 64:ff9b::/96, 1 EAM entries" || fail "no reload in the log"
echo "2. reload: same PID $pid1, StatusText: $(show StatusText); $(metric 'xlat64_config_reloads_total\{result="ok"')"
{ ct ip -4 route show dev xlat64 proto boot; ct ip -6 route show dev xlat64 proto boot; } | sed 's/^/   announced route: /'

# 3. watchdog: a frozen process sends no WATCHDOG=1; systemd kills (SIGABRT) and restarts it.
restarts=$(show NRestarts)
ct kill -STOP "$pid1"
t0=$(date +%s)
for _ in $(seq 1 60); do
  p=$(show MainPID); [ "$p" != "$pid1" ] && [ "$p" != 0 ] && [ "$(show SubState)" = running ] && break; sleep 0.5
done
[ "$(show MainPID)" != "$pid1" ] || fail "the frozen instance was not restarted"
echo "3. watchdog: SIGSTOP of $pid1 -> restarted as $(show MainPID) after $(( $(date +%s) - t0 )) s, NRestarts $restarts -> $(show NRestarts)"
ct journalctl -u xlat64 --no-pager | grep -E "Watchdog timeout|watchdog" | tail -2 | sed 's/^/   journal: /'

# 4. stop drains (ExecStop=xlat64 drain).
t0=$(date +%s%N)
ct systemctl stop xlat64 || fail "systemctl stop"
stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
journal_has "drain: routes withdrawn" || fail "stop did not drain"
echo "4. stop: drained and stopped in ${stop_ms} ms; $(show ActiveState), result $(show Result)"
ct journalctl -u xlat64 --no-pager | grep -E "drain|draining" | tail -4 | sed 's/^/   journal: /'

# 5. journald.
lines=$(ct journalctl -u xlat64 --no-pager | wc -l)
[ "$lines" -gt 10 ] || fail "journal has $lines lines"
echo "5. journald: $lines lines for xlat64.service"

# 6. systemd-analyze security.
score="$(ct systemd-analyze security xlat64.service --no-pager | tail -1)"
echo "6. systemd-analyze security: $score"
echo "systemd-nspawn-test: OK"
