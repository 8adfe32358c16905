/* Proves every bool-returning export leaves the whole 32-bit return register as 0 or 1, the way
 * stock Oculus C# (bool returns without MarshalAs(I1)) reads it.
 *
 * Two ways per call:
 *  1. through an `int32_t (*)(...)` pointer, right after a call that returned a large value;
 *  2. (x86-64) through an assembly trampoline that loads garbage into RAX before the call, so a
 *     callee that only set AL would be caught for certain. A deliberately sloppy function checks
 *     that this harness really notices.
 * Usage: bool_abi [path/to/libovrnet.so [SERVER_HOST:PORT PEER_ID]]
 * With a server and a peer (a user that accepts connection requests), the exports that need an
 * initialised platform and a live connection are also checked for their true results.
 * Exit status 0 and a final "N passed, 0 failed" line on success. */
#define _POSIX_C_SOURCE 200809L /* nanosleep under -std=c11 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ovrnet.h"
#include "OVR_Platform.h"

static int passed;
static int failed;

static void check(int ok, const char *what, uint64_t got)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s (got 0x%llx)\n", what, (unsigned long long)got);
    }
}

/* Returns a large value so the return register is dirty before the next call. */
__attribute__((noinline)) static uint32_t dirty_return_register(void)
{
    static volatile uint32_t pattern = 0xDEADBEEFu;
    return pattern;
}

static volatile uint32_t sink;

/* Function pointer types that read the result as a full 32-bit int. */
typedef int32_t (*i32_of_u64_size_ptr)(char *, size_t, uint64_t);
typedef int32_t (*i32_of_ptr_str)(ovrID *, const char *);
typedef int32_t (*i32_of_u32)(uint32_t);
typedef int32_t (*i32_of_ptr)(void *);
typedef int32_t (*i32_of_void)(void);
typedef int32_t (*i32_of_u64)(uint64_t);
typedef int32_t (*i32_of_send)(uint64_t, size_t, const void *, int32_t);
typedef int32_t (*i32_of_room_send)(size_t, const void *, int32_t);
typedef int32_t (*i32_of_u64_ptr)(uint64_t, void *);
typedef void (*void_of_void)(void);
typedef void (*void_of_ptr)(void *);
typedef void *(*ptr_of_void)(void);
typedef void *(*ptr_of_ptr)(void *);
typedef uint32_t (*u32_of_ptr)(void *);
typedef uint64_t (*u64_of_ptr)(void *);
typedef uint64_t (*u64_of_u64)(uint64_t);
typedef uint64_t (*u64_of_create)(int32_t, uint32_t, void *);
typedef void (*void_of_ptr_str_str)(void *, const char *, const char *);
typedef int32_t (*i32_of_vptr_str)(void *, const char *);

/* Looks an export up by name the way .NET's DllImport does (dlsym), so the call goes through a
 * pointer of the type C# effectively uses rather than the header's `bool` prototype. */
static void *library;

static void *lookup(const char *name)
{
    void *sym = dlsym(library, name);
    if (!sym) {
        /* Calling through NULL would only crash; stop with a clear message instead. */
        printf("FAIL cannot find export %s: %s\n", name, dlerror());
        printf("%d passed, %d failed\n", passed, failed + 1);
        exit(1);
    }
    return sym;
}

#define AS(type, fn) ((type)lookup(#fn))

static void expect_01(int32_t got, int32_t want, const char *what)
{
    check(got == want, what, (uint64_t)(uint32_t)got);
}

#if defined(__x86_64__)
uint64_t ovrnet_test_call_with_garbage(const void *fn, uint64_t a0, uint64_t a1, uint64_t a2,
                                       uint64_t a3);
int ovrnet_test_sloppy_false(void);
int ovrnet_test_sloppy_true(void);

#define FN(f) ((const void *)lookup(#f))

static void expect_garbage_proof4(const void *fn, uint64_t a0, uint64_t a1, uint64_t a2,
                                  uint64_t a3, uint32_t want, const char *what)
{
    uint64_t rax;
    if (!fn) {
        return;
    }
    rax = ovrnet_test_call_with_garbage(fn, a0, a1, a2, a3);
    check((uint32_t)rax == want, what, rax);
}

static void expect_garbage_proof(const void *fn, uint64_t a0, uint64_t a1, uint64_t a2,
                                 uint32_t want, const char *what)
{
    expect_garbage_proof4(fn, a0, a1, a2, 0, want, what);
}
#endif

/* Stateful calls go through the dlopen'ed library too: the copy the program was linked against
 * may be a different file (cargo's LD_LIBRARY_PATH can point at a stale one), with its own
 * process-wide instance. */
static void shutdown_platform(void)
{
    AS(void_of_void, ovrnet_Shutdown)();
}

/* Waits up to 10 s for a ConnectionStateChange to Connected from `peer`. */
static int wait_connected(ovrID peer)
{
    struct timespec nap = {0, 2000000};
    int i;
    for (i = 0; i < 5000; i++) {
        void *m;
        while ((m = AS(ptr_of_void, ovr_PopMessage)()) != NULL) {
            void *p = AS(ptr_of_ptr, ovr_Message_GetNetworkingPeer)(m);
            int connected = AS(u32_of_ptr, ovr_Message_GetType)(m) ==
                                ovrMessage_Notification_Networking_ConnectionStateChange &&
                            AS(u64_of_ptr, ovr_NetworkingPeer_GetID)(p) == peer &&
                            AS(u32_of_ptr, ovr_NetworkingPeer_GetState)(p) == ovrPeerState_Connected;
            AS(void_of_ptr, ovr_FreeMessage)(m);
            if (connected) {
                return 1;
            }
        }
        nanosleep(&nap, NULL);
    }
    return 0;
}

/* Pops messages until one of type `type` answering `request` arrives (up to 10 s); the caller
 * frees it. NULL on timeout. */
static void *wait_reply(uint32_t type, uint64_t request)
{
    struct timespec nap = {0, 2000000};
    int i;
    for (i = 0; i < 5000; i++) {
        void *m;
        while ((m = AS(ptr_of_void, ovr_PopMessage)()) != NULL) {
            if (AS(u32_of_ptr, ovr_Message_GetType)(m) == type &&
                AS(u64_of_ptr, ovr_Message_GetRequestID)(m) == request) {
                return m;
            }
            AS(void_of_ptr, ovr_FreeMessage)(m);
        }
        nanosleep(&nap, NULL);
    }
    return NULL;
}

/* The room bool exports (and ovr_DataStore_Contains, an unsigned int 0/1) in a room of one. */
static void check_room_exports(void)
{
    static const char data[] = "room";
    void *options = AS(ptr_of_void, ovr_RoomOptions_Create)();
    void *reply;
    void *room;
    void *users;
    void *store;
    uint64_t request;
    AS(void_of_ptr_str_str, ovr_RoomOptions_SetDataStoreString)(options, "map", "dust");
    request = AS(u64_of_create, ovr_Room_CreateAndJoinPrivate2)(ovrRoom_JoinPolicyEveryone, 4, options);
    AS(void_of_ptr, ovr_RoomOptions_Destroy)(options);
    reply = wait_reply(ovrMessage_Room_CreateAndJoinPrivate2, request);
    check(reply != NULL, "room created", request);
    if (!reply) {
        return;
    }
    room = AS(ptr_of_ptr, ovr_Message_GetRoom)(reply);
    users = AS(ptr_of_ptr, ovr_Room_GetUsers)(room);
    store = AS(ptr_of_ptr, ovr_Room_GetDataStore)(room);
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr, ovr_Room_GetIsMembershipLocked)(room), 0, "GetIsMembershipLocked");
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr, ovr_UserArray_HasNextPage)(users), 0, "UserArray_HasNextPage");
    sink = dirty_return_register();
    expect_01(AS(i32_of_vptr_str, ovr_DataStore_Contains)(store, "map"), 1, "DataStore_Contains yes");
    sink = dirty_return_register();
    expect_01(AS(i32_of_vptr_str, ovr_DataStore_Contains)(store, "nope"), 0, "DataStore_Contains no");
    sink = dirty_return_register();
    expect_01(AS(i32_of_void, ovr_Net_AcceptForCurrentRoom)(), 1, "AcceptForCurrentRoom in a room");
    sink = dirty_return_register();
    expect_01(AS(i32_of_room_send, ovr_Net_SendPacketToCurrentRoom)(4, data, ovrSend_Reliable), 1,
              "SendPacketToCurrentRoom in a room");
    sink = dirty_return_register();
    expect_01(AS(i32_of_room_send, ovr_Net_SendPacketToCurrentRoom)(0, data, ovrSend_Reliable), 0,
              "SendPacketToCurrentRoom length 0");
#if defined(__x86_64__)
    expect_garbage_proof(FN(ovr_Room_GetIsMembershipLocked), (uintptr_t)room, 0, 0, 0,
                         "garbage: GetIsMembershipLocked");
    expect_garbage_proof(FN(ovr_UserArray_HasNextPage), (uintptr_t)users, 0, 0, 0,
                         "garbage: UserArray_HasNextPage");
    expect_garbage_proof(FN(ovr_DataStore_Contains), (uintptr_t)store, (uintptr_t)"map", 0, 1,
                         "garbage: DataStore_Contains yes");
    expect_garbage_proof(FN(ovr_DataStore_Contains), (uintptr_t)store, (uintptr_t)"x", 0, 0,
                         "garbage: DataStore_Contains no");
    expect_garbage_proof(FN(ovr_Net_AcceptForCurrentRoom), 0, 0, 0, 1,
                         "garbage: AcceptForCurrentRoom in a room");
    expect_garbage_proof(FN(ovr_Net_SendPacketToCurrentRoom), 4, (uintptr_t)data, ovrSend_Reliable,
                         1, "garbage: SendPacketToCurrentRoom in a room");
#endif
    request = AS(u64_of_u64, ovr_Room_Leave)(AS(u64_of_ptr, ovr_Room_GetID)(room));
    AS(void_of_ptr, ovr_FreeMessage)(reply);
    reply = wait_reply(ovrMessage_Room_Leave, request);
    check(reply != NULL, "room left", request);
    AS(void_of_ptr, ovr_FreeMessage)(reply);
    sink = dirty_return_register();
    expect_01(AS(i32_of_void, ovr_Net_AcceptForCurrentRoom)(), 0, "AcceptForCurrentRoom after leaving");
#if defined(__x86_64__)
    expect_garbage_proof(FN(ovr_Net_SendPacketToCurrentRoom), 4, (uintptr_t)data, ovrSend_Reliable,
                         0, "garbage: SendPacketToCurrentRoom after leaving");
#endif
}

/* The networking and platform exports, before init (all false) and, given a server and a peer
 * that accepts, with an initialised platform and a live connection (true where it applies). */
static void check_platform_exports(const char *server, ovrID peer)
{
    static const char data[] = "ping";
    ovrnetStats stats;
    ovrnetConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.serverAddress = server;
    cfg.userId = peer + 1;
    cfg.credential = "bool-abi";
    cfg.bindAddress = "127.0.0.1";

    sink = dirty_return_register();
    expect_01(AS(i32_of_void, ovr_IsPlatformInitialized)(), 0, "IsPlatformInitialized before");
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr, ovrnet_Initialize)(NULL), 0, "ovrnet_Initialize NULL");
    sink = dirty_return_register();
    expect_01(AS(i32_of_u64, ovr_Net_IsConnected)(peer), 0, "IsConnected before init");
    sink = dirty_return_register();
    expect_01(AS(i32_of_send, ovr_Net_SendPacket)(peer, 4, data, ovrSend_Reliable), 0,
              "SendPacket before init");
    sink = dirty_return_register();
    expect_01(AS(i32_of_u64_ptr, ovrnet_Net_GetStats)(peer, &stats), 0, "GetStats before init");
    sink = dirty_return_register();
    expect_01(AS(i32_of_void, ovr_Net_AcceptForCurrentRoom)(), 0, "AcceptForCurrentRoom");
    sink = dirty_return_register();
    expect_01(AS(i32_of_room_send, ovr_Net_SendPacketToCurrentRoom)(4, data, ovrSend_Reliable), 0,
              "SendPacketToCurrentRoom");
#if defined(__x86_64__)
    expect_garbage_proof(FN(ovr_IsPlatformInitialized), 0, 0, 0, 0, "garbage: IsPlatformInitialized");
    expect_garbage_proof(FN(ovrnet_Initialize), 0, 0, 0, 0, "garbage: ovrnet_Initialize NULL");
    expect_garbage_proof(FN(ovr_Net_IsConnected), peer, 0, 0, 0, "garbage: IsConnected");
    expect_garbage_proof4(FN(ovr_Net_SendPacket), peer, 4, (uintptr_t)data, ovrSend_Reliable, 0,
                          "garbage: SendPacket before init");
    expect_garbage_proof(FN(ovrnet_Net_GetStats), peer, (uintptr_t)&stats, 0, 0,
                         "garbage: GetStats before init");
    expect_garbage_proof(FN(ovr_Net_AcceptForCurrentRoom), 0, 0, 0, 0,
                         "garbage: AcceptForCurrentRoom");
    expect_garbage_proof(FN(ovr_Net_SendPacketToCurrentRoom), 4, (uintptr_t)data, ovrSend_Reliable,
                         0, "garbage: SendPacketToCurrentRoom");
#endif
    if (!server) {
        return;
    }

    /* Initialised: true results, and false ones next to them. */
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr, ovrnet_Initialize)(&cfg), 1, "ovrnet_Initialize");
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr, ovrnet_Initialize)(&cfg), 0, "ovrnet_Initialize twice");
#if defined(__x86_64__)
    shutdown_platform();
    expect_garbage_proof(FN(ovrnet_Initialize), (uintptr_t)&cfg, 0, 0, 1, "garbage: ovrnet_Initialize");
    expect_garbage_proof(FN(ovrnet_Initialize), (uintptr_t)&cfg, 0, 0, 0,
                         "garbage: ovrnet_Initialize twice");
    expect_garbage_proof(FN(ovr_IsPlatformInitialized), 0, 0, 0, 1,
                         "garbage: IsPlatformInitialized true");
    expect_garbage_proof4(FN(ovr_Net_SendPacket), peer, 0, (uintptr_t)data, ovrSend_Reliable, 0,
                          "garbage: SendPacket length 0");
    expect_garbage_proof4(FN(ovr_Net_SendPacket), peer, 4, (uintptr_t)data, ovrSend_Reliable, 1,
                          "garbage: SendPacket reliable");
#endif
    sink = dirty_return_register();
    expect_01(AS(i32_of_void, ovr_IsPlatformInitialized)(), 1, "IsPlatformInitialized");
    sink = dirty_return_register();
    expect_01(AS(i32_of_send, ovr_Net_SendPacket)(peer, 4, data, ovrSend_Reliable), 1,
              "SendPacket reliable (connects)");
    sink = dirty_return_register();
    expect_01(AS(i32_of_send, ovr_Net_SendPacket)(peer, 4, data, 7), 0, "SendPacket bad policy");
    check(wait_connected(peer), "peer accepted the connection", 0);
    sink = dirty_return_register();
    expect_01(AS(i32_of_u64, ovr_Net_IsConnected)(peer), 1, "IsConnected");
    sink = dirty_return_register();
    expect_01(AS(i32_of_u64_ptr, ovrnet_Net_GetStats)(peer, &stats), 1, "GetStats");
    sink = dirty_return_register();
    expect_01(AS(i32_of_u64_ptr, ovrnet_Net_GetStats)(peer + 7, &stats), 0, "GetStats no peer");
#if defined(__x86_64__)
    expect_garbage_proof(FN(ovr_Net_IsConnected), peer, 0, 0, 1, "garbage: IsConnected true");
    expect_garbage_proof(FN(ovrnet_Net_GetStats), peer, (uintptr_t)&stats, 0, 1,
                         "garbage: GetStats true");
    expect_garbage_proof(FN(ovr_Net_AcceptForCurrentRoom), 0, 0, 0, 0,
                         "garbage: AcceptForCurrentRoom initialised");
#endif
    check_room_exports();
    shutdown_platform();
    sink = dirty_return_register();
    expect_01(AS(i32_of_void, ovr_IsPlatformInitialized)(), 0, "IsPlatformInitialized after");
}

int main(int argc, char **argv)
{
    char buf[32];
    ovrID id = 0;

    /* Load the library the way a C# host does; argv[1] names it (default: the linked one). */
    library = dlopen(argc > 1 ? argv[1] : NULL, RTLD_NOW);
    if (!library) {
        printf("FAIL dlopen: %s\n0 passed, 1 failed\n", dlerror());
        return 1;
    }
    /* A direct call through the header prototype, so the link against libovrnet is real too. */
    check(strcmp(ovrSendPolicy_ToString(ovrSend_Reliable), "RELIABLE") == 0,
          "direct call through header prototype", 0);

    /* 1. Plain int32_t function-pointer calls after dirtying the return register. */
    sink = dirty_return_register();
    expect_01(AS(i32_of_u64_size_ptr, ovrID_ToString)(buf, sizeof buf, 1234), 1,
              "ovrID_ToString ok");
    check(strcmp(buf, "1234") == 0, "ovrID_ToString text", 0);
    sink = dirty_return_register();
    expect_01(AS(i32_of_u64_size_ptr, ovrID_ToString)(buf, 2, 1234), 0, "ovrID_ToString small");
    sink = dirty_return_register();
    expect_01(AS(i32_of_u64_size_ptr, ovrID_ToString)(NULL, 8, 1), 0, "ovrID_ToString NULL");
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr_str, ovrID_FromString)(&id, "987654321"), 1, "ovrID_FromString ok");
    check(id == 987654321u, "ovrID_FromString value", id);
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr_str, ovrID_FromString)(&id, "nope"), 0, "ovrID_FromString bad");
    sink = dirty_return_register();
    expect_01(AS(i32_of_u32, ovrMessageType_IsNotification)(
                  ovrMessage_Notification_Networking_PingResult),
              1, "IsNotification true");
    sink = dirty_return_register();
    expect_01(AS(i32_of_u32, ovrMessageType_IsNotification)(ovrMessage_Room_Join2), 0,
              "IsNotification false");
    sink = dirty_return_register();
    expect_01(AS(i32_of_u32, ovrMessageType_IsNotification)(0xFFFFFFFFu), 0,
              "IsNotification unknown");
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr, ovr_Message_IsError)(NULL), 0, "ovr_Message_IsError NULL");
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr, ovr_PingResult_IsTimeout)(NULL), 0, "ovr_PingResult_IsTimeout NULL");
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr, ovr_Room_GetIsMembershipLocked)(NULL), 0, "GetIsMembershipLocked NULL");
    sink = dirty_return_register();
    expect_01(AS(i32_of_ptr, ovr_UserArray_HasNextPage)(NULL), 0, "UserArray_HasNextPage NULL");
    sink = dirty_return_register();
    expect_01(AS(i32_of_vptr_str, ovr_DataStore_Contains)(NULL, "k"), 0, "DataStore_Contains NULL");

#if defined(__x86_64__)
    /* 2a. The harness must catch a callee that only writes AL. */
    {
        uint64_t f = ovrnet_test_call_with_garbage((const void *)(uintptr_t)&ovrnet_test_sloppy_false, 0, 0, 0, 0);
        uint64_t t = ovrnet_test_call_with_garbage((const void *)(uintptr_t)&ovrnet_test_sloppy_true, 0, 0, 0, 0);
        check((uint32_t)f != 0 && (uint32_t)t != 1, "harness detects AL-only bools", f);
    }
    /* 2b. Every bool export, with garbage in RAX before the call. */
    expect_garbage_proof(FN(ovrID_ToString), (uintptr_t)buf, sizeof buf, 42, 1,
                         "garbage: ovrID_ToString ok");
    expect_garbage_proof(FN(ovrID_ToString), (uintptr_t)buf, 1, 42, 0,
                         "garbage: ovrID_ToString small");
    expect_garbage_proof(FN(ovrID_FromString), (uintptr_t)&id, (uintptr_t)"77", 0, 1,
                         "garbage: ovrID_FromString ok");
    expect_garbage_proof(FN(ovrID_FromString), (uintptr_t)&id, (uintptr_t)"x", 0, 0,
                         "garbage: ovrID_FromString bad");
    expect_garbage_proof(FN(ovrMessageType_IsNotification),
                         ovrMessage_Notification_Networking_ConnectionStateChange, 0, 0, 1,
                         "garbage: IsNotification true");
    expect_garbage_proof(FN(ovrMessageType_IsNotification), ovrMessage_Room_Leave, 0, 0, 0,
                         "garbage: IsNotification false");
    expect_garbage_proof(FN(ovr_Message_IsError), 0, 0, 0, 0, "garbage: ovr_Message_IsError");
    expect_garbage_proof(FN(ovr_PingResult_IsTimeout), 0, 0, 0, 0,
                         "garbage: ovr_PingResult_IsTimeout");
    expect_garbage_proof(FN(ovr_Room_GetIsMembershipLocked), 0, 0, 0, 0,
                         "garbage: GetIsMembershipLocked NULL");
    expect_garbage_proof(FN(ovr_UserArray_HasNextPage), 0, 0, 0, 0,
                         "garbage: UserArray_HasNextPage NULL");
#endif

    /* 3. The platform and networking bool exports (true results need a server and a peer). */
    check_platform_exports(argc > 3 ? argv[2] : NULL, argc > 3 ? strtoull(argv[3], NULL, 10) : 2);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
