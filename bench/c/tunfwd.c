/*
 * tunfwd: the ceiling for the end-to-end benchmark. A minimal stateless NAT64 (RFC 7915 common path only) on one TUN
 * device: TCP, UDP and ICMP echo, one RFC 6052 /96 prefix and one EAM /32=/128 entry, incremental checksums (RFC 1624).
 * No options, fragments, ICMP errors or validation beyond what keeps it memory-safe: it bounds what the TUN path can
 * do, it is not a translator. One blocking read/write loop per queue (IFF_MULTI_QUEUE), one thread each.
 * With "offload" (6th argument) the TUN carries a virtio-net header (IFF_VNET_HDR, TUN_F_CSUM|TSO4|TSO6|TSO_ECN|USO4|USO6, as
 * xlat64 by default): a TCP or UDP super-packet is translated once and its header's GSO type, hdr_len and csum_start follow
 * the IP header; a partial checksum (NEEDS_CSUM: the uncomplemented pseudo-header sum) is complemented around the
 * RFC 1624 update, other than TCP/UDP it is finalised first.
 * Usage: tunfwd TUN PREFIX6(/96) EAM4 EAM6 [QUEUES [offload]]
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define HEADROOM 20
#define VNET ((int)sizeof(struct virtio_net_hdr)) /* 10 */
static int offload; /* IFF_VNET_HDR: a struct virtio_net_hdr before every packet */
#ifndef TUN_F_USO4 /* Linux 6.2; older headers lack them */
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif
static uint8_t prefix6[12], eam6[16];
static uint32_t eam4; /* network order */

static uint32_t sum16(const void *p, int n, uint32_t s)
{
    const uint8_t *b = p;
    for (int i = 0; i + 1 < n; i += 2) s += (b[i] << 8) | b[i + 1];
    return s;
}
static uint16_t fold(uint32_t s) { while (s >> 16) s = (s & 0xffff) + (s >> 16); return s; }
/* RFC 1624 eqn. 3 for a whole change: HC' = ~(~HC + ~m + m'), with the sums of removed (m) and added (m') words. */
static void csum_update(uint8_t *c, uint32_t removed, uint32_t added)
{
    uint32_t s = (uint16_t)~((c[0] << 8) | c[1]);
    s += (uint16_t)~fold(removed);
    s += fold(added);
    uint16_t r = ~fold(s);
    c[0] = r >> 8; c[1] = r;
}

static int v6_to_v4(const uint8_t *a6, uint8_t *a4)
{
    if (!memcmp(a6, eam6, 16)) { memcpy(a4, &eam4, 4); return 0; }
    if (!memcmp(a6, prefix6, 12)) { memcpy(a4, a6 + 12, 4); return 0; }
    return -1;
}
static void v4_to_v6(const uint8_t *a4, uint8_t *a6)
{
    if (!memcmp(a4, &eam4, 4)) { memcpy(a6, eam6, 16); return; }
    memcpy(a6, prefix6, 12); memcpy(a6 + 12, a4, 4);
}

/* IPv6 packet at p (n bytes) -> IPv4 packet at p + 20; returns its length or -1. */
static int xlat6to4(uint8_t *p, int n)
{
    if (n < 48 || (p[0] >> 4) != 6) return -1;
    int plen = (p[4] << 8) | p[5], nh = p[6];
    if (plen + 40 > n || plen > 65515 || p[7] <= 1) return -1; /* the IPv4 total length must fit */
    uint8_t s4[4], d4[4], *l4 = p + 40, *q = p + 20;
    if (v6_to_v4(p + 8, s4) || v6_to_v4(p + 24, d4)) return -1;
    uint32_t removed = sum16(p + 8, 32, 0), added = sum16(s4, 4, 0) + sum16(d4, 4, 0);
    if (nh == 6 || nh == 17) {
        uint8_t *c = l4 + (nh == 6 ? 16 : 6);
        if (plen < (nh == 6 ? 20 : 8)) return -1;
        if (nh == 17 && !c[0] && !c[1]) return -1;
        csum_update(c, removed, added);
        if (nh == 17 && !c[0] && !c[1]) c[0] = c[1] = 0xff;
    } else if (nh == 58 && plen >= 8 && (l4[0] == 128 || l4[0] == 129)) {
        uint8_t type = l4[0] == 128 ? 8 : 0; /* the pseudo-header leaves, the type changes */
        uint32_t pseudo = removed + plen + 58;
        csum_update(l4 + 2, pseudo + (l4[0] << 8), type << 8);
        l4[0] = type;
        nh = 1;
    } else return -1;
    int tc = ((p[0] & 0x0f) << 4) | (p[1] >> 4), ttl = p[7] - 1, len = plen + 20;
    q[0] = 0x45; q[1] = tc; q[2] = len >> 8; q[3] = len;
    q[4] = q[5] = 0; q[6] = len > 1260 ? 0x40 : 0; q[7] = 0;
    q[8] = ttl; q[9] = nh; q[10] = q[11] = 0;
    memcpy(q + 12, s4, 4); memcpy(q + 16, d4, 4);
    uint16_t hc = ~fold(sum16(q, 20, 0));
    q[10] = hc >> 8; q[11] = hc;
    return len;
}

/* IPv4 packet at p (n bytes, 20 bytes of headroom before it) -> IPv6 packet at p - 20; returns its length or -1. */
static int xlat4to6(uint8_t *p, int n)
{
    if (n < 28 || p[0] != 0x45 || p[8] <= 1 || (((p[6] & 0x3f) << 8) | p[7])) return -1;
    int len = (p[2] << 8) | p[3], proto = p[9], plen = len - 20;
    if (len > n) return -1;
    uint8_t *l4 = p + 20, *q = p - 20, a6[32];
    v4_to_v6(p + 12, a6); v4_to_v6(p + 16, a6 + 16);
    uint32_t removed = sum16(p + 12, 8, 0), added = sum16(a6, 32, 0);
    if (proto == 6 || proto == 17) {
        uint8_t *c = l4 + (proto == 6 ? 16 : 6);
        if (plen < (proto == 6 ? 20 : 8) || (proto == 17 && !c[0] && !c[1])) return -1;
        csum_update(c, removed, added);
        if (proto == 17 && !c[0] && !c[1]) c[0] = c[1] = 0xff;
    } else if (proto == 1 && plen >= 8 && (l4[0] == 8 || l4[0] == 0)) {
        uint8_t type = l4[0] == 8 ? 128 : 129; /* the pseudo-header arrives, the type changes */
        csum_update(l4 + 2, l4[0] << 8, added + plen + 58 + (type << 8));
        l4[0] = type;
        proto = 58;
    } else return -1;
    int tos = p[1], hop = p[8] - 1;
    q[0] = 0x60 | (tos >> 4); q[1] = (tos << 4) & 0xf0; q[2] = q[3] = 0;
    q[4] = plen >> 8; q[5] = plen; q[6] = proto; q[7] = hop;
    memcpy(q + 8, a6, 32);
    return plen + 40;
}

/* Offload mode: the input header h of the packet at p (n bytes) -> the output header o; c: the partial checksum
 * field, complemented for the translation (NULL if none). Returns -1 for what this cannot hand back to the kernel. */
static int vnet_in(const struct virtio_net_hdr *h, uint8_t *p, int n, uint8_t **c)
{
    int gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN, cs = h->csum_start, proto = (p[0] >> 4) == 6 ? p[6] : p[9];
    *c = NULL;
    if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || cs + h->csum_offset + 2 > n)
        return gso == VIRTIO_NET_HDR_GSO_NONE ? 0 : -1;
    if (gso != VIRTIO_NET_HDR_GSO_NONE && !(proto == 17 && gso == VIRTIO_NET_HDR_GSO_UDP_L4) &&
        (proto != 6 || (gso != VIRTIO_NET_HDR_GSO_TCPV4 && gso != VIRTIO_NET_HDR_GSO_TCPV6)))
        return -1;
    uint8_t *f = p + cs + h->csum_offset;
    if (proto != 6 && proto != 17) { /* e.g. ICMP: the type change is not a pseudo-header change, finish it here */
        uint32_t s = sum16(p + cs, n - cs, 0) + ((n - cs) & 1 ? p[n - 1] << 8 : 0);
        uint16_t r = ~fold(s);
        f[0] = r >> 8; f[1] = r;
        return 0;
    }
    f[0] = ~f[0]; f[1] = ~f[1]; /* ~P: RFC 1624 on it yields ~P' */
    if (!f[0] && !f[1]) f[0] = f[1] = 0xff; /* P = 0xffff = -0, the same sum as 0: not UDP's "no checksum" */
    *c = f;
    return 0;
}

static void vnet_out(const struct virtio_net_hdr *h, uint8_t *c, int shift, int v4out, struct virtio_net_hdr *o)
{
    memset(o, 0, sizeof *o);
    if (!c) return; /* a complete packet, checksums final */
    c[0] = ~c[0]; c[1] = ~c[1];
    o->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    o->csum_start = h->csum_start + shift; /* the L4 header keeps its place after the IP header */
    o->csum_offset = h->csum_offset;
    if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE) return;
    o->gso_type = h->gso_type == VIRTIO_NET_HDR_GSO_UDP_L4 ? VIRTIO_NET_HDR_GSO_UDP_L4 : /* both IP versions */
        (v4out ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_TCPV6) | (h->gso_type & VIRTIO_NET_HDR_GSO_ECN);
    o->gso_size = h->gso_size; /* the MSS stays valid (an IPv4 segment could carry 20 more bytes) */
    /* The kernel's hdr_len is the linear head length, not the header size: it moves with the IP header too. */
    o->hdr_len = h->hdr_len + shift > 0 ? h->hdr_len + shift : 0;
}

/* argv[2..4]: PREFIX6/96 EAM4 EAM6 into prefix6, eam4, eam6; 0 on success (shared with tunfwd-uring.c). */
static int parse_addresses(char **argv)
{
    uint8_t full[16];
    char pfx[64]; snprintf(pfx, sizeof pfx, "%s", argv[2]);
    char *slash = strchr(pfx, '/'); if (slash) *slash = 0;
    if (inet_pton(AF_INET6, pfx, full) != 1 || inet_pton(AF_INET, argv[3], &eam4) != 1
        || inet_pton(AF_INET6, argv[4], eam6) != 1) { fprintf(stderr, "bad address\n"); return -1; }
    memcpy(prefix6, full, 12);
    return 0;
}

/* Opens queue i of TUN name (IFF_MULTI_QUEUE when queues > 1) with the open(2) flags given; with "offload", a
 * virtio-net header and, set once on the first queue (they are device-wide), the offloads xlat64 asks for. -1 on
 * failure (shared with tunfwd-uring.c). */
static int tun_open(const char *name, int queues, int i, int open_flags)
{
    int fd = open("/dev/net/tun", O_RDWR | open_flags);
    struct ifreq ifr = {0};
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (queues > 1 ? IFF_MULTI_QUEUE : 0) | (offload ? IFF_VNET_HDR : 0);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("tun"); return -1; }
    int sz = VNET; /* device-wide, like the offloads; 10 is the default, set it anyway */
    if (offload && !i && ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0) { perror("TUNSETVNETHDRSZ"); return -1; }
    int tso = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN; /* as xlat64: USO too where the kernel has it */
    if (offload && !i && ioctl(fd, TUNSETOFFLOAD, tso | TUN_F_USO4 | TUN_F_USO6) < 0 && ioctl(fd, TUNSETOFFLOAD, tso) < 0)
        perror("TUNSETOFFLOAD refused, virtio-net header without offloads");
    return fd;
}

#ifndef TUNFWD_NO_MAIN /* tunfwd-uring.c includes the translation above and brings its own loop and main */
static void *loop(void *arg)
{
    int fd = (int)(intptr_t)arg, vnet = offload ? VNET : 0;
    static __thread uint8_t buf[VNET + HEADROOM + 65536 + 256];
    uint8_t *p = buf + VNET + HEADROOM, *c = NULL;
    struct virtio_net_hdr h = {0}, o;
    for (;;) {
        int n = read(fd, p - vnet, 65536 + vnet) - vnet;
        if (n <= 0) continue;
        if (vnet) {
            memcpy(&h, p - vnet, VNET); /* the output header goes elsewhere, the IPv6 header may cover this one */
            if (vnet_in(&h, p, n, &c)) continue;
        }
        int v6 = (p[0] >> 4) == 6, out = v6 ? xlat6to4(p, n) : xlat4to6(p, n);
        if (out <= 0) continue;
        uint8_t *q = v6 ? p + 20 : p - 20;
        if (vnet) {
            vnet_out(&h, c, v6 ? -20 : 20, v6, &o);
            memcpy(q - vnet, &o, VNET);
        }
        if (write(fd, q - vnet, out + vnet) < 0) perror("write");
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 5) { fprintf(stderr, "usage: %s TUN PREFIX6/96 EAM4 EAM6 [QUEUES [offload]]\n", argv[0]); return 2; }
    int queues = argc > 5 ? atoi(argv[5]) : 1;
    offload = argc > 6 && !strcmp(argv[6], "offload");
    if (parse_addresses(argv)) return 2;
    pthread_t t[16];
    for (int i = 0; i < queues && i < 16; i++) {
        int fd = tun_open(argv[1], queues, i, 0);
        if (fd < 0) return 1;
        pthread_create(&t[i], NULL, loop, (void *)(intptr_t)fd);
    }
    fprintf(stderr, "tunfwd: %s, %d queue(s)%s\n", argv[1], queues, offload ? ", offloads" : "");
    pthread_join(t[0], NULL);
    return 0;
}
#endif /* TUNFWD_NO_MAIN */
