#!/usr/bin/env bash
# A/B for JMH on a noisy VM: two variants of TranslateBenchmark, alternated round by round (order flipped every round,
# so drift and other load hit both alike), one fork each; prints the medians and the median of the per-round ratios.
# A variant is LABEL=DIR[=JVMARGS]: DIR is a checkout built with `mvn -q -o -DskipTests package` (its bench/target is
# used), JVMARGS extra JVM flags (Agrona's --add-exports is always given).
# usage: bench/scripts/jmh-ab.sh [-r ROUNDS] [-b REGEX] [-o OUTDIR] A B
#   e.g. bench/scripts/jmh-ab.sh -r 4 on=. off=.=-Dagrona.disable.bounds.checks=true
set -euo pipefail
ROUNDS=4; REGEX='TranslateBenchmark'; OUT="$(mktemp -d /tmp/jmh-ab.XXXXXX)"
while getopts "r:b:o:" o; do case "$o" in r) ROUNDS="$OPTARG" ;; b) REGEX="$OPTARG" ;; o) OUT="$OPTARG" ;; *) exit 2 ;; esac; done
shift $((OPTIND - 1))
[ $# = 2 ] || { sed -n '2,8p' "$0"; exit 2; }
mkdir -p "$OUT"
run() { # label dir jvmargs round
  (cd "$2/bench" && java -cp 'target/classes:target/lib/*' org.openjdk.jmh.Main "$REGEX" -wi 3 -w 1 -i 5 -r 1 -f 1 \
    -jvmArgsAppend "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED $3" \
    -rf csv -rff "$OUT/$1-$4.csv" >/dev/null 2>&1)
}
IFS='=' read -r LA DA XA <<<"$1"; IFS='=' read -r LB DB XB <<<"$2"
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then run "$LA" "$DA" "${XA:-}" "$r"; run "$LB" "$DB" "${XB:-}" "$r"
  else run "$LB" "$DB" "${XB:-}" "$r"; run "$LA" "$DA" "${XA:-}" "$r"; fi
  echo "round $r/$ROUNDS done" >&2
done
python3 - "$OUT" "$LA" "$LB" "$ROUNDS" <<'PY'
import csv, statistics, sys
out, a, b, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def load(label, r):
    return {'.'.join(row['Benchmark'].split('.')[-2:]): float(row['Score']) for row in csv.DictReader(open(f"{out}/{label}-{r}.csv"))}
A = [load(a, r) for r in range(1, rounds + 1)]; B = [load(b, r) for r in range(1, rounds + 1)]
print(f"| path | {a}, median ns | {b}, median ns | {b} / {a}, median of the round pairs [range] |\n|---|---|---|---|")
for p in A[0]:
    x = [d[p] for d in A]; y = [d[p] for d in B]; q = [j / i for i, j in zip(x, y)]
    print(f"| {p} | {statistics.median(x):.1f} | {statistics.median(y):.1f} | {statistics.median(q):.2f} [{min(q):.2f}-{max(q):.2f}] |")
print(f"\nCSV per round: {out}")
PY
