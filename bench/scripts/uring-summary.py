#!/usr/bin/env python3
"""Summarises a bench/scripts/uring-experiment.sh CSV: per test and contender the medians (min-max), ratios vs cfwd-1q
paired per round (same round, so the shared machine's load hits both alike), and the rows where the translator had a
core to itself (CPU >= 90 %), i.e. the uncontended ceiling. usage: uring-summary.py RUN.csv"""
import csv, sys, statistics as st
rows = list(csv.DictReader(open(sys.argv[1])))
tests = sorted({r['test'] for r in rows}, key=lambda t: int(t[3:]))
order = []
for r in rows:
    if r['contender'] not in order: order.append(r['contender'])
for t in tests:
    print(f"\n### {t}\n")
    print("| contender | pps median (min-max) | ratio vs cfwd-1q (paired per round, median [min-max]) | CPU % median | CPU us/pkt median (min-max) | us/pkt ratio (paired) | pkts/enter | loss % median |")
    print("|---|---|---|---|---|---|---|---|")
    base = {r['round']: r for r in rows if r['test'] == t and r['contender'] == 'cfwd-1q'}
    for c in order:
        rs = [r for r in rows if r['test'] == t and r['contender'] == c]
        pps = [float(r['pps']) for r in rs]; us = [float(r['cpu_us_per_pkt']) for r in rs]
        cpu = [float(r['cpu_pct']) for r in rs]; loss = [float(r['loss_pct']) for r in rs]
        rp = [float(r['pps']) / float(base[r['round']]['pps']) for r in rs if r['round'] in base]
        ru = [float(r['cpu_us_per_pkt']) / float(base[r['round']]['cpu_us_per_pkt']) for r in rs if r['round'] in base]
        pe = rs[0]['pkts_per_enter']
        print(f"| {c} | {st.median(pps):,.0f} ({min(pps):,.0f}-{max(pps):,.0f}) | {st.median(rp):.2f} [{min(rp):.2f}-{max(rp):.2f}] | {st.median(cpu):.0f} | {st.median(us):.2f} ({min(us):.2f}-{max(us):.2f}) | {st.median(ru):.2f} [{min(ru):.2f}-{max(ru):.2f}] | {pe if pe=='-' else st.median(float(r['pkts_per_enter']) for r in rs):} | {st.median(loss):.0f} |")
print("\n### rows where the translator had a core to itself (CPU >= 90 %): the uncontended ceiling\n")
print("| test | contender | n | pps median (min-max) | CPU us/pkt median (min-max) |")
print("|---|---|---|---|---|")
for t in tests:
    for c in order:
        rs = [r for r in rows if r['test'] == t and r['contender'] == c and float(r['cpu_pct']) >= 90]
        if not rs: print(f"| {t} | {c} | 0 | - | - |"); continue
        pps = [float(r['pps']) for r in rs]; us = [float(r['cpu_us_per_pkt']) for r in rs]
        print(f"| {t} | {c} | {len(rs)} | {st.median(pps):,.0f} ({min(pps):,.0f}-{max(pps):,.0f}) | {st.median(us):.2f} ({min(us):.2f}-{max(us):.2f}) |")
