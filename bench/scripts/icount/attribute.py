#!/usr/bin/env python3
"""Instructions per packet by source method, from a callgrind profile (--dump-instr=yes) of icount.sh's loop and the
-XX:+PrintAssembly -XX:+DebugNonSafepoints output of the same run.

usage: attribute.py [--lines] N LABEL CALLGRIND_FILE ASM_FILE [LABEL CALLGRIND_FILE ASM_FILE ...]

N is the number of measured calls: every instruction executed at least N/2 times is on the per-packet path, and its
count / N is its cost per packet. An instruction is charged to the innermost dev.xlat64 method of its inlining chain
(HotSpot prints the chain under each instruction; an instruction without one inherits the chain above it). With
--lines, the key is the compiled method's own source line and the two frames below it instead.
"""
import collections
import re
import sys

INSN = re.compile(r'^\s*0x([0-9a-f]+):\s+(\S+)')


def instruction_costs(path):
    """Self cost (Ir) per instruction address; callgrind compresses addresses as +n, -n and * (same)."""
    costs = collections.Counter()
    last = 0
    after_call = False
    for line in open(path):
        if line.startswith('calls='):
            after_call = True  # the next cost line is the call's inclusive cost: not this instruction's own
            continue
        if not line or line[0] not in '0+-*':
            continue
        parts = line.split()
        a = parts[0]
        addr = int(a, 16) if a.startswith('0x') else last if a == '*' else last + int(a)
        last = addr
        if after_call:
            after_call = False
            continue
        if len(parts) > 1:
            costs[addr] += int(parts[1])
    return costs


def inlining_chains(path):
    """Address -> (compiled method, inlining chain innermost first) from PrintAssembly output."""
    info = {}
    method = None
    chain = []
    pending = []
    for line in open(path, errors='replace'):
        if line.startswith('Compiled method'):
            method = line.split(')', 1)[1].split('(')[0].split()[-1]
            chain = []
            continue
        m = INSN.match(line)
        if m:
            addr = int(m.group(1), 16)
            info[addr] = [method, chain]
            pending = [addr]
            continue
        text = line.strip()
        if text.startswith('; - '):
            frame = text[4:].split(' {')[0]
            if pending:  # first frame under an instruction: a new chain from here on
                chain = [frame]
                for a in pending:
                    info[a][1] = chain
                pending = []
            else:
                chain.append(frame)
    return info


def key_of(method, chain, lines):
    if lines:
        frames = [re.sub(r'@\d+ \(line (\d+)\)', r':\1', f).split('.')[-1] for f in chain] or ['?']
        return ' > '.join(frames[::-1][:3])
    for frame in chain:
        name = re.sub(r'@.*', '', frame)
        if 'Benchmark' in name or 'ICount' in name:
            return 'bench: ' + name.split('.')[-1]
        if name.startswith('dev.xlat64.'):
            return name[len('dev.xlat64.'):]
    return '? ' + (method or 'stub').split('.')[-1]


def profile(n, cg, asm, lines):
    costs = instruction_costs(cg)
    info = inlining_chains(asm)
    out = collections.Counter()
    for addr, count in costs.items():
        if count < n / 2:
            continue
        method, chain = info.get(addr, (None, []))
        out[key_of(method, chain, lines) if method else '(runtime stubs: copies)'] += count / n
    return out


def main(argv):
    lines = '--lines' in argv
    argv = [a for a in argv if a != '--lines']
    n = float(argv[0])
    runs = [(argv[i], profile(n, argv[i + 1], argv[i + 2], lines)) for i in range(1, len(argv), 3)]
    keys = set().union(*(p for _, p in runs))
    first = runs[0][1]
    last = runs[-1][1]
    keys = sorted(keys, key=lambda k: (-(last.get(k, 0) - first.get(k, 0)), k))
    head = ''.join(f' | {label}' for label, _ in runs)
    print(f'| {"source" if lines else "method"}{head} |' + (' diff |' if len(runs) > 1 else ''))
    print('|---' * (len(runs) + 1 + (len(runs) > 1)) + '|')
    for k in keys:
        cells = ''.join(f' | {p.get(k, 0):.1f}' for _, p in runs)
        diff = f' | {last.get(k, 0) - first.get(k, 0):+.1f} |' if len(runs) > 1 else ' |'
        print(f'| {k}{cells}{diff}')
    totals = ''.join(f' | **{sum(p.values()):.1f}**' for _, p in runs)
    print(f'| total{totals}' + (f' | {sum(last.values()) - sum(first.values()):+.1f} |' if len(runs) > 1 else ' |'))


if __name__ == '__main__':
    main(sys.argv[1:])
