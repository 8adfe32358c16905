/* chat: two players exchange reliable text lines.
 *
 *   chat --server HOST:PORT --user ID [--connect PEER] [--say TEXT [--repeat N]]
 *        [--lines N] [--timeout SECONDS]
 *
 * Start one side with --connect PEER and the other without: the first calls ovr_Net_Connect,
 * the second answers the PeerConnectRequest with ovr_Net_Accept. Every notification is printed.
 * Lines come from stdin (one packet per line), or from --say, sent N times as "TEXT #1".. once
 * connected. Every received line is printed as "SENDER: TEXT". The program stops once it has sent
 * everything (--say lines, or stdin up to its end), the peer has acknowledged it, and (with
 * --lines N) N lines have arrived.
 * Exit status 0 on success, 1 on timeout or error.
 *
 * Build: see Makefile. Only the SDK header names are included, as in a game. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "OVR_Platform.h"

static unsigned long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (unsigned long long)t.tv_sec * 1000u + (unsigned long long)t.tv_nsec / 1000000u;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static void usage(void)
{
    fprintf(stderr, "usage: chat --server HOST:PORT --user ID [--connect PEER] "
                    "[--say TEXT [--repeat N]] [--lines N] [--timeout SECONDS]\n");
    exit(2);
}

static int send_line(ovrID peer, const char *text)
{
    /* Reliable: delivered once and in order. The bytes are copied before the call returns. */
    return ovr_Net_SendPacket(peer, strlen(text), text, ovrSend_Reliable);
}

/* True once everything we sent to `peer` has been acknowledged (ovrnet extension). */
static int delivered(ovrID peer)
{
    ovrnetStats stats;
    return ovrnet_Net_GetStats(peer, &stats) && stats.pendingReliableBytes == 0;
}

/* Reads whatever stdin has without blocking; sends complete lines. Returns 0 at end of input. */
static int pump_stdin(ovrID peer)
{
    static char buf[4096];
    static size_t used;
    struct pollfd in = {STDIN_FILENO, POLLIN, 0};
    while (poll(&in, 1, 0) > 0) {
        ssize_t n = read(STDIN_FILENO, buf + used, sizeof buf - 1 - used);
        char *start = buf, *nl;
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return 0;
        }
        used += (size_t)n;
        buf[used] = '\0';
        while ((nl = strchr(start, '\n')) != NULL) {
            *nl = '\0';
            if (*start && !send_line(peer, start)) {
                fprintf(stderr, "chat: could not send a line\n");
            }
            start = nl + 1;
        }
        used -= (size_t)(start - buf);
        memmove(buf, start, used);
        if (used == sizeof buf - 1) {
            used = 0; /* a line longer than the buffer: drop it */
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    const char *server = NULL, *say = NULL;
    ovrID me = 0, peer = 0;
    int connector = 0, repeat = 1, want_lines = -1, timeout_s = 30;
    int connected = 0, said = 0, input_open = 1, received = 0, done = 0, closed = 0;
    unsigned long long deadline;
    char credential[64];
    ovrnetConfig cfg;
    int i;

    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--server")) server = argv[i + 1];
        else if (!strcmp(argv[i], "--user")) me = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--connect")) { peer = strtoull(argv[i + 1], NULL, 10); connector = 1; }
        else if (!strcmp(argv[i], "--say")) say = argv[i + 1];
        else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--lines")) want_lines = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--timeout")) timeout_s = atoi(argv[i + 1]);
        else usage();
    }
    if (i != argc || !server || me == 0) {
        usage();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* ovrnet extension init: server and identity explicitly (the original init functions read
     * them from OVRNET_* environment variables instead; see docs/CAPI.md). */
    snprintf(credential, sizeof credential, "chat-%llu", (unsigned long long)me);
    memset(&cfg, 0, sizeof cfg);
    cfg.serverAddress = server;
    cfg.userId = me;
    cfg.credential = credential;
    if (!ovrnet_Initialize(&cfg)) {
        fprintf(stderr, "chat: initialisation failed (see the log line above)\n");
        return 1;
    }
    if (connector) {
        ovr_Net_Connect(peer);
    }

    deadline = now_ms() + (unsigned long long)timeout_s * 1000u;
    while (!done && now_ms() < deadline) {
        ovrMessageHandle msg;
        ovrPacketHandle packet;

        /* 1. Notifications. */
        while ((msg = ovr_PopMessage()) != NULL) {
            ovrNetworkingPeerHandle np = ovr_Message_GetNetworkingPeer(msg);
            ovrID from = ovr_NetworkingPeer_GetID(np);
            switch (ovr_Message_GetType(msg)) {
            case ovrMessage_Notification_Networking_PeerConnectRequest:
                printf("connect request from %llu\n", (unsigned long long)from);
                if (!connector && (peer == 0 || peer == from)) {
                    peer = from;
                    ovr_Net_Accept(from);
                }
                break;
            case ovrMessage_Notification_Networking_ConnectionStateChange: {
                ovrPeerConnectionState state = ovr_NetworkingPeer_GetState(np);
                printf("peer %llu is %s\n", (unsigned long long)from, ovrPeerConnectionState_ToString(state));
                if (state == ovrPeerState_Connected) {
                    connected = 1;
                } else if (state == ovrPeerState_Timeout && connector && !connected) {
                    sleep_ms(300); /* the other side may not be online yet: try again */
                    ovr_Net_Connect(peer);
                } else if (state == ovrPeerState_Closed) {
                    connected = 0;
                    closed = 1;
                }
                break;
            }
            default:
                break;
            }
            ovr_FreeMessage(msg);
        }

        /* 2. Our lines. */
        if (connected && say && !said) {
            char line[1024];
            for (i = 1; i <= repeat; i++) {
                snprintf(line, sizeof line, "%s #%d", say, i);
                if (!send_line(peer, line)) {
                    fprintf(stderr, "chat: could not send line %d\n", i);
                }
            }
            said = 1;
        }
        if (connected && !say && input_open) {
            input_open = pump_stdin(peer);
        }

        /* 3. Received packets: read until the queue is empty, free each one. */
        while ((packet = ovr_Net_ReadPacket()) != NULL) {
            printf("%llu: %.*s\n", (unsigned long long)ovr_Packet_GetSenderID(packet),
                   (int)ovr_Packet_GetSize(packet), (const char *)ovr_Packet_GetBytes(packet));
            received++;
            ovr_Packet_Free(packet);
        }

        /* 4. Finished once we have what we came for and the peer has all our lines. */
        if (peer != 0 && (connected || closed)) {
            int got_all = want_lines < 0 || received >= want_lines;
            int sent_all = say ? said : !input_open;
            done = got_all && sent_all && (closed || delivered(peer));
        }
        sleep_ms(2);
    }

    if (!done) {
        printf("timeout: received %d lines\n", received);
        ovrnet_Shutdown();
        return 1;
    }
    printf("done: received %d lines\n", received);
    /* Close and wait for the Closed notification (it may already have come from the peer). */
    if (!closed) {
        ovr_Net_Close(peer);
        deadline = now_ms() + 3000;
        while (!closed && now_ms() < deadline) {
            ovrMessageHandle msg;
            while ((msg = ovr_PopMessage()) != NULL) {
                if (ovr_Message_GetType(msg) == ovrMessage_Notification_Networking_ConnectionStateChange &&
                    ovr_NetworkingPeer_GetState(ovr_Message_GetNetworkingPeer(msg)) == ovrPeerState_Closed) {
                    printf("peer %llu is CLOSED\n", (unsigned long long)peer);
                    closed = 1;
                }
                ovr_FreeMessage(msg);
            }
            sleep_ms(2);
        }
    }
    ovrnet_Shutdown(); /* ovrnet extension: frees everything, joins the network thread */
    return 0;
}
