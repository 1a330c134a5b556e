/*
 * tunfwd-uring: tunfwd (the C ceiling, same translation code) with the TUN reads and writes batched through io_uring
 * instead of one blocking read() and one write() syscall per packet. The question it answers: how much of the
 * small-packet cost is the syscall pair, and how much is the kernel's own work (tun_do_read, and netif_rx plus the IP
 * stack that run inside the write) that no batching removes.
 *
 * Design (per queue, one thread, one ring):
 *   - DEPTH buffers of 64 KiB (+ 20 bytes of headroom: IPv4 -> IPv6 grows the header in front of the packet, + the
 *     10-byte virtio-net header with "offload");
 *     every buffer always has exactly one operation in flight, a read or the write of what it read, so the
 *     rings cannot overflow (SQ = 2 x DEPTH, CQ = 4 x DEPTH).
 *   - READ mode "rw": DEPTH single-shot IORING_OP_READs outstanding on the TUN fd. io_uring first tries each one
 *     nonblocking inline; on -EAGAIN it arms an internal poll and retries inline (task work) when the fd becomes
 *     readable. Read completion: translate in place, queue IORING_OP_WRITE from the same buffer; write completion:
 *     queue the read again.
 *   - READ mode "mshot": one IORING_OP_READ_MULTISHOT (kernel 6.7) with a provided-buffer ring of DEPTH buffers:
 *     one armed poll instead of DEPTH of them (no thundering herd on the TUN wait queue), a CQE per packet naming
 *     the buffer it filled. Write completion hands the buffer back to the buffer ring; the read is re-armed when the
 *     kernel ends it (no IORING_CQE_F_MORE, e.g. -ENOBUFS when every buffer is being written).
 *   - One io_uring_submit_and_wait(ring, 1) per batch: it submits every write and read queued while handling the
 *     previous batch of completions and waits for at least one more, so a batch of B packets costs one syscall
 *     instead of 2B. The writes still run synchronously inside that syscall (tun_get_user -> netif_rx -> IP stack).
 *   - SETUP: "plain" (no flags), "coop" (SINGLE_ISSUER|COOP_TASKRUN), "defer" (SINGLE_ISSUER|DEFER_TASKRUN: the
 *     poll-triggered retries run only when this thread enters the kernel to wait, i.e. batched), "sqpoll"
 *     (IORING_SETUP_SQPOLL: a kernel thread iou-sqp-PID submits, so the writes' kernel work runs there; it is a thread
 *     of this process, so its CPU counts in /proc/PID/stat; it spins for sq_thread_idle before sleeping).
 * OFFLOAD "offload" (9th argument): the TUN carries a virtio-net header and the kernel may hand over TCP/UDP
 *   super-packets (IFF_VNET_HDR + TUNSETOFFLOAD, exactly as tunfwd's "offload" and xlat64's default), so this is the
 *   io_uring ceiling "with the same offloads" as xlat64; without it the header is absent (cheaper at 64 bytes).
 * The TUN fd is opened O_NONBLOCK unless NONBLOCK=0 is in the environment (to compare io-wq punting: see the report).
 * On SIGTERM/SIGINT it prints per-queue counters: enters (waits), CQEs, packets written, EAGAINs, errors.
 * Usage: tunfwd-uring TUN PREFIX6/96 EAM4 EAM6 [QUEUES [SETUP [DEPTH [rw|mshot [offload]]]]]   (defaults 1 defer 64 rw)
 */
#define TUNFWD_NO_MAIN
#include "tunfwd.c"
#include <errno.h>
#include <liburing.h>
#include <signal.h>

#ifndef IORING_OP_READ_MULTISHOT
#define IORING_OP_READ_MULTISHOT 49 /* kernel 6.7; liburing 2.3's headers predate it */
#endif

enum { OP_READ, OP_WRITE, OP_MREAD };
#define SLOT (HEADROOM + 65536 + 236) /* 65792: keeps every buffer 256-byte aligned; room for VNET + 65536 too */
#define UD(i, op) ((uint64_t)(i) << 2 | (op))
#define MAXQ 16

static unsigned setup_flags, depth = 64;
static int mshot;
static struct stats { unsigned long enters, cqes, pkts, dropped, eagain, enobufs, errs, rearms; } st[MAXQ];

struct queue {
    int fd;
    struct stats *s;
    struct io_uring ring;
    uint8_t *bufs;
    struct io_uring_buf_ring *br; /* mshot only */
};

static struct io_uring_sqe *sqe_get(struct io_uring *ring)
{
    struct io_uring_sqe *sqe;
    while (!(sqe = io_uring_get_sqe(ring))) io_uring_submit(ring); /* cannot happen with SQ = 2 x DEPTH; be safe */
    return sqe;
}

static void queue_read(struct queue *q, unsigned i)
{
    struct io_uring_sqe *sqe = sqe_get(&q->ring);
    io_uring_prep_read(sqe, q->fd, q->bufs + (size_t)i * SLOT + HEADROOM, 65536 + (offload ? VNET : 0), 0);
    io_uring_sqe_set_data64(sqe, UD(i, OP_READ));
}

static void arm_mshot(struct queue *q)
{
    struct io_uring_sqe *sqe = sqe_get(&q->ring);
    io_uring_prep_rw(IORING_OP_READ_MULTISHOT, sqe, q->fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = 0;
    io_uring_sqe_set_data64(sqe, UD(0, OP_MREAD));
    q->s->rearms++;
}

/* Translates the packet of n bytes at p in place (with "offload", its virtio-net header is the VNET bytes before p);
 * on success queues its write from the same buffer and returns 1. */
static int forward(struct queue *q, unsigned i, uint8_t *p, int n)
{
    int vnet = offload ? VNET : 0;
    struct virtio_net_hdr h, o;
    uint8_t *c = NULL;
    if (vnet) {
        n -= vnet;
        memcpy(&h, p - vnet, VNET); /* the output header goes elsewhere, the IPv6 header may cover this one */
        if (n <= 0 || vnet_in(&h, p, n, &c)) { q->s->dropped++; return 0; }
    }
    int v6 = (p[0] >> 4) == 6, out = v6 ? xlat6to4(p, n) : xlat4to6(p, n);
    if (out <= 0) { q->s->dropped++; return 0; }
    uint8_t *w = v6 ? p + 20 : p - 20;
    if (vnet) {
        vnet_out(&h, c, v6 ? -20 : 20, v6, &o);
        memcpy(w - vnet, &o, VNET);
    }
    struct io_uring_sqe *sqe = sqe_get(&q->ring);
    io_uring_prep_write(sqe, q->fd, w - vnet, out + vnet, 0);
    io_uring_sqe_set_data64(sqe, UD(i, OP_WRITE));
    return 1;
}

static void *uloop(void *arg)
{
    struct queue *q = arg;
    struct io_uring_params par = { .flags = setup_flags, .sq_thread_idle = 1000 };
    int r = io_uring_queue_init_params(2 * depth, &q->ring, &par);
    if (r < 0) { fprintf(stderr, "io_uring_queue_init_params: %s\n", strerror(-r)); exit(1); }
    if (posix_memalign((void **)&q->bufs, 4096, (size_t)depth * SLOT)) { perror("buffers"); exit(1); }
    memset(q->bufs, 0, (size_t)depth * SLOT);
    unsigned mask = io_uring_buf_ring_mask(depth), returned = 0, free_bufs = depth, armed = 0;
    if (mshot) {
        if (posix_memalign((void **)&q->br, 4096, depth * sizeof(struct io_uring_buf))) { perror("br"); exit(1); }
        io_uring_buf_ring_init(q->br);
        struct io_uring_buf_reg reg = { .ring_addr = (uintptr_t)q->br, .ring_entries = depth, .bgid = 0 };
        if ((r = io_uring_register_buf_ring(&q->ring, &reg, 0)) < 0) {
            fprintf(stderr, "io_uring_register_buf_ring: %s\n", strerror(-r)); exit(1);
        }
        for (unsigned i = 0; i < depth; i++)
            io_uring_buf_ring_add(q->br, q->bufs + (size_t)i * SLOT + HEADROOM, 65536 + (offload ? VNET : 0), i, mask, i);
        io_uring_buf_ring_advance(q->br, depth);
        arm_mshot(q); armed = 1;
    } else {
        for (unsigned i = 0; i < depth; i++) queue_read(q, i);
    }
    for (;;) {
        r = io_uring_submit_and_wait(&q->ring, 1);
        q->s->enters++;
        if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) { fprintf(stderr, "submit: %s\n", strerror(-r)); exit(1); }
        unsigned head, n = 0;
        struct io_uring_cqe *cqe;
        io_uring_for_each_cqe(&q->ring, head, cqe) {
            n++;
            uint64_t ud = io_uring_cqe_get_data64(cqe);
            unsigned i = ud >> 2, op = ud & 3;
            int res = cqe->res;
            if (res < 0) { if (res == -EAGAIN) q->s->eagain++; else if (res == -ENOBUFS) q->s->enobufs++; else q->s->errs++; }
            if (op == OP_READ) {
                if (res <= 0 || !forward(q, i, q->bufs + (size_t)i * SLOT + HEADROOM + (offload ? VNET : 0), res)) queue_read(q, i);
            } else if (op == OP_MREAD) {
                if (!(cqe->flags & IORING_CQE_F_MORE)) armed = 0;
                if (!(cqe->flags & IORING_CQE_F_BUFFER)) continue;
                i = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
                free_bufs--;
                if (res <= 0 || !forward(q, i, q->bufs + (size_t)i * SLOT + HEADROOM + (offload ? VNET : 0), res)) {
                    io_uring_buf_ring_add(q->br, q->bufs + (size_t)i * SLOT + HEADROOM, 65536 + (offload ? VNET : 0), i, mask, returned++);
                    free_bufs++;
                }
            } else { /* OP_WRITE */
                if (res > 0) q->s->pkts++;
                if (!mshot) { queue_read(q, i); continue; }
                io_uring_buf_ring_add(q->br, q->bufs + (size_t)i * SLOT + HEADROOM, 65536 + (offload ? VNET : 0), i, mask, returned++);
                free_bufs++;
            }
        }
        io_uring_cq_advance(&q->ring, n);
        q->s->cqes += n;
        if (mshot) {
            if (returned) { io_uring_buf_ring_advance(q->br, returned); returned = 0; }
            if (!armed && free_bufs) { arm_mshot(q); armed = 1; }
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s TUN PREFIX6/96 EAM4 EAM6 [QUEUES [plain|coop|defer|sqpoll [DEPTH [rw|mshot [offload]]]]]\n", argv[0]);
        return 2;
    }
    int queues = argc > 5 ? atoi(argv[5]) : 1;
    const char *setup = argc > 6 ? argv[6] : "defer";
    if (argc > 7) depth = atoi(argv[7]);
    mshot = argc > 8 && !strcmp(argv[8], "mshot");
    offload = argc > 9 && !strcmp(argv[9], "offload");
    if (queues < 1 || queues > MAXQ || depth < 1 || depth > 4096 || (depth & (depth - 1))) {
        fprintf(stderr, "QUEUES 1..16, DEPTH a power of two up to 4096\n"); return 2;
    }
    if (!strcmp(setup, "coop")) setup_flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN;
    else if (!strcmp(setup, "defer")) setup_flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    else if (!strcmp(setup, "sqpoll")) setup_flags = IORING_SETUP_SQPOLL;
    else if (strcmp(setup, "plain")) { fprintf(stderr, "unknown setup %s\n", setup); return 2; }
    const char *nb = getenv("NONBLOCK");
    int nonblock = !nb || strcmp(nb, "0");
    if (parse_addresses(argv)) return 2;
    /* The workers never see SIGTERM/SIGINT: main waits for them and prints the counters. */
    sigset_t sigs; sigemptyset(&sigs); sigaddset(&sigs, SIGTERM); sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    static struct queue qs[MAXQ];
    pthread_t t[MAXQ];
    for (int i = 0; i < queues; i++) {
        int fd = tun_open(argv[1], queues, i, nonblock ? O_NONBLOCK : 0);
        if (fd < 0) return 1;
        qs[i].fd = fd; qs[i].s = &st[i];
        pthread_create(&t[i], NULL, uloop, &qs[i]);
    }
    fprintf(stderr, "tunfwd-uring: %s, %d queue(s), setup %s, depth %u, %s reads, fd %sblocking%s\n", argv[1], queues,
            setup, depth, mshot ? "multishot" : "single-shot", nonblock ? "non" : "", offload ? ", offloads" : "");
    int sig; sigwait(&sigs, &sig);
    for (int i = 0; i < queues; i++)
        fprintf(stderr, "queue %d: enters %lu cqes %lu (%.1f per enter) packets %lu dropped %lu eagain %lu enobufs %lu"
                " errors %lu multishot arms %lu\n", i, st[i].enters, st[i].cqes, st[i].enters ? (double)st[i].cqes / st[i].enters : 0,
                st[i].pkts, st[i].dropped, st[i].eagain, st[i].enobufs, st[i].errs, st[i].rearms);
    return 0;
}
