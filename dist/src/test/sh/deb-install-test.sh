#!/usr/bin/env bash
# Installs the xlat64 .deb on this machine (dpkg -i), runs the installed launcher (--version, check-config of the
# installed example config), checks the units, user and conffile, then purges it (dpkg -P) and checks that nothing is
# left. Purges on failure too. Needs root; refuses to run when xlat64 is already installed, so it never replaces (or
# removes) a real installation.
set -euo pipefail
deb="${1:?usage: deb-install-test.sh PACKAGE.deb}"
if [ "$(id -u)" != 0 ]; then
  echo "deb-install-test: skipped (dpkg -i needs root)"
  exit 0
fi
if dpkg-query -W -f='${Status}' xlat64 2>/dev/null | grep -q 'installed'; then
  echo "deb-install-test: xlat64 is already installed on this machine; not touching it" >&2
  exit 1
fi
purge() { dpkg -P xlat64 >/dev/null 2>&1 || true; }
trap purge EXIT
fail() { echo "deb-install-test: FAILED: $*" >&2; exit 1; }

dpkg -i "$deb"
[ -x /usr/bin/xlat64 ] || fail "/usr/bin/xlat64 missing"
version="$(cd / && /usr/bin/xlat64 --version)"
echo "$version" | grep -q xlat64 || fail "xlat64 --version printed: $version"
(cd / && /usr/bin/xlat64 check-config /etc/xlat64/xlat64.toml) || fail "check-config of the installed example"
grep -qx /etc/xlat64/xlat64.toml /var/lib/dpkg/info/xlat64.conffiles || fail "/etc/xlat64/xlat64.toml is not a conffile"
[ -f /lib/systemd/system/xlat64.service ] || fail "xlat64.service missing"
[ -f /lib/systemd/system/xlat64-dns64.service ] || fail "xlat64-dns64.service missing"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/xlat64.service /lib/systemd/system/xlat64-dns64.service \
    || fail "systemd-analyze verify of the installed units"
fi
getent passwd xlat64 >/dev/null || fail "system user xlat64 not created"
ls /usr/share/xlat64/lib/xlat64-translator-*.jar >/dev/null || fail "jars missing in /usr/share/xlat64/lib"

dpkg -P xlat64
trap - EXIT
for path in /usr/bin/xlat64 /usr/share/xlat64 /etc/xlat64/xlat64.toml /lib/systemd/system/xlat64.service; do
  [ ! -e "$path" ] || fail "$path left after dpkg -P"
done
! getent passwd xlat64 >/dev/null || fail "user xlat64 left after dpkg -P"
echo "deb-install-test: OK ($version installed, checked and purged)"
