/* avatar: the VRVoiceChat "P2PManager" pattern. Each side streams its avatar's transform to the
 * other, unreliably, at a fixed rate, and shows the newest one it has.
 *
 *   avatar --server HOST:PORT --user ID --peer ID [--seconds N] [--rate HZ]
 *
 * The lower user id calls ovr_Net_Connect (again after every Timeout, since the other side may
 * not be online yet); the higher one accepts a request from the expected peer only. Once
 * connected, a 29-byte transform goes out every frame. Each frame the receiver reads ALL pending
 * packets and keeps only the newest: older ones that arrive in the same frame, or after a newer
 * one (reordering), are dropped as stale. Runs for --seconds from start, then prints counters.
 *
 * Build: see Makefile. Only the SDK header names are included, as in a game. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "OVR_Platform.h"

/* Wire format of one transform: 1 + 4 + 12 + 12 = 29 bytes, little-endian. */
#define TRANSFORM_SIZE 29
#define TRANSFORM_TYPE 'T'

typedef struct {
    uint32_t frame;       /* sender's frame counter: newer frames have larger numbers */
    float position[3];    /* metres */
    float rotation[3];    /* Euler angles, radians */
} Transform;

static unsigned long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (unsigned long long)t.tv_sec * 1000000u + (unsigned long long)t.tv_nsec / 1000u;
}

static void sleep_us(unsigned long long us)
{
    struct timespec t = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L};
    nanosleep(&t, NULL);
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void encode(const Transform *t, unsigned char out[TRANSFORM_SIZE])
{
    int i;
    out[0] = TRANSFORM_TYPE;
    put_u32(out + 1, t->frame);
    for (i = 0; i < 3; i++) {
        uint32_t bits;
        memcpy(&bits, &t->position[i], 4);
        put_u32(out + 5 + 4 * i, bits);
        memcpy(&bits, &t->rotation[i], 4);
        put_u32(out + 17 + 4 * i, bits);
    }
}

/* Returns 0 for anything that is not a well-formed transform. */
static int decode(const unsigned char *in, size_t size, Transform *t)
{
    int i;
    if (size != TRANSFORM_SIZE || in[0] != TRANSFORM_TYPE) {
        return 0;
    }
    t->frame = get_u32(in + 1);
    for (i = 0; i < 3; i++) {
        uint32_t bits = get_u32(in + 5 + 4 * i);
        memcpy(&t->position[i], &bits, 4);
        bits = get_u32(in + 17 + 4 * i);
        memcpy(&t->rotation[i], &bits, 4);
    }
    return 1;
}

int main(int argc, char **argv)
{
    const char *server = NULL;
    ovrID me = 0, peer = 0;
    double seconds = 5, rate = 30;
    unsigned long long start, end, frame_us, next_frame;
    unsigned long sent = 0, received = 0, applied = 0, stale = 0, malformed = 0;
    int connected = 0, have_remote = 0, i;
    Transform mine, remote;
    char credential[64];
    ovrnetConfig cfg;

    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--server")) server = argv[i + 1];
        else if (!strcmp(argv[i], "--user")) me = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--peer")) peer = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--rate")) rate = atof(argv[i + 1]);
        else break;
    }
    if (i != argc || !server || me == 0 || peer == 0 || me == peer || rate <= 0 || seconds <= 0) {
        fprintf(stderr, "usage: avatar --server HOST:PORT --user ID --peer ID [--seconds N] [--rate HZ]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    snprintf(credential, sizeof credential, "avatar-%llu", (unsigned long long)me);
    memset(&cfg, 0, sizeof cfg);
    cfg.serverAddress = server;
    cfg.userId = me;
    cfg.credential = credential;
    if (!ovrnet_Initialize(&cfg)) {
        fprintf(stderr, "avatar: initialisation failed (see the log line above)\n");
        return 1;
    }
    if (me < peer) {
        ovr_Net_Connect(peer);
    }

    memset(&mine, 0, sizeof mine);
    memset(&remote, 0, sizeof remote);
    start = now_us();
    end = start + (unsigned long long)(seconds * 1e6);
    frame_us = (unsigned long long)(1e6 / rate);
    next_frame = start;
    while (now_us() < end) {
        ovrMessageHandle msg;
        ovrPacketHandle packet;
        Transform newest;
        int have_newest = 0;

        /* Connection management. */
        while ((msg = ovr_PopMessage()) != NULL) {
            ovrNetworkingPeerHandle np = ovr_Message_GetNetworkingPeer(msg);
            ovrID from = ovr_NetworkingPeer_GetID(np);
            if (ovr_Message_GetType(msg) == ovrMessage_Notification_Networking_PeerConnectRequest) {
                if (from == peer) {
                    ovr_Net_Accept(from); /* only the player we expect */
                }
            } else if (ovr_Message_GetType(msg) == ovrMessage_Notification_Networking_ConnectionStateChange &&
                       from == peer) {
                ovrPeerConnectionState state = ovr_NetworkingPeer_GetState(np);
                if (state == ovrPeerState_Connected && !connected) {
                    printf("avatar: connected to %llu\n", (unsigned long long)peer);
                }
                connected = state == ovrPeerState_Connected;
                if (state == ovrPeerState_Timeout && me < peer) {
                    ovr_Net_Connect(peer); /* not online yet, or the request got lost: retry */
                }
            }
            ovr_FreeMessage(msg);
        }

        /* Read everything that arrived since the last frame; keep only the newest transform. */
        while ((packet = ovr_Net_ReadPacket()) != NULL) {
            Transform t;
            if (ovr_Packet_GetSenderID(packet) != peer ||
                !decode(ovr_Packet_GetBytes(packet), ovr_Packet_GetSize(packet), &t)) {
                malformed++;
            } else {
                received++;
                if (!have_newest || t.frame > newest.frame) {
                    if (have_newest) {
                        stale++; /* superseded by a newer one in the same frame */
                    }
                    newest = t;
                    have_newest = 1;
                } else {
                    stale++;
                }
            }
            ovr_Packet_Free(packet);
        }
        if (have_newest) {
            if (!have_remote || newest.frame > remote.frame) {
                remote = newest; /* a game would move the remote avatar here */
                have_remote = 1;
                applied++;
            } else {
                stale++; /* arrived after a newer one (reordered) */
            }
        }

        /* Our own avatar walks in a circle; send its transform once connected. */
        if (connected) {
            unsigned char wire[TRANSFORM_SIZE];
            float angle = (float)mine.frame / (float)rate;
            mine.frame++;
            mine.position[0] = cosf(angle);
            mine.position[1] = 1.6f;
            mine.position[2] = sinf(angle);
            mine.rotation[1] = angle;
            encode(&mine, wire);
            /* Unreliable: best effort, no retransmission; a lost transform is replaced by the next. */
            if (ovr_Net_SendPacket(peer, sizeof wire, wire, ovrSend_Unreliable)) {
                sent++;
            }
        }

        next_frame += frame_us;
        if (next_frame > now_us()) {
            sleep_us(next_frame - now_us());
        } else {
            next_frame = now_us(); /* fell behind: do not try to catch up with a burst */
        }
    }

    printf("avatar: sent %lu frames\n", sent);
    printf("avatar: received %lu frames, applied %lu, stale dropped %lu, malformed %lu\n", received, applied,
           stale, malformed);
    if (have_remote) {
        printf("avatar: last remote frame %lu at (%.2f, %.2f, %.2f)\n", (unsigned long)remote.frame,
               remote.position[0], remote.position[1], remote.position[2]);
    }
    ovr_Net_Close(peer);
    ovrnet_Shutdown();
    return connected || applied > 0 ? 0 : 1;
}
