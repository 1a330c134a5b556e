#!/usr/bin/env python3
"""A tiny router for the CLAT end-to-end tests: every 2 s, one Router Advertisement (RFC 4861 s.4.2) on IFACE to
ff02::1 with a Prefix Information option for SLAAC and, when STATE says so, a PREF64 option (RFC 8781 s.4).
STATE is re-read before each RA: 'PREFIX/LEN LIFETIME' (e.g. '2001:db8:64::/96 600'), or 'none'.
Plain sockets: the kernel fills in the ICMPv6 checksum and the link-local source. Stops after 300 s by itself."""
import socket, struct, sys, time, ipaddress

iface, prefix64, state = sys.argv[1], sys.argv[2], sys.argv[3]
index = socket.if_nametoindex(iface)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
PLC = {96: 0, 64: 1, 56: 2, 48: 3, 40: 4, 32: 5}

def ra():
    # type 134, code 0, checksum 0, cur hop limit 64, flags 0, router lifetime 1800 s, reachable 0, retrans 0
    body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
    net = ipaddress.IPv6Network(prefix64)
    # Prefix Information: type 3, length 4, prefix length, L|A, valid, preferred, reserved, prefix
    body += struct.pack("!BBBBIII", 3, 4, net.prefixlen, 0xc0, 86400, 14400, 0) + net.network_address.packed
    with open(state) as f:
        words = f.read().split()
    if words and words[0] != "none":
        p = ipaddress.IPv6Network(words[0])
        scaled = int(words[1]) // 8
        body += struct.pack("!BBH", 38, 2, (scaled << 3) | PLC[p.prefixlen]) + p.network_address.packed[:12]
    return body

end = time.time() + 300
while time.time() < end:
    s.sendto(ra(), ("ff02::1", 0, 0, index))
    time.sleep(2)
