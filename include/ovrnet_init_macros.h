/* The v49 desktop headers spell four init calls as macros over their Ex forms, passing the
 * header's version; OVR_Platform.h includes this file so that code written against them compiles
 * unchanged. ovrnet exports both the Ex functions and the plain functions (Android builds, older
 * headers and C# call those): define OVRPL_DISABLED, or build for Android, to call the plain
 * functions instead. Written by hand. */
#ifndef OVRNET_INIT_MACROS_H
#define OVRNET_INIT_MACROS_H
#include "ovrnet_compat.h"

#if !defined(__ANDROID__) && !defined(OVRPL_DISABLED)
#define ovr_PlatformInitializeWindows(appId) \
    ovr_PlatformInitializeWindowsEx((appId), PLATFORM_PRODUCT_VERSION, PLATFORM_MAJOR_VERSION)
#define ovr_PlatformInitializeWindowsAsynchronous(appId, outResult) \
    ovr_PlatformInitializeWindowsAsynchronousEx((appId), (outResult), PLATFORM_PRODUCT_VERSION, \
                                                PLATFORM_MAJOR_VERSION)
#define ovr_Platform_InitializeStandaloneOculus(params, outResult) \
    ovr_Platform_InitializeStandaloneOculusEx((params), (outResult), PLATFORM_PRODUCT_VERSION, \
                                              PLATFORM_MAJOR_VERSION)
#define ovr_PlatformInitializeWithAccessToken(appId, token, outResult) \
    ovr_PlatformInitializeWithAccessTokenEx((appId), (token), (outResult), PLATFORM_PRODUCT_VERSION, \
                                            PLATFORM_MAJOR_VERSION)
#endif
#endif
