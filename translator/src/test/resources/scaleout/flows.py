#!/usr/bin/env python3
"""Traffic tools for the scale-out tests (dev.xlat64.scaleout), standard library only.

  flows.py send DST PORT --bind SRC --flows N --interval-ms MS --seconds S
      N UDP flows (one socket, so one source port, each); every MS milliseconds each flow sends one datagram
      carrying its flow number and sequence number. Prints {"sent": [...]} at the end.
  flows.py recv BIND PORT --seconds S --interval-ms MS
      Counts what arrives per flow; prints {"received", "lost", "window_ms", "flows"} at the end (or on SIGTERM):
      lost counts the gaps between each flow's first and last datagram; window_ms is the longest time a flow went
      without a datagram across a gap, less one interval: the loss window; window_end (when there was one) the
      wall-clock time it ended, to place it against the routers' logs.
  flows.py iperf FILE
      Summarises iperf3 -J output: {"error", "streams", "bytes", "retransmits", "silent_at_end"}.
"""
import json
import signal
import socket
import struct
import sys
import time


def send(dst, port, bind, flows, interval_ms, seconds):
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    socks = []
    for _ in range(flows):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.bind((bind, 0))
        socks.append(s)
    sent = [0] * flows
    interval = interval_ms / 1000.0
    start = time.monotonic()
    tick = 0
    while True:
        now = time.monotonic()
        if now - start >= seconds:
            break
        for f, s in enumerate(socks):
            try:
                s.sendto(struct.pack("!IQ", f, sent[f]) + b"x" * 48, (dst, port))
                sent[f] += 1
            except OSError:
                sent[f] += 1  # counted as sent: the network lost it (e.g. no route for a moment)
        tick += 1
        delay = start + tick * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -5 * interval:
            # Starved of CPU: go on from now instead of bursting the missed ticks out at once (a burst overflows
            # queues and would count as the network's loss).
            start -= delay
    print(json.dumps({"sent": sent}), flush=True)


def recv(bind, port, seconds, interval_ms):
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((bind, port))
    s.settimeout(0.2)
    flows = {}  # flow -> [received, highest seq, last arrival, longest silence, first seq]
    gap_end = [0.0]  # wall-clock time of the arrival that ended the longest silence
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    end = time.monotonic() + seconds
    while not stop[0] and time.monotonic() < end:
        try:
            data, _ = s.recvfrom(2048)
        except socket.timeout:
            continue
        now = time.monotonic()
        if len(data) < 12:
            continue
        f, seq = struct.unpack("!IQ", data[:12])
        st = flows.setdefault(f, [0, seq - 1, now, 0.0, seq])
        st[0] += 1
        if seq > st[1]:
            if st[1] >= 0 and seq > st[1] + 1 and now - st[2] > st[3]:
                st[3] = now - st[2]
                if st[3] >= max(v[3] for v in flows.values()):
                    gap_end[0] = time.time()
            st[1] = seq
        st[2] = now
    received = sum(v[0] for v in flows.values())
    expected = sum(v[1] - v[4] + 1 for v in flows.values())
    window = max([v[3] for v in flows.values()] + [0.0]) * 1000 - interval_ms
    result = {"received": received, "lost": expected - received, "window_ms": round(max(0.0, window), 1),
              "flows": len(flows)}
    if window > 0:
        result["window_end"] = time.strftime("%H:%M:%S", time.localtime(gap_end[0])) + ("%.3f" % (gap_end[0] % 1))[1:]
    print(json.dumps(result), flush=True)


def iperf(path):
    with open(path) as fh:
        text = fh.read()
    start = text.find("{")
    r = json.loads(text[start:]) if start >= 0 else {"error": "no JSON output"}
    intervals = r.get("intervals", [])
    streams = len(r.get("end", {}).get("streams", []))
    silent = 0
    if len(intervals) >= 2:
        last = intervals[-2:]
        for i in range(len(last[0]["streams"])):
            if all(iv["streams"][i]["bytes"] == 0 for iv in last if i < len(iv["streams"])):
                silent += 1
    sent = r.get("end", {}).get("sum_sent", {})
    print(json.dumps({"error": r.get("error"), "streams": streams, "bytes": sent.get("bytes", 0),
                      "retransmits": sent.get("retransmits", 0), "silent_at_end": silent}))


def opt(args, name, default):
    return type(default)(args[args.index(name) + 1]) if name in args else default


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "send":
        send(a[1], int(a[2]), opt(a, "--bind", "::"), opt(a, "--flows", 8), opt(a, "--interval-ms", 4.0),
             opt(a, "--seconds", 10.0))
    elif a[0] == "recv":
        recv(a[1], int(a[2]), opt(a, "--seconds", 10.0), opt(a, "--interval-ms", 4.0))
    elif a[0] == "iperf":
        iperf(a[1])
    else:
        sys.exit("usage: flows.py send|recv|iperf ...")
