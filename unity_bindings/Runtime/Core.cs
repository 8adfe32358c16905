using System;
using Oculus.Platform.Models;

namespace Oculus.Platform
{
  // The original SDK's entry points, unchanged for drop-in use, calling the same native Unity
  // init family as the stock Core.cs. ovrnet has no Oculus backend: the server and identity
  // come from the appId string when it holds `key=value;...` settings (for example
  // "server=play.example.com:7777;user_id=random"), an ovrnet.cfg in the working directory (or
  // the file OVRNET_CONFIG names) and the OVRNET_* variables, later ones winning. A plain
  // numeric Oculus app id carries no settings. New code can call Ovrnet.Initialize instead.
  public sealed class Core
  {
    public const string PlatformUninitializedError =
      "This function requires an initialized platform. Call Oculus.Platform.Core.Initialize (or Ovrnet.Initialize) first.";

    private const string ConfigurationHint =
      "Put settings in the app id (\"server=host:port;user_id=random\"), an ovrnet.cfg in the working directory, or OVRNET_SERVER and OVRNET_USER_ID.";

    private Core()
    {
    }

    public static bool IsInitialized()
    {
      return CAPI.ovr_IsPlatformInitialized();
    }

    // Synchronous: on return the socket is bound and the login runs in the background. A failure
    // is logged (with the reason from the library on stderr) and leaves IsInitialized() false.
    // Calling it again while initialised (a second scene, say) does nothing.
    public static void Initialize(string appId = null)
    {
      if (IsInitialized())
      {
        OvrnetLog.EnsurePump();
        return;
      }
      if (!InitWrapper(appId))
      {
        OvrnetLog.Error("Platform initialisation failed (the library logs why). " + ConfigurationHint);
        return;
      }
      OvrnetLog.EnsurePump();
    }

    // Asynchronous: the reply (PlatformInitializeWindowsAsynchronous, or ...AndroidAsynchronous
    // on Android) arrives once the login to the server succeeded (Data.Result == Success) or
    // failed (an error message). Null if initialisation could not start; the stock script throws
    // there instead, but a game that checks for null should keep running.
    public static Request<PlatformInitialize> AsyncInitialize(string appId = null)
    {
      ulong id = InitWrapperAsynchronous(appId);
      if (id == 0)
      {
        OvrnetLog.Error(IsInitialized()
          ? "AsyncInitialize: the platform is already initialised."
          : "Platform initialisation could not start (the library logs why). " + ConfigurationHint);
        return null;
      }
      OvrnetLog.EnsurePump();
      return new Request<PlatformInitialize>(id);
    }

    // The stock script picks the Android forms in an Android player and the Windows forms in the
    // Windows editor and player (it refuses every other platform). ovrnet's Windows forms work
    // on any desktop, so they also serve macOS, Linux, iOS and plain .NET / Mono.
    private static bool InitWrapper(string appId)
    {
#if UNITY_ANDROID && !UNITY_EDITOR
      return CAPI.ovr_UnityInitWrapper(appId);
#else
      return CAPI.ovr_UnityInitWrapperWindows(appId, IntPtr.Zero);
#endif
    }

    private static ulong InitWrapperAsynchronous(string appId)
    {
#if UNITY_ANDROID && !UNITY_EDITOR
      return CAPI.ovr_UnityInitWrapperAsynchronous(appId);
#else
      return CAPI.ovr_UnityInitWrapperWindowsAsynchronous(appId, IntPtr.Zero);
#endif
    }

    // The guard of every request wrapper: false (and the original error text logged) before
    // initialisation, when the original SDK returns null.
    internal static bool InitializedOrLog()
    {
      if (IsInitialized())
      {
        return true;
      }
      OvrnetLog.Error(PlatformUninitializedError);
      return false;
    }
  }
}
