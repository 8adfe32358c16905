using System;
using System.Runtime.InteropServices;

namespace Oculus.Platform
{
  // Initialisation, identity and the ovrnet_* extensions.
  public static partial class CAPI
  {
    // Mirror of the C struct ovrnetConfig. Strings are unmanaged UTF-8 copies (Utf8.AllocNative)
    // that live for the duration of the call only; the library copies what it keeps.
    [StructLayout(LayoutKind.Sequential)]
    internal struct ovrnetConfig
    {
      public IntPtr serverAddress;
      public ulong userId;
      public IntPtr credential;
      public IntPtr bindAddress;
      public uint connectTimeoutMs;
      public uint idleTimeoutMs;
      public IntPtr serverKey;
    }

    // Mirror of ovrnetConfigV2: ovrnetConfig behind its own size, plus what it cannot carry.
    [StructLayout(LayoutKind.Sequential)]
    internal struct ovrnetConfigV2
    {
      public uint structSize;
      public ovrnetConfig baseConfig;
      public int relay;
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    internal static extern bool ovrnet_InitializeV2(ref ovrnetConfigV2 config);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    internal static extern bool ovrnet_Initialize(ref ovrnetConfig config);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ovrnet_Shutdown();

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    public static extern bool ovrnet_Net_GetStats(ulong peerID, out OvrnetStats stats);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern PathType ovrnet_Net_GetPathType(ulong peerID);

    // The desktop C form; settings come from where the Unity family below reads them.
    public static PlatformInitializeResult ovr_PlatformInitializeWindows(string appId)
    {
      return ovr_PlatformInitializeWindows_Native(Utf8.ToNative(appId));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_PlatformInitializeWindows")]
    private static extern PlatformInitializeResult ovr_PlatformInitializeWindows_Native(byte[] appId);

    public static ulong ovr_PlatformInitializeWithAccessToken(ulong appId, string serviceAccessToken)
    {
      return ovr_PlatformInitializeWithAccessToken_Native(appId, Utf8.ToNative(serviceAccessToken));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_PlatformInitializeWithAccessToken")]
    private static extern ulong ovr_PlatformInitializeWithAccessToken_Native(ulong appId, byte[] serviceAccessToken);

    // The Unity init family, called by the stock Core.cs (and by ours). Settings come from the
    // app id string when it holds `key=value;...` pairs (server, user_id, credential, ...), an
    // ovrnet.cfg in the working directory (or the file OVRNET_CONFIG names) and the OVRNET_*
    // variables, later ones winning (docs/CAPI.md). Logging callbacks are ignored: the library
    // logs through OVRNET_LOG. The bool returns fill all 32 bits of the register with 0/1, so
    // the stock scripts' default (4-byte) marshalling reads them as well as I1 does.
    // Android form: true once started (the login continues in the background).
    public static bool ovr_UnityInitWrapper(string appId)
    {
      return ovr_UnityInitWrapper_Native(Utf8.ToNative(appId));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_UnityInitWrapper")]
    [return: MarshalAs(UnmanagedType.I1)]
    private static extern bool ovr_UnityInitWrapper_Native(byte[] appId);

    // Android form; reply ovrMessage_PlatformInitializeAndroidAsynchronous. 0 if it cannot start.
    public static ulong ovr_UnityInitWrapperAsynchronous(string appId)
    {
      return ovr_UnityInitWrapperAsynchronous_Native(Utf8.ToNative(appId));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_UnityInitWrapperAsynchronous")]
    private static extern ulong ovr_UnityInitWrapperAsynchronous_Native(byte[] appId);

    // Windows (and editor) form; also what this wrapper uses on every other desktop platform.
    public static bool ovr_UnityInitWrapperWindows(string appId, IntPtr loggingCB)
    {
      return ovr_UnityInitWrapperWindows_Native(Utf8.ToNative(appId), loggingCB);
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_UnityInitWrapperWindows")]
    [return: MarshalAs(UnmanagedType.I1)]
    private static extern bool ovr_UnityInitWrapperWindows_Native(byte[] appId, IntPtr loggingCB);

    // Windows form; reply ovrMessage_PlatformInitializeWindowsAsynchronous. 0 if it cannot start.
    public static ulong ovr_UnityInitWrapperWindowsAsynchronous(string appId, IntPtr loggingCB)
    {
      return ovr_UnityInitWrapperWindowsAsynchronous_Native(Utf8.ToNative(appId), loggingCB);
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_UnityInitWrapperWindowsAsynchronous")]
    private static extern ulong ovr_UnityInitWrapperWindowsAsynchronous_Native(byte[] appId, IntPtr loggingCB);

    // The editor's standalone path: a non-empty accessToken is the login credential (an
    // ovrnet1.<user id>... token also names the user); the rest comes from the configuration.
    public static bool ovr_UnityInitWrapperStandalone(string accessToken, IntPtr loggingCB)
    {
      return ovr_UnityInitWrapperStandalone_Native(Utf8.ToNative(accessToken), loggingCB);
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_UnityInitWrapperStandalone")]
    [return: MarshalAs(UnmanagedType.I1)]
    private static extern bool ovr_UnityInitWrapperStandalone_Native(byte[] accessToken, IntPtr loggingCB);

    // Does nothing in ovrnet (no globals to prepare); exported so stock scripts can call it.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ovr_UnityInitGlobals(IntPtr loggingCB);

    // Does nothing in ovrnet (the SDK's own test harness hook).
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ovr_UnityResetTestPlatform();

    // The credential of the next init that carries none (null or "" forgets it). The C header
    // says void, but the export returns a 32-bit 0/1 as the stock C# declaration expects.
    public static bool ovr_SetDeveloperAccessToken(string accessToken)
    {
      return ovr_SetDeveloperAccessToken_Native(Utf8.ToNative(accessToken));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_SetDeveloperAccessToken")]
    [return: MarshalAs(UnmanagedType.I1)]
    private static extern bool ovr_SetDeveloperAccessToken_Native(byte[] accessToken);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern PlatformInitializeResult ovr_PlatformInitialize_GetResult(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    public static extern bool ovr_IsPlatformInitialized();

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_GetLoggedInUserID();
  }
}
