#!/usr/bin/env python3
"""Writes packets (one hex line each) into a TUN device's transmit path with an AF_PACKET socket, so the process
reading the TUN sees them byte for byte, without the kernel's IP input checks in between. Standard library only."""
import socket
import sys
import time

ifname, path = sys.argv[1], sys.argv[2]
pause_every = int(sys.argv[3]) if len(sys.argv) > 3 else 32
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sent = failed = 0
with open(path) as lines:
    for line in lines:
        packet = bytes.fromhex(line.strip())
        protocol = 0x86DD if packet and packet[0] >> 4 == 6 else 0x0800
        try:
            s.sendto(packet, (ifname, protocol))
            sent += 1
        except OSError as e:
            failed += 1
            print("failed", len(packet), e, file=sys.stderr)
        if sent % pause_every == 0:
            time.sleep(0.002)
print("sent", sent, "failed", failed)
