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
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    internal static extern bool ovrnet_Initialize(ref ovrnetConfig config);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ovrnet_Shutdown();

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    public static extern bool ovrnet_Net_GetStats(ulong peerID, out OvrnetStats stats);

    // appId is ignored by ovrnet; the server and identity come from OVRNET_* / OVRNET_CONFIG.
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

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern PlatformInitializeResult ovr_PlatformInitialize_GetResult(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    public static extern bool ovr_IsPlatformInitialized();

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_GetLoggedInUserID();
  }
}
