/* Thin ENet wrapper for the Rust harness: one host, one peer, flat functions with no structs
 * crossing the boundary. Best settings: unlimited bandwidth both ways, packet throttle pinned at
 * its maximum (never drops unreliable packets on its own), every send flushed at once. */
#include <enet/enet.h>
#include <stdlib.h>
#include <string.h>

/* 64 KiB: the best of a sweep on this machine (1000 B bulk: 64 KiB 216 MB/s, 256 KiB 193,
 * 1 MiB 104, 8 MiB 9.2; lossy goodput about equal). */
#define SHIM_DEFAULT_MAX_QUEUED (64u << 10)

typedef struct {
    ENetHost *host;
    ENetPeer *peer;
    int connected; /* peers connected now */
    size_t queued; /* reliable bytes handed to ENet and not yet freed (acknowledged) */
} shim_t;

/* Reliable bytes the harness keeps queued at most, like a game bounding its send queue (ENet's
 * own queue is unbounded, and long lists slow its flush). ENET_SHIM_MAX_QUEUED overrides it. */
static size_t shim_max_queued(void) {
    static size_t v;
    if (!v) {
        const char *e = getenv("ENET_SHIM_MAX_QUEUED");
        v = e ? (size_t)strtoul(e, NULL, 10) : SHIM_DEFAULT_MAX_QUEUED;
    }
    return v;
}

static void shim_packet_freed(ENetPacket *p) {
    shim_t *s = p->userData;
    if (s) s->queued -= p->dataLength;
}

static int initialized;

static shim_t *shim_alloc(ENetHost *host) {
    if (!host) return NULL;
    shim_t *s = calloc(1, sizeof *s);
    s->host = host;
    /* The same 4 MiB kernel buffers every contender asks for (ENet's default is 256 KiB). */
    enet_socket_set_option(host->socket, ENET_SOCKOPT_RCVBUF, 4 << 20);
    enet_socket_set_option(host->socket, ENET_SOCKOPT_SNDBUF, 4 << 20);
    return s;
}

/* Server: binds 127.0.0.1:0 and accepts up to `peers` peers. */
shim_t *shim_server(int peers) {
    if (!initialized && enet_initialize() != 0) return NULL;
    initialized = 1;
    ENetAddress a;
    enet_address_set_host_ip(&a, "127.0.0.1");
    a.port = 0;
    return shim_alloc(enet_host_create(&a, (size_t)peers, 2, 0, 0));
}

unsigned short shim_port(shim_t *s) { return s->host->address.port; }

/* Client: connects to 127.0.0.1:port (the server or a proxy in front of it). */
shim_t *shim_client(unsigned short port) {
    if (!initialized && enet_initialize() != 0) return NULL;
    initialized = 1;
    shim_t *s = shim_alloc(enet_host_create(NULL, 1, 2, 0, 0));
    if (!s) return NULL;
    ENetAddress a;
    enet_address_set_host_ip(&a, "127.0.0.1");
    a.port = port;
    s->peer = enet_host_connect(s->host, &a, 2, 0);
    return s;
}

int shim_connected(shim_t *s) { return s->connected; }

/* Services the host for up to timeout_ms; copies the first received message into buf and
 * returns its length, or -1 if none arrived. */
int shim_recv(shim_t *s, unsigned char *buf, int cap, unsigned timeout_ms) {
    ENetEvent ev;
    int r;
    while ((r = enet_host_service(s->host, &ev, timeout_ms)) > 0) {
        switch (ev.type) {
        case ENET_EVENT_TYPE_CONNECT:
            s->peer = ev.peer;
            s->connected += 1;
            enet_peer_throttle_configure(ev.peer, ENET_PEER_PACKET_THROTTLE_INTERVAL, 0, 0);
            ev.peer->packetThrottle = ENET_PEER_PACKET_THROTTLE_SCALE;
            enet_peer_timeout(ev.peer, 0, 30000, 60000);
            break;
        case ENET_EVENT_TYPE_RECEIVE: {
            int n = (int)ev.packet->dataLength;
            if (n > cap) n = cap;
            memcpy(buf, ev.packet->data, (size_t)n);
            enet_packet_destroy(ev.packet);
            return n;
        }
        case ENET_EVENT_TYPE_DISCONNECT:
            s->connected -= 1;
            break;
        default:
            break;
        }
    }
    return -1;
}

/* Queues one message and flushes it to the socket. Returns 1 if queued. */
int shim_send(shim_t *s, const unsigned char *data, int len, int reliable, int flush) {
    if (!s->connected) return 0;
    if (reliable && s->queued > 0 && s->queued + (size_t)len > shim_max_queued()) return 0;
    ENetPacket *p = enet_packet_create(data, (size_t)len,
                                       reliable ? ENET_PACKET_FLAG_RELIABLE : ENET_PACKET_FLAG_UNSEQUENCED);
    if (!p || enet_peer_send(s->peer, reliable ? 0 : 1, p) < 0) {
        if (p) enet_packet_destroy(p);
        return 0;
    }
    if (reliable) {
        p->userData = s;
        p->freeCallback = shim_packet_freed;
        s->queued += (size_t)len;
    }
    if (flush) enet_host_flush(s->host);
    return 1;
}

void shim_free(shim_t *s) {
    if (!s) return;
    if (s->peer && s->connected) enet_peer_disconnect_now(s->peer, 0);
    enet_host_destroy(s->host);
    free(s);
}
