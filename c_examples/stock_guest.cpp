// stock_guest: the joining side of stock_host, in C++, written against the original header names
// only: the v49 access-token init macro (with its outResult), a switch over message types, and a
// link brought up by unreliable traffic alone (the implicit connect), then reliable pings.
//
//   stock_guest --host ID --token TOKEN [--pings N] [--timeout SECONDS]
//
// The server comes from ovrnet.cfg in the working directory (or OVRNET_SERVER); the login token
// names the user. Exits 0 once every ping got its pong and the connection was closed.
//
// Build: see Makefile (-Wall -Wextra -Werror -pedantic, C++17).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "OVR_Platform.h"

int main(int argc, char **argv)
{
    ovrID host = 0;
    std::string token;
    int pings = 5, timeout_s = 30;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--host") host = std::strtoull(argv[i + 1], nullptr, 10);
        else if (flag == "--token") token = argv[i + 1];
        else if (flag == "--pings") pings = std::atoi(argv[i + 1]);
        else if (flag == "--timeout") timeout_s = std::atoi(argv[i + 1]);
    }
    if (host == 0 || token.empty()) {
        std::fprintf(stderr, "usage: stock_guest --host ID --token TOKEN [--pings N]\n");
        return 2;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    ovrPlatformInitializeResult load = ovrPlatformInitialize_Uninitialized;
    // A macro over ovr_PlatformInitializeWithAccessTokenEx in the v49 desktop headers.
    ovrRequest init = ovr_PlatformInitializeWithAccessToken(0, token.c_str(), &load);
    if (init == invalidRequestID) {
        std::fprintf(stderr, "guest: init did not start (%s)\n", ovrPlatformInitializeResult_ToString(load));
        return 1;
    }

    bool logged_in = false, connected = false, closed = false;
    int pongs = 0, sent = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (!closed && std::chrono::steady_clock::now() < deadline) {
        while (ovrMessageHandle message = ovr_PopMessage()) {
            switch (ovr_Message_GetType(message)) {
            case ovrMessage_PlatformInitializeWithAccessToken:
                logged_in = !ovr_Message_IsError(message);
                std::printf("guest: logged in as %llu: %s\n", static_cast<unsigned long long>(ovr_GetLoggedInUserID()),
                            logged_in ? "yes" : "no");
                break;
            case ovrMessage_Notification_Networking_ConnectionStateChange: {
                ovrNetworkingPeerHandle peer = ovr_Message_GetNetworkingPeer(message);
                ovrPeerConnectionState state = ovr_NetworkingPeer_GetState(peer);
                std::printf("guest: peer %llu is %s\n", static_cast<unsigned long long>(ovr_NetworkingPeer_GetID(peer)),
                            ovrPeerConnectionState_ToString(state));
                connected = state == ovrPeerState_Connected;
                closed = state == ovrPeerState_Closed || state == ovrPeerState_Timeout;
                break;
            }
            default:
                break;
            }
            ovr_FreeMessage(message);
        }
        while (ovrPacketHandle packet = ovr_Net_ReadPacket()) {
            std::string text(static_cast<const char *>(ovr_Packet_GetBytes(packet)), ovr_Packet_GetSize(packet));
            if (text.rfind("pong ", 0) == 0) pongs++;
            ovr_Packet_Free(packet);
        }
        if (logged_in && !connected) {
            // Unreliable traffic alone brings the link up; these packets themselves are dropped.
            const char hello[] = "position 0 0 0";
            ovr_Net_SendPacket(host, sizeof hello - 1, hello, ovrSend_Unreliable);
        } else if (connected && sent < pings) {
            std::string ping = "ping " + std::to_string(++sent);
            ovr_Net_SendPacket(host, ping.size(), ping.data(), ovrSend_Reliable);
        } else if (connected && pongs == pings) {
            std::printf("guest: %d of %d pings answered\n", pongs, pings);
            ovr_Net_Close(host);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::printf("guest: %s\n", closed && pongs == pings ? "done" : "timed out");
    return closed && pongs == pings ? 0 : 1;
}
