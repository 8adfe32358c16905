using System;
using System.Runtime.InteropServices;

namespace Oculus.Platform
{
  // ovr_User_*, ovr_UserArray_*, ovr_Entitlement_* and the user payloads of messages. ovrnet
  // answers the user requests itself (no profile service): users are known by id, OculusID and
  // DisplayName are the decimal id, and everyone the server let in is entitled.
  public static partial class CAPI
  {
    // Requests: each returns a request id (0 before init); the reply comes through the queue.
    // Reply ovrMessage_User_GetLoggedInUser, payload ovr_Message_GetUser.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_User_GetLoggedInUser();

    // Reply ovrMessage_User_Get, payload ovr_Message_GetUser; an error reply for id 0.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_User_Get(ulong userID);

    // Reply ovrMessage_Entitlement_GetIsViewerEntitled without payload; not an error = entitled.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_Entitlement_GetIsViewerEntitled();

    // A BCP 47 tag in static storage ("en-US": ovrnet has no profiles to read one from).
    public static string ovr_GetLoggedInUserLocale()
    {
      return Utf8.FromNative(ovr_GetLoggedInUserLocale_Native());
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_GetLoggedInUserLocale")]
    private static extern IntPtr ovr_GetLoggedInUserLocale_Native();

    // Payloads, borrowed from the message until ovr_FreeMessage; NULL for other message types.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr ovr_Message_GetUser(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr ovr_Message_GetUserArray(IntPtr obj);

    // User and user list getters; the handle is borrowed from its room or message.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_User_GetID(IntPtr obj);

    public static string ovr_User_GetOculusID(IntPtr obj)
    {
      return Utf8.FromNative(ovr_User_GetOculusID_Native(obj));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_User_GetOculusID")]
    private static extern IntPtr ovr_User_GetOculusID_Native(IntPtr obj);

    public static string ovr_User_GetDisplayName(IntPtr obj)
    {
      return Utf8.FromNative(ovr_User_GetDisplayName_Native(obj));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_User_GetDisplayName")]
    private static extern IntPtr ovr_User_GetDisplayName_Native(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern UIntPtr ovr_UserArray_GetSize(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr ovr_UserArray_GetElement(IntPtr obj, UIntPtr index);

    public static string ovr_UserArray_GetNextUrl(IntPtr obj)
    {
      return Utf8.FromNative(ovr_UserArray_GetNextUrl_Native(obj));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_UserArray_GetNextUrl")]
    private static extern IntPtr ovr_UserArray_GetNextUrl_Native(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    public static extern bool ovr_UserArray_HasNextPage(IntPtr obj);
  }
}
