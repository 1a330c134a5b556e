#!/usr/bin/env bash
# A/B of the engine in thread CPU time, for a machine too loaded for JMH's wall-clock figures: TranslateBenchmark's
# loop (restore the headers, translate) in a small probe, 500,000 packets per sample (-n), ns/packet from
# ThreadMXBean.getCurrentThreadCpuTime (time the thread was descheduled does not count). Per round and path the
# variants run side by side (one JVM each, at the same time, so load hits them alike); prints per variant the median
# over the rounds of each run's fastest sample (and of its 25th percentile), and the ratios to the first variant.
# A variant is LABEL=DIR[=JVMARGS], DIR a checkout built with `mvn -q -o -DskipTests package` (its bench/target is
# used), JVMARGS extra JVM flags (space-separated).
# -n sets the packets per sample: on a very loaded machine many short samples (e.g. -n 20000 -s 500) give a fastest
# sample that no other thread disturbed.
# usage: bench/scripts/cpu-ab.sh [-r ROUNDS] [-s SAMPLES] [-n PACKETS] [-k "KIND..."] A B [C...]
#   e.g. bench/scripts/cpu-ab.sh -r 3 base=/path/to/782590f new=.
set -euo pipefail
ROUNDS=3; SAMPLES=40; OUT="$(mktemp -d /tmp/cpu-ab.XXXXXX)"; KINDS="TCP_4TO6 UDP_4TO6 TCP_6TO4 UDP_6TO4"; PACKETS=500000
while getopts "r:s:n:k:" o; do
  case "$o" in r) ROUNDS="$OPTARG" ;; s) SAMPLES="$OPTARG" ;; n) PACKETS="$OPTARG" ;; k) KINDS="$OPTARG" ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 2; }
for v in "$@"; do
  IFS='=' read -r L D X <<<"$v"; D="$(cd "$D" && pwd)"
  # The vocabulary package moved in the restructure (#19): engine before, core after.
  PKG=dev.xlat64.core; [ -e "$D/translator/src/main/java/dev/xlat64/core/PacketSink.java" ] || PKG=dev.xlat64.engine
  mkdir -p "$OUT/$L"
  sed "s/PKG/$PKG/" >"$OUT/$L/CpuProbe.java" <<'JAVA'
import dev.xlat64.bench.BenchPackets;
import dev.xlat64.engine.Translator;
import PKG.Outcome;
import PKG.PacketSink;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Thread-CPU-time per packet of TranslateBenchmark's loop (restore headers + translate): robust to a loaded machine. */
public class CpuProbe
{
    static final class Sink implements PacketSink
    {
        int offset;
        int length;

        @Override
        public void emit(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            this.offset = offset;
            this.length = length;
        }
    }

    static UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 65536 + 4096));
    static Sink sink = new Sink();
    static Translator translator;
    static byte[] packet;
    static int restore;

    static long batch(final int n)
    {
        long acc = 0;
        for (int i = 0; i < n; i++)
        {
            buffer.putBytes(Translator.HEADROOM, packet, 0, restore);
            final Outcome o = translator.translate(buffer, Translator.HEADROOM, packet.length, sink);
            acc += o.ordinal() + sink.offset + sink.length;
        }
        return acc;
    }

    public static void main(final String[] args)
    {
        final BenchPackets.Kind kind = BenchPackets.Kind.valueOf(args[0]);
        final int samples = Integer.parseInt(args[1]);
        translator = new Translator(BenchPackets.config());
        packet = BenchPackets.packet(kind, 64);
        restore = BenchPackets.headerLength(packet);
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long acc = 0;
        for (int i = 0; i < 40; i++)
        {
            acc += batch(100_000);
        }
        final double[] ns = new double[samples];
        final int n = Integer.parseInt(args[2]);
        for (int s = 0; s < samples; s++)
        {
            final long t0 = mx.getCurrentThreadCpuTime();
            acc += batch(n);
            ns[s] = (mx.getCurrentThreadCpuTime() - t0) / (double)n;
        }
        Arrays.sort(ns);
        System.out.printf("%s min %.2f p25 %.2f med %.2f (%d)%n", kind, ns[0], ns[samples / 4], ns[samples / 2], acc & 1);
    }
}
JAVA
  javac -d "$OUT/$L" -cp "$D/bench/target/classes:$D/bench/target/lib/*" "$OUT/$L/CpuProbe.java"
  echo "$L=$D=${X:-}" >>"$OUT/variants"
done
for r in $(seq "$ROUNDS"); do
  for k in $KINDS; do
    while IFS='=' read -r L D X; do
      # shellcheck disable=SC2086
      java $X --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED \
        -cp "$OUT/$L:$D/bench/target/classes:$D/bench/target/lib/*" CpuProbe "$k" "$SAMPLES" "$PACKETS" >>"$OUT/$L-$r.txt" 2>&1 &
    done <"$OUT/variants"
    wait
  done
  echo "round $r/$ROUNDS done" >&2
done
python3 - "$OUT" "$ROUNDS" "$KINDS" $(cut -d= -f1 "$OUT/variants") <<'PY'
import re, statistics, sys
out, rounds, kinds, labels = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4:]
data = {}
for l in labels:
    for r in range(1, rounds + 1):
        for line in open(f"{out}/{l}-{r}.txt"):
            m = re.match(r"(\S+) min ([\d.]+) p25 ([\d.]+)", line)
            if m:
                data.setdefault((l, m.group(1)), []).append((float(m.group(2)), float(m.group(3))))
base = labels[0]
print("| path | " + " | ".join(f"{l}, ns (fastest; p25)" for l in labels) + " | " +
      " | ".join(f"{l} / {base}" for l in labels[1:]) + " |")
print("|---" * (1 + 2 * len(labels) - 1) + "|")
for k in kinds:
    fast = {l: statistics.median(x[0] for x in data[(l, k)]) for l in labels}
    p25 = {l: statistics.median(x[1] for x in data[(l, k)]) for l in labels}
    print(f"| {k.lower().replace('_', '')} | " + " | ".join(f"{fast[l]:.1f}; {p25[l]:.1f}" for l in labels) + " | " +
          " | ".join(f"{fast[l] / fast[base]:.2f}" for l in labels[1:]) + " |")
print(f"\nraw: {out}")
PY
