#!/usr/bin/env python3
"""Turns e2e-bench.sh's raw CSV into the markdown results table and a hand-written SVG plot (no matplotlib here)."""
import argparse
import csv
import math
import re
import statistics
from collections import defaultdict

ap = argparse.ArgumentParser()
ap.add_argument("--raw", required=True)
ap.add_argument("--rfc8219")
ap.add_argument("--out", required=True)
ap.add_argument("--svg", required=True)
ap.add_argument("--rounds", default="?")
ap.add_argument("--seconds", default="?")
ap.add_argument("--command", default="bench/scripts/e2e-bench.sh")
ap.add_argument("--elapsed", default="?")
ap.add_argument("--udp-gro", default="0")
a = ap.parse_args()

rows = list(csv.DictReader(open(a.raw)))
contenders = list(dict.fromkeys(r["contender"] for r in rows))
tests = list(dict.fromkeys(r["test"] for r in rows))
cells = defaultdict(lambda: defaultdict(list))
for r in rows:
    for k in ("pps", "loss_pct", "gbps", "cpu_pct"):
        try:
            v = float(r[k])
            if not math.isnan(v):
                cells[(r["contender"], r["test"])][k].append(v)
        except ValueError:
            pass
    try:
        # CPU time the translator process spent per packet received: robust to how much CPU it was given.
        cells[(r["contender"], r["test"])]["us_per_pkt"].append(float(r["cpu_pct"]) / 100 / float(r["pps"]) * 1e6)
    except (ValueError, ZeroDivisionError):
        pass


def med(c, t, k):
    v = cells[(c, t)][k]
    return statistics.median(v) if v else None


def spread(c, t, k, fmt):
    v = cells[(c, t)][k]
    if not v:
        return "-"
    return f"{fmt(statistics.median(v))} ({fmt(min(v))}-{fmt(max(v))})"


def kpps(x):
    return f"{x / 1000:.0f}k"


def ceiling_of(c):
    """The C ceiling with the same queues and, when it ran, the same TUN offloads (xlat64 has them unless -nooff)."""
    if c.startswith("xlat64-") or c.startswith("cfwd-"):
        plain = "cfwd-" + c.split("-")[1]
        return plain + "-off" if not c.endswith("-nooff") and plain + "-off" in contenders else plain
    return "cfwd-1q"


def uring_ceiling_of(c, t, k):
    """The C ceiling with io_uring (bench/c/tunfwd-uring.c; xlat64's I/O path) and the same queues and offloads: of
    the variants that ran (single-shot or multishot reads, depths), the one with the highest median in this test.
    Without a variant with the same offloads (cfwd-Nq-uring*-off), the one without offloads."""
    if not c.startswith("xlat64-") or "-nouring" in c:
        return None
    same = [o for o in contenders if o.startswith("cfwd-" + c.split("-")[1] + "-uring")
            and o.endswith("-off") != c.endswith("-nooff") and med(o, t, k)]
    plain = [o for o in contenders if o.startswith("cfwd-" + c.split("-")[1] + "-uring")
             and not o.endswith("-off") and med(o, t, k)]
    pool = same or (plain if t != "tcp" else [])
    return max(pool, key=lambda o: med(o, t, k)) if pool else None


def ratio(c, t, other, k):
    x, y = med(c, t, k), med(other, t, k) if other else None
    if x is None or not y or other not in contenders:
        return "-"
    return f"{x / y:.2f}"


def uring_ratio(c, t, k):
    other = uring_ceiling_of(c, t, k)
    r = ratio(c, t, other, k)
    return r if r == "-" else f"{r} ({other.split('-', 2)[2]})"


out = []
out.append(f"### End-to-end run {a.out.split('e2e-')[-1].split('.')[0]}")
out.append("")
out.append(f"Command: `{a.command}` ({a.rounds} rounds, contenders alternated within each round, {a.seconds} s per "
           f"measurement after 1 s warm-up; whole run {a.elapsed} s). Medians over the rounds with (min-max). "
           "UDP: trafgen in h6, 8 flows, flat out; received = UDP datagrams arriving at h4 (`Udp NoPorts`, "
           "so a bad checksum would not count); loss = 1 - received / sent by h6; Gbit/s counts IPv4 bytes at h4; "
           "translator CPU = utime+stime of its process (all threads) / wall time, 100% = one core; CPU us/pkt = that "
           "CPU time per received packet (includes the kernel work of its read/write calls). "
           "TCP: iperf3 h6 -> h4, one stream. TUN offloads (virtio-net header, TSO and, from Linux 6.2, USO): xlat64 "
           "unless -nooff, cfwd only as cfwd-Nq-off; the C ceiling column uses the one with the same offloads when it "
           "ran; the io_uring column compares with the C forwarder with its TUN reads and writes batched through "
           "io_uring (cfwd-Nq-uring*, as xlat64 does unless -nouring), with the same queues and, where such a variant "
           "ran (cfwd-Nq-uring*-off), the same offloads; of the variants that ran, the fastest in that test (named in "
           "brackets). "
           + ("Kernel defaults on gw's veths (no GRO), so every UDP datagram reaches the TUN on its own. "
           if a.udp_gro == "0" else f"**UDP GRO forwarding on** gw's ingress veth (`gro on rx-udp-gro-forwarding on`, "
           f"gro_flush_timeout {a.udp_gro} ns; h6's eth0 `tso off` so veth takes its frames through NAPI), segmentation "
           "in software on gw's egress to h4 (`tx-udp-segmentation off`), for every contender alike: a translator "
           "with USO gets up to 64 datagrams per read, the others get them one by one. ") +
           "Ratios are of medians from this run only; the VM was shared with other builds, so compare rows, "
           "not runs.")
out.append("")
out.append("| contender | test | received pkt/s | loss % | Gbit/s | translator CPU % | CPU us/pkt | x TAYGA | x C ceiling (same queues, offloads) | x C io_uring ceiling (same queues, offloads) |")
out.append("|---|---|---|---|---|---|---|---|---|---|")
for t in tests:
    for c in contenders:
        if not cells[(c, t)]:
            continue
        k = "gbps" if t == "tcp" else "pps"
        out.append("| " + " | ".join([
            c, t.replace("udp", "UDP ") + (" B" if t.startswith("udp") else " (iperf3)"),
            spread(c, t, "pps", kpps) if t != "tcp" else "-",
            spread(c, t, "loss_pct", lambda x: f"{x:.0f}") if t != "tcp" else "-",
            spread(c, t, "gbps", lambda x: f"{x:.2f}"),
            spread(c, t, "cpu_pct", lambda x: f"{x:.0f}"),
            spread(c, t, "us_per_pkt", lambda x: f"{x:.1f}") if t != "tcp" else "-",
            ratio(c, t, "tayga", k) if c != "tayga" else "1",
            ratio(c, t, ceiling_of(c), k) if not c.startswith("cfwd") else "1",
            uring_ratio(c, t, k),
        ]) + " |")
out.append("")

# Mechanism against mechanism (issue 23's end-to-end acceptance), where both contenders of a pair ran on the same
# build and options: MAP-E BR vs 6rd BR, lw4o6 with N bindings vs 1, MAP-T BR vs SIIT.
def pairs():
    for c in contenders:
        base = re.sub(r"-(mape|mapt|lw4o6-[0-9]+|6rd[0-9]+)$", "", c)
        if c.endswith("-mape"):
            sixrd = [o for o in contenders if re.fullmatch(re.escape(base) + r"-6rd[0-9]+", o)]
            for o in sorted(sixrd, key=lambda o: (o != base + "-6rd1", o))[:1]:
                yield c, o, "MAP-E BR vs 6rd BR (target >= 0.9)"
        elif c.endswith("-mapt") and base in contenders:
            yield c, base, "MAP-T BR vs SIIT (target >= 0.9)"
        elif re.search(r"-lw4o6-[0-9]+$", c) and not c.endswith("-lw4o6-1") and base + "-lw4o6-1" in contenders:
            yield c, base + "-lw4o6-1", "lw4o6 N bindings vs 1 (target >= 0.9)"


found_pairs = list(pairs())
if found_pairs:
    out.append("Mechanism ratios (received pkt/s: median of the first over median of the second; CPU us/pkt: the "
               "second over the first, so above 1 means the first is cheaper):")
    out.append("")
    out.append("| pair | test | pkt/s ratio | CPU us/pkt ratio |")
    out.append("|---|---|---|---|")
    for c, o, what in found_pairs:
        for t in tests:
            if not t.startswith("udp") or not cells[(c, t)] or not cells[(o, t)]:
                continue
            u, v = med(c, t, "us_per_pkt"), med(o, t, "us_per_pkt")
            out.append(f"| {c} / {o}: {what} | {t.replace('udp', 'UDP ')} B | {ratio(c, t, o, 'pps')} | "
                       + (f"{v / u:.2f}" if u and v else "-") + " |")
    out.append("")

if a.rfc8219:
    found = [r for r in csv.reader(open(a.rfc8219)) if len(r) >= 3 and r[1] == "result"]
    trials = [r for r in csv.reader(open(a.rfc8219)) if len(r) >= 4 and r[1] not in ("result", "trial_rate_pps")]
    out.append("RFC 8219 s.7.1 throughput (highest offered rate with zero loss, binary search with iperf3 -u -b, "
               "one trial per step, short trials instead of the RFC's 60 s; the search repeated, contenders "
               "alternated, median over the repeats):")
    out.append("")
    out.append("| contender | zero-loss throughput pkt/s, median (min-max) | repeats | each search (offered pkt/s: sent/lost) |")
    out.append("|---|---|---|---|")
    for c in dict.fromkeys(r[0] for r in found):
        rates = [int(r[2]) for r in found if r[0] == c]
        reps = [r[3] if len(r) > 3 else "" for r in found if r[0] == c]
        searches = []
        for rep in reps:
            steps = ", ".join(f"{int(x[1]) // 1000}k: {x[2]}/{x[3]}" for x in trials
                              if x[0] == c and (len(x) < 5 or x[4] == rep))
            searches.append(f"[{steps}]")
        out.append(f"| {c} | {statistics.median(rates):,.0f} ({min(rates):,}-{max(rates):,}) | {len(rates)} | "
                   f"{' '.join(searches)} |")
    out.append("")

# The plot: received packets/s by UDP payload size, one line per contender.
sizes = sorted(int(t[3:]) for t in tests if t.startswith("udp"))
W, H, L, R, T, B = 760, 440, 80, 210, 40, 60
ymax = max([med(c, f"udp{s}", "pps") or 0 for c in contenders for s in sizes] + [1]) * 1.1
colors = ["#1f77b4", "#aec7e8", "#2ca02c", "#98df8a", "#d62728", "#7f7f7f", "#111111", "#9467bd"]
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W / 2 - 60}" y="22" font-size="14">Translated UDP packets/s by payload size (median of rounds; '
       f'bars: min-max)</text>']


def px(i):
    return L + (W - L - R) * (i / max(1, len(sizes) - 1))


def py(v):
    return H - B - (H - T - B) * v / ymax


for k in range(6):
    v = ymax * k / 5
    svg.append(f'<line x1="{L}" y1="{py(v):.1f}" x2="{W - R}" y2="{py(v):.1f}" stroke="#ddd"/>')
    svg.append(f'<text x="{L - 8}" y="{py(v) + 4:.1f}" text-anchor="end">{v / 1000:.0f}k</text>')
for i, s in enumerate(sizes):
    svg.append(f'<text x="{px(i):.1f}" y="{H - B + 18}" text-anchor="middle">{s} B</text>')
svg.append(f'<text x="{(L + W - R) / 2}" y="{H - 15}" text-anchor="middle">UDP payload bytes</text>')
svg.append(f'<text x="18" y="{(T + H - B) / 2}" transform="rotate(-90 18 {(T + H - B) / 2})" '
           f'text-anchor="middle">packets/s received at h4</text>')
svg.append(f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>')
svg.append(f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>')
for ci, c in enumerate(contenders):
    col = colors[ci % len(colors)]
    pts = [(px(i), py(med(c, f"udp{s}", "pps"))) for i, s in enumerate(sizes) if med(c, f"udp{s}", "pps") is not None]
    if not pts:
        continue
    dash = ' stroke-dasharray="6 3"' if c.startswith("cfwd") else ""
    svg.append(f'<polyline fill="none" stroke="{col}" stroke-width="2"{dash} points="'
               + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
    for i, s in enumerate(sizes):
        v = cells[(c, f"udp{s}")]["pps"]
        if v:
            svg.append(f'<line x1="{px(i):.1f}" y1="{py(min(v)):.1f}" x2="{px(i):.1f}" y2="{py(max(v)):.1f}" '
                       f'stroke="{col}"/>')
            svg.append(f'<circle cx="{px(i):.1f}" cy="{py(statistics.median(v)):.1f}" r="3" fill="{col}"/>')
    ly = T + 10 + ci * 20
    svg.append(f'<line x1="{W - R + 15}" y1="{ly}" x2="{W - R + 45}" y2="{ly}" stroke="{col}" stroke-width="2"{dash}/>')
    svg.append(f'<text x="{W - R + 52}" y="{ly + 4}">{c}</text>')
svg.append("</svg>")
open(a.svg, "w").write("\n".join(svg) + "\n")
out.append(f"Plot: `{a.svg.split('bench/')[-1]}`")
open(a.out, "w").write("\n".join(out) + "\n")
