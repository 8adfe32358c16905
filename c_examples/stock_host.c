/* stock_host: the host side of a two-player game written as a stock v49 Oculus title would be,
 * using only the original header names: the desktop init macro, the entitlement check, the
 * logged-in user, one switch over every message type, and the ovr_Net_* calls. Nothing in it
 * names ovrnet; the settings come from the app id string (as set in the platform settings).
 *
 *   stock_host --app-id "server=HOST:PORT;user_id=ID;credential=SECRET" [--timeout SECONDS]
 *
 * It accepts the first connect request, answers every reliable "ping N" with "pong N", and exits
 * 0 once the guest closes the connection. stock_guest.cpp is the other side.
 *
 * Build: see Makefile (-Wall -Wextra -Werror -pedantic, C11). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "OVR_Platform.h"

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

int main(int argc, char **argv)
{
    const char *app_id = NULL;
    int timeout_s = 30, ready = 0, done = 0, pongs = 0, i;
    ovrPlatformInitializeResult load = ovrPlatformInitialize_Uninitialized;
    ovrRequest init_request;
    time_t deadline;

    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--app-id")) app_id = argv[i + 1];
        else if (!strcmp(argv[i], "--timeout")) timeout_s = atoi(argv[i + 1]);
    }
    if (!app_id) {
        fprintf(stderr, "usage: stock_host --app-id SETTINGS [--timeout SECONDS]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* The v49 desktop headers make this a macro over ovr_PlatformInitializeWindowsAsynchronousEx. */
    init_request = ovr_PlatformInitializeWindowsAsynchronous(app_id, &load);
    if (init_request == invalidRequestID || load != ovrPlatformInitialize_Success) {
        fprintf(stderr, "host: init did not start (%s)\n", ovrPlatformInitializeResult_ToString(load));
        return 1;
    }
    deadline = time(NULL) + timeout_s;
    while (!done && time(NULL) < deadline) {
        ovrMessageHandle message;
        ovrPacketHandle packet;
        while ((message = ovr_PopMessage()) != NULL) {
            switch (ovr_Message_GetType(message)) {
            case ovrMessage_PlatformInitializeWindowsAsynchronous:
                if (ovr_Message_IsError(message)) {
                    fprintf(stderr, "host: init failed: %s\n", ovr_Error_GetMessage(ovr_Message_GetError(message)));
                    return 1;
                }
                printf("host: platform %s\n", ovrPlatformInitializeResult_ToString(ovr_PlatformInitialize_GetResult(
                                                  ovr_Message_GetPlatformInitialize(message))));
                ovr_Entitlement_GetIsViewerEntitled();
                break;
            case ovrMessage_Entitlement_GetIsViewerEntitled:
                printf("host: entitled %s\n", ovr_Message_IsError(message) ? "no" : "yes");
                ovr_User_GetLoggedInUser();
                break;
            case ovrMessage_User_GetLoggedInUser: {
                ovrUserHandle me = ovr_Message_GetUser(message);
                printf("host: I am %llu (%s), locale %s\n", (unsigned long long)ovr_User_GetID(me),
                       ovr_User_GetOculusID(me), ovr_GetLoggedInUserLocale());
                /* A service ovrnet does not provide answers like a server that said no. */
                ovr_Achievements_Unlock("first-game");
                ready = 1;
                printf("host: ready\n");
                break;
            }
            case ovrMessage_Achievements_Unlock:
                printf("host: achievements %s\n", ovr_Message_IsError(message) ? "not available" : "unlocked");
                break;
            case ovrMessage_Notification_Networking_PeerConnectRequest: {
                ovrID peer = ovr_NetworkingPeer_GetID(ovr_Message_GetNetworkingPeer(message));
                printf("host: connect request from %llu\n", (unsigned long long)peer);
                ovr_Net_Accept(peer);
                break;
            }
            case ovrMessage_Notification_Networking_ConnectionStateChange: {
                ovrNetworkingPeerHandle peer = ovr_Message_GetNetworkingPeer(message);
                enum ovrPeerConnectionState_ state = ovr_NetworkingPeer_GetState(peer); /* the original tag */
                printf("host: peer %llu is %s\n", (unsigned long long)ovr_NetworkingPeer_GetID(peer),
                       ovrPeerConnectionState_ToString(state));
                if (state == ovrPeerState_Closed || state == ovrPeerState_Timeout) done = 1;
                break;
            }
            default:
                break;
            }
            ovr_FreeMessage(message);
        }
        while ((packet = ovr_Net_ReadPacket()) != NULL) {
            char text[64] = {0};
            size_t size = ovr_Packet_GetSize(packet);
            int n;
            memcpy(text, ovr_Packet_GetBytes(packet), size < sizeof text - 1 ? size : sizeof text - 1);
            if (ovr_Packet_GetSendPolicy(packet) == ovrSend_Reliable && sscanf(text, "ping %d", &n) == 1) {
                char reply[32];
                int len = snprintf(reply, sizeof reply, "pong %d", n);
                if (ovr_Net_SendPacket(ovr_Packet_GetSenderID(packet), (size_t)len, reply, ovrSend_Reliable)) pongs++;
            }
            ovr_Packet_Free(packet);
        }
        if (!done) sleep_ms(2);
    }
    printf("host: answered %d pings\n", pongs);
    printf("host: %s\n", done && ready ? "done" : "timed out");
    return done && ready ? 0 : 1;
}
