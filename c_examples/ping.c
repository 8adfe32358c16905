/* ping: measures the round trip to another player N times, with the original init function.
 *
 *   ping --peer ID [--count N] [--interval MS] [--timeout SECONDS]   measure (connects)
 *   ping --peer ID --answer [--timeout SECONDS]                      the other side (accepts)
 *
 * Server and identity come from the environment or a config file, as for any game that calls
 * the original ovr_PlatformInitializeWindows unchanged: OVRNET_SERVER, OVRNET_USER_ID,
 * OVRNET_CREDENTIAL, OVRNET_BIND, or OVRNET_CONFIG=file with "server = ..." lines (docs/CAPI.md).
 * The measuring side prints "ping I/N to PEER: RTT us (direct|relayed)" per reply, then closes;
 * the answering side runs until the peer closes. Exit status 0 on success. The path comes from
 * the ovrnet extension ovrnet_Net_GetPathType: a connection starts on the server's relay and
 * moves to the direct path when it works.
 *
 * Build: see Makefile. Only the SDK header names are included, as in a game. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int main(int argc, char **argv)
{
    ovrID peer = 0;
    int count = 5, interval_ms = 200, timeout_s = 30, answer = 0, answered = 0, asked = 0;
    int connected = 0, closed = 0;
    ovrRequest waiting_for = 0;
    unsigned long long deadline, next_ping = 0;
    ovrPlatformInitializeResult init;
    int i;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--answer")) answer = 1;
        else if (i + 1 >= argc) break;
        else if (!strcmp(argv[i], "--peer")) peer = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--count")) count = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--interval")) interval_ms = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--timeout")) timeout_s = atoi(argv[++i]);
        else break;
    }
    if (i != argc || peer == 0 || count <= 0) {
        fprintf(stderr, "usage: ping --peer ID [--count N] [--interval MS] [--timeout S] | ping --peer ID --answer\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    init = ovr_PlatformInitializeWindows("ovrnet-ping-example");
    if (init != ovrPlatformInitialize_Success) {
        fprintf(stderr, "ping: init failed: %s\n", ovrPlatformInitializeResult_ToString(init));
        return 1;
    }
    printf("ping: I am %llu\n", (unsigned long long)ovr_GetLoggedInUserID());
    if (!answer) {
        ovr_Net_Connect(peer);
    }

    deadline = now_ms() + (unsigned long long)timeout_s * 1000u;
    while (now_ms() < deadline && !closed && (answer || answered < count)) {
        ovrMessageHandle msg;
        ovrPacketHandle packet;
        while ((msg = ovr_PopMessage()) != NULL) {
            switch (ovr_Message_GetType(msg)) {
            case ovrMessage_Notification_Networking_PeerConnectRequest: {
                ovrID from = ovr_NetworkingPeer_GetID(ovr_Message_GetNetworkingPeer(msg));
                printf("connect request from %llu\n", (unsigned long long)from);
                if (answer && from == peer) {
                    ovr_Net_Accept(from);
                }
                break;
            }
            case ovrMessage_Notification_Networking_ConnectionStateChange: {
                ovrNetworkingPeerHandle np = ovr_Message_GetNetworkingPeer(msg);
                ovrPeerConnectionState state = ovr_NetworkingPeer_GetState(np);
                printf("peer %llu is %s\n", (unsigned long long)ovr_NetworkingPeer_GetID(np),
                       ovrPeerConnectionState_ToString(state));
                connected = state == ovrPeerState_Connected;
                closed = state == ovrPeerState_Closed;
                if (state == ovrPeerState_Timeout && !answer) {
                    sleep_ms(300); /* the other side may not be online yet: try again */
                    ovr_Net_Connect(peer);
                }
                break;
            }
            case ovrMessage_Notification_Networking_PingResult: {
                /* The reply carries the request id that ovr_Net_Ping returned. */
                ovrPingResultHandle result = ovr_Message_GetPingResult(msg);
                if (ovr_Message_GetRequestID(msg) == waiting_for) {
                    answered++;
                    if (ovr_PingResult_IsTimeout(result)) {
                        printf("ping %d/%d to %llu: timeout\n", answered, count,
                               (unsigned long long)ovr_PingResult_GetID(result));
                    } else {
                        ovrID to = ovr_PingResult_GetID(result);
                        ovrnetPathType path = ovrnet_Net_GetPathType(to);
                        printf("ping %d/%d to %llu: %llu us (%s)\n", answered, count, (unsigned long long)to,
                               ovr_PingResult_GetPingTimeUsec(result),
                               path == ovrnetPathType_Direct    ? "direct"
                               : path == ovrnetPathType_Relayed ? "relayed"
                                                                : "no connection");
                    }
                    waiting_for = 0;
                    next_ping = now_ms() + (unsigned long long)interval_ms;
                }
                break;
            }
            default:
                break;
            }
            ovr_FreeMessage(msg);
        }
        while ((packet = ovr_Net_ReadPacket()) != NULL) {
            ovr_Packet_Free(packet); /* this example sends no data, but always drain the queue */
        }
        if (!answer && connected && waiting_for == 0 && asked < count && now_ms() >= next_ping) {
            waiting_for = ovr_Net_Ping(peer);
            asked++;
        }
        sleep_ms(1);
    }

    if (!answer) {
        printf("ping: %d of %d answered\n", answered, count);
        ovr_Net_Close(peer);
    }
    ovrnet_Shutdown();
    return answer ? !closed : answered < count;
}
