/* Constants of the original SDK headers that are not functions or enums (those are in ovrnet.h).
 * Written by hand; every OVR_*.h shim includes it. */
#ifndef OVRNET_COMPAT_H
#define OVRNET_COMPAT_H
#include "ovrnet.h"
#include "ovrnet_enum_tags.h"

/* The request id no request ever has (ovrnet never returns it for a request that started). */
#define invalidRequestID ((ovrRequest)0)
/* The message type no message ever has. */
#define invalidMessageID ((ovrMessageType)0)

/* The SDK version these headers stand in for: 1.81.0 (v49), the last with ovr_Net_*. ovrnet
 * does not check the version a game passes to the Ex init functions. */
#ifndef PLATFORM_PRODUCT_VERSION
#define PLATFORM_PRODUCT_VERSION 1
#endif
#ifndef PLATFORM_MAJOR_VERSION
#define PLATFORM_MAJOR_VERSION 1
#endif
#ifndef PLATFORM_MINOR_VERSION
#define PLATFORM_MINOR_VERSION 81
#endif
#ifndef PLATFORM_PATCH_VERSION
#define PLATFORM_PATCH_VERSION 0
#endif
#endif
