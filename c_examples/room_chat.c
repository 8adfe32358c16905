/* room_chat: N players meet in one private room and talk to everyone in it.
 *
 *   room_chat --server HOST:PORT --user ID (--create | --room ROOM) --members N
 *             [--lines L] [--timeout SECONDS]
 *
 * The first player creates the room (ovr_Room_CreateAndJoinPrivate2, max users N, a data store
 * entry "game" = "room_chat") and prints "room ROOM"; the others join it with ovr_Room_Join2.
 * Everyone calls ovr_Net_AcceptForCurrentRoom, so connections between members need no
 * ovr_Net_Accept, and follows the member list through the replies and RoomUpdate messages. Once
 * the room holds N members, each player broadcasts L reliable lines ("line I/L from ID") with
 * ovr_Net_SendPacketToCurrentRoom, one per frame, and an unreliable position every frame. Every
 * received line is printed as "got SENDER: TEXT". When a player has every line of every other
 * member it broadcasts a reliable "done" marker; when it has the marker of every other member (so
 * everyone has all of its lines) and has streamed positions for at least a second, it prints how
 * many positions it got from each member, closes
 * its connections with ovr_Net_CloseForCurrentRoom, leaves the room and exits.
 * Exit status 0 on success, 1 on timeout or error.
 *
 * Build: see Makefile. Only the SDK header names are included, as in a game. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "OVR_Platform.h"

#define MAX_MEMBERS 64

/* Packet kinds: the first byte of every packet. */
#define KIND_LINE 'L'     /* reliable: 'L' then the text */
#define KIND_POSITION 'P' /* unreliable: 'P', then a 4-byte frame number and three floats */
#define KIND_DONE 'D'     /* reliable: "I have every line of every member" */

/* What this player knows about another member. */
struct member {
    ovrID id;
    int lines;     /* lines received so far */
    int done;      /* its done marker arrived */
    int positions; /* positions received */
};

static struct member members[MAX_MEMBERS];
static size_t member_count; /* other members seen in the room (never shrinks) */
static size_t room_size;    /* members in the newest room information, me included */
static unsigned room_version;
static ovrID me;

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
    fprintf(stderr, "usage: room_chat --server HOST:PORT --user ID (--create | --room ROOM) "
                    "--members N [--lines L] [--timeout SECONDS]\n");
    exit(2);
}

static struct member *member(ovrID id)
{
    size_t i;
    for (i = 0; i < member_count; i++) {
        if (members[i].id == id) {
            return &members[i];
        }
    }
    if (member_count == MAX_MEMBERS) {
        return NULL;
    }
    members[member_count].id = id;
    return &members[member_count++];
}

/* Takes in the member list of a reply or update, if it is newer than what we have. */
static void learn_room(ovrRoomHandle room)
{
    ovrUserArrayHandle users = ovr_Room_GetUsers(room);
    size_t i, n = ovr_UserArray_GetSize(users);
    unsigned version = ovr_Room_GetVersion(room);
    if (version < room_version) {
        return;
    }
    room_version = version;
    room_size = n;
    for (i = 0; i < n; i++) {
        ovrID id = ovr_User_GetID(ovr_UserArray_GetElement(users, i));
        if (id != me) {
            member(id);
        }
    }
}

/* Prints an error reply and returns 0. */
static int report_error(const char *what, ovrMessageHandle msg)
{
    ovrErrorHandle e = ovr_Message_GetError(msg);
    fprintf(stderr, "room_chat: %s failed: error %d: %s\n", what, ovr_Error_GetCode(e), ovr_Error_GetMessage(e));
    return 0;
}

/* Waits for the reply to `request` of type `type`, handling RoomUpdates meanwhile. Returns the
 * reply (the caller frees it) or NULL on timeout. */
static ovrMessageHandle wait_reply(ovrMessageType type, ovrRequest request, unsigned long long deadline)
{
    while (now_ms() < deadline) {
        ovrMessageHandle msg;
        while ((msg = ovr_PopMessage()) != NULL) {
            if (ovr_Message_GetType(msg) == type && ovr_Message_GetRequestID(msg) == request) {
                return msg;
            }
            if (ovr_Message_GetType(msg) == ovrMessage_Notification_Room_RoomUpdate) {
                learn_room(ovr_Message_GetRoom(msg));
            }
            ovr_FreeMessage(msg);
        }
        sleep_ms(2);
    }
    return NULL;
}

static int all_lines(int want)
{
    size_t i;
    for (i = 0; i < member_count; i++) {
        if (members[i].lines < want) {
            return 0;
        }
    }
    return 1;
}

static int all_done(void)
{
    size_t i;
    for (i = 0; i < member_count; i++) {
        if (!members[i].done) {
            return 0;
        }
    }
    return 1;
}

static void handle_packet(ovrPacketHandle packet, int lines)
{
    const char *bytes = (const char *)ovr_Packet_GetBytes(packet);
    size_t size = ovr_Packet_GetSize(packet);
    ovrID from = ovr_Packet_GetSenderID(packet);
    struct member *m = member(from);
    if (!m || size == 0) {
        return;
    }
    switch (bytes[0]) {
    case KIND_LINE:
        printf("got %llu: %.*s\n", (unsigned long long)from, (int)(size - 1), bytes + 1);
        if (ovr_Packet_GetSendPolicy(packet) != ovrSend_Reliable) {
            printf("error: line from %llu was not sent reliably\n", (unsigned long long)from);
        }
        if (++m->lines == lines) {
            printf("all %d lines from %llu\n", lines, (unsigned long long)from);
        }
        break;
    case KIND_POSITION:
        if (size == 1 + 4 + 3 * sizeof(float)) {
            m->positions++;
        }
        break;
    case KIND_DONE:
        m->done = 1;
        break;
    default:
        printf("error: unknown packet from %llu\n", (unsigned long long)from);
    }
}

int main(int argc, char **argv)
{
    const char *server = NULL;
    ovrID room = 0;
    int create = 0, lines = 10, timeout_s = 60, want_members = 0;
    int lines_sent = 0, done_sent = 0, broadcasting = 0, finished = 0;
    long frames = 0, frames_queued = 0, positions_received = 0;
    uint32_t frame = 0;
    unsigned long long deadline, broadcast_start = 0;
    char credential[64];
    ovrnetConfig cfg;
    ovrMessageHandle reply;
    ovrRequest request;
    size_t i;
    int a;

    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--create")) { create = 1; continue; }
        if (a + 1 == argc) usage();
        if (!strcmp(argv[a], "--server")) server = argv[++a];
        else if (!strcmp(argv[a], "--user")) me = strtoull(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--room")) room = strtoull(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--members")) want_members = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--lines")) lines = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--timeout")) timeout_s = atoi(argv[++a]);
        else usage();
    }
    if (!server || me == 0 || create == (room != 0) || want_members < 1 || want_members > MAX_MEMBERS ||
        lines < 0) {
        usage();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    snprintf(credential, sizeof credential, "room-chat-%llu", (unsigned long long)me);
    memset(&cfg, 0, sizeof cfg);
    cfg.serverAddress = server;
    cfg.userId = me;
    cfg.credential = credential;
    if (!ovrnet_Initialize(&cfg)) {
        fprintf(stderr, "room_chat: initialisation failed (see the log line above)\n");
        return 1;
    }
    deadline = now_ms() + (unsigned long long)timeout_s * 1000u;

    /* 1. Create or join the room. The options are copied by the request: destroy them at once. */
    if (create) {
        ovrRoomOptionsHandle options = ovr_RoomOptions_Create();
        ovr_RoomOptions_SetDataStoreString(options, "game", "room_chat");
        request = ovr_Room_CreateAndJoinPrivate2(ovrRoom_JoinPolicyEveryone, (unsigned)want_members, options);
        ovr_RoomOptions_Destroy(options);
        reply = wait_reply(ovrMessage_Room_CreateAndJoinPrivate2, request, deadline);
    } else {
        request = ovr_Room_Join2(room, NULL);
        reply = wait_reply(ovrMessage_Room_Join2, request, deadline);
    }
    if (!reply || ovr_Message_IsError(reply)) {
        if (reply) {
            report_error(create ? "create" : "join", reply);
            ovr_FreeMessage(reply);
        } else {
            fprintf(stderr, "room_chat: no reply to %s\n", create ? "create" : "join");
        }
        ovrnet_Shutdown();
        return 1;
    }
    {
        ovrRoomHandle r = ovr_Message_GetRoom(reply);
        const char *game = ovr_DataStore_GetValue(ovr_Room_GetDataStore(r), "game");
        room = ovr_Room_GetID(r);
        if (create) {
            printf("room %llu\n", (unsigned long long)room);
        } else {
            printf("joined room %llu owned by %s, game %s\n", (unsigned long long)room,
                   ovr_User_GetOculusID(ovr_Room_GetOwner(r)), game ? game : "(none)");
        }
        learn_room(r);
        ovr_FreeMessage(reply);
    }

    /* 2. Accept connections from every member, present and future. */
    if (!ovr_Net_AcceptForCurrentRoom()) {
        fprintf(stderr, "room_chat: AcceptForCurrentRoom failed\n");
        ovrnet_Shutdown();
        return 1;
    }

    /* 3. The frame loop. */
    while (!finished && now_ms() < deadline) {
        ovrMessageHandle msg;
        ovrPacketHandle packet;

        while ((msg = ovr_PopMessage()) != NULL) {
            switch (ovr_Message_GetType(msg)) {
            case ovrMessage_Notification_Room_RoomUpdate:
                learn_room(ovr_Message_GetRoom(msg));
                break;
            case ovrMessage_Room_GetCurrent:
                if (ovr_Message_IsError(msg)) {
                    report_error("get current room", msg);
                } else {
                    ovrRoomHandle r = ovr_Message_GetRoom(msg);
                    printf("current room %llu: version %u, owner %llu\n", (unsigned long long)ovr_Room_GetID(r),
                           ovr_Room_GetVersion(r), (unsigned long long)ovr_User_GetID(ovr_Room_GetOwner(r)));
                }
                break;
            case ovrMessage_Notification_Networking_ConnectionStateChange: {
                ovrNetworkingPeerHandle np = ovr_Message_GetNetworkingPeer(msg);
                fprintf(stderr, "room_chat: peer %llu is %s\n", (unsigned long long)ovr_NetworkingPeer_GetID(np),
                        ovrPeerConnectionState_ToString(ovr_NetworkingPeer_GetState(np)));
                break;
            }
            default:
                /* Connect requests from members that arrive before the update naming them are
                 * accepted once it does; nothing to do here. */
                break;
            }
            ovr_FreeMessage(msg);
        }

        if (!broadcasting && room_size >= (size_t)want_members) {
            broadcasting = 1;
            broadcast_start = now_ms();
            printf("room has %d members\n", want_members);
            ovr_Room_GetCurrent(); /* answered in the loop above */
        }
        if (broadcasting) {
            unsigned char pos[1 + 4 + 3 * sizeof(float)];
            float xyz[3];
            if (lines_sent < lines) {
                char line[128];
                int n = snprintf(line, sizeof line, "%cline %d/%d from %llu", KIND_LINE, lines_sent + 1, lines,
                                 (unsigned long long)me);
                if (ovr_Net_SendPacketToCurrentRoom((size_t)n, line, ovrSend_Reliable)) {
                    lines_sent++;
                } else {
                    fprintf(stderr, "room_chat: could not queue line %d\n", lines_sent + 1);
                }
            }
            /* Best effort: false while some member's connection is not up yet. */
            xyz[0] = (float)frame * 0.01f;
            xyz[1] = 1.6f;
            xyz[2] = -(float)frame * 0.02f;
            pos[0] = KIND_POSITION;
            memcpy(pos + 1, &frame, 4);
            memcpy(pos + 5, xyz, sizeof xyz);
            frames++;
            if (ovr_Net_SendPacketToCurrentRoom(sizeof pos, pos, ovrSend_Unreliable)) {
                frames_queued++;
            }
            frame++;
        }

        while ((packet = ovr_Net_ReadPacket()) != NULL) {
            handle_packet(packet, lines);
            ovr_Packet_Free(packet);
        }

        if (broadcasting && !done_sent && lines_sent == lines && member_count + 1 >= (size_t)want_members &&
            all_lines(lines)) {
            const char done = KIND_DONE;
            if (ovr_Net_SendPacketToCurrentRoom(1, &done, ovrSend_Reliable)) {
                done_sent = 1;
                printf("all lines received\n");
            }
        }
        /* Positions keep streaming for at least a second, so every pair exchanges some. */
        finished = done_sent && all_done() && now_ms() >= broadcast_start + 1000;
        sleep_ms(5);
    }

    if (!finished) {
        printf("timeout: sent %d of %d lines, members seen %zu\n", lines_sent, lines, member_count);
        for (i = 0; i < member_count; i++) {
            printf("  %llu: %d lines, done %d\n", (unsigned long long)members[i].id, members[i].lines,
                   members[i].done);
        }
        ovrnet_Shutdown();
        return 1;
    }
    for (i = 0; i < member_count; i++) {
        printf("positions from %llu: %d\n", (unsigned long long)members[i].id, members[i].positions);
        positions_received += members[i].positions;
    }
    printf("positions: broadcast %ld (%ld to every member), received %ld\n", frames, frames_queued,
           positions_received);

    /* 4. Everyone has everything we sent: close the room's connections and leave. */
    ovr_Net_CloseForCurrentRoom();
    request = ovr_Room_Leave(room);
    reply = wait_reply(ovrMessage_Room_Leave, request, now_ms() + 10000);
    if (!reply || ovr_Message_IsError(reply)) {
        if (reply) {
            report_error("leave", reply);
            ovr_FreeMessage(reply);
        }
        ovrnet_Shutdown();
        return 1;
    }
    printf("left room %llu\n", (unsigned long long)room);
    ovr_FreeMessage(reply);
    ovrnet_Shutdown();
    return 0;
}
