#!/usr/bin/env bash
# Instructions per packet of the engine, counted by valgrind: exact and repeatable (+-0.5%) on a loaded VM without
# hardware counters, where JMH's and even cpu-ab's nanoseconds cannot resolve a few percent. Runs TranslateBenchmark's
# loop (restore the headers, translate; icount/ICount.java) in the main thread under callgrind twice per path and
# variant, N calls apart after the same warm-up, and prints the difference / N: the instructions of one packet,
# loop and header restore included (about 100 of them, the same in every build). Instructions are not time (a cache
# miss or a long dependency chain costs more than its count), so a result is confirmed in time (cpu-ab.sh, jmh-ab.sh)
# before it is claimed; but where the count moves 20%, so does the time on these paths (docs/performance.md).
# -a also attributes the count to source methods (icount/attribute.py): it needs gcc and libcapstone-dev for a small
# hsdis (icount/hsdis-capstone.c) so that HotSpot prints its machine code with the inlining chain of every instruction.
# A variant is LABEL=DIR[=JVMARGS], DIR a checkout built with `mvn -q -o -DskipTests package`.
# usage: bench/scripts/icount.sh [-k "PATH..."] [-n CALLS] [-a] [-o OUTDIR] A [B...]
#   e.g. bench/scripts/icount.sh -a base=/path/to/782590f new=.
set -euo pipefail
PATHS="tcp4to6 udp4to6 tcp6to4 udp6to4"; N=1000000; WARM=50000; ATTR=0; OUT="$(mktemp -d /tmp/icount.XXXXXX)"
while getopts "k:n:ao:" o; do
  case "$o" in k) PATHS="$OPTARG" ;; n) N="$OPTARG" ;; a) ATTR=1 ;; o) OUT="$OPTARG" ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,13p' "$0"; exit 2; }
command -v valgrind >/dev/null || { echo "icount.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$OUT"
if [ "$ATTR" = 1 ] && [ ! -e "$OUT/hsdis/hsdis-amd64.so" ]; then
  mkdir -p "$OUT/hsdis"
  gcc -O2 -shared -fPIC -o "$OUT/hsdis/hsdis-amd64.so" "$HERE/icount/hsdis-capstone.c" -lcapstone || {
    echo "icount.sh: -a needs gcc and libcapstone-dev" >&2; exit 2; }
fi
declare -A DIRS ARGS
LABELS=()
for v in "$@"; do
  IFS='=' read -r L D X <<<"$v"; D="$(cd "$D" && pwd)"
  LABELS+=("$L"); DIRS[$L]="$D"; ARGS[$L]="${X:-}"
  mkdir -p "$OUT/$L/classes"
  javac -d "$OUT/$L/classes" -cp "$D/bench/target/classes:$D/bench/target/lib/*" "$HERE/icount/ICount.java"
done
# callgrind's thread 2 is the JVM's main thread (the launcher's own thread 1 only starts it and waits).
run() { # label path calls name [extra valgrind and JVM flags via VG / JV]
  local L=$1 d=${DIRS[$1]}
  rm -f "$OUT/$4".cg.*
  # shellcheck disable=SC2086
  LD_LIBRARY_PATH="$OUT/hsdis" valgrind --tool=callgrind --separate-threads=yes ${VG:-} \
    --callgrind-out-file="$OUT/$4.cg.%p" java -Xbatch -XX:+UseSerialGC -Xms256m -Xmx256m ${JV:-} ${ARGS[$L]} \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED \
    -cp "$OUT/$L/classes:$d/bench/target/classes:$d/bench/target/lib/*" dev.xlat64.bench.ICount "$2" "$WARM" "$3" \
    >"$OUT/$4.log" 2>&1 || { echo "icount.sh: $4 failed, see $OUT/$4.log" >&2; exit 1; }
  ls "$OUT/$4".cg.*-02
}
ir() { grep -m1 '^summary:' "$1" | cut -d' ' -f2; }
printf '| path |'; for L in "${LABELS[@]}"; do printf ' %s |' "$L"; done
for L in "${LABELS[@]:1}"; do printf ' %s / %s |' "$L" "${LABELS[0]}"; done; echo
printf '|---|'; for _ in "${LABELS[@]}" "${LABELS[@]:1}"; do printf -- '---|'; done; echo
for p in $PATHS; do
  declare -A PER=()
  for L in "${LABELS[@]}"; do
    a=$(ir "$(run "$L" "$p" 0 "$L-$p-0")"); b=$(ir "$(run "$L" "$p" "$N" "$L-$p-$N")")
    PER[$L]=$(python3 -c "print(f'{($b - $a) / $N:.1f}')")
  done
  printf '| %s |' "$p"; for L in "${LABELS[@]}"; do printf ' %s |' "${PER[$L]}"; done
  for L in "${LABELS[@]:1}"; do python3 -c "print(f' {${PER[$L]} / ${PER[${LABELS[0]}]}:.3f} |', end='')"; done; echo
done
if [ "$ATTR" = 1 ]; then
  for p in $PATHS; do
    echo; echo "### $p: instructions per packet by method (the loop's own ~100 under bench:)"; echo
    set --
    for L in "${LABELS[@]}"; do
      cg=$(VG="--dump-instr=yes --dump-line=no" JV="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
        -XX:CompileCommand=quiet -XX:CompileCommand=print,dev.xlat64.*::*" run "$L" "$p" "$N" "$L-$p-asm")
      set -- "$@" "$L" "$cg" "$OUT/$L-$p-asm.log"
    done
    python3 "$HERE/icount/attribute.py" "$N" "$@"
  done
fi
echo; echo "valgrind output: $OUT"
