/* Drop-in stand-in for the Oculus Platform SDK header of the same name: a game keeps its
 * #include lines and only points its include path here. Everything lives in ovrnet.h. */
#ifndef OVRNET_SHIM_OVR_USERPRESENCESTATUS_H
#define OVRNET_SHIM_OVR_USERPRESENCESTATUS_H
#include "ovrnet.h"
#endif
