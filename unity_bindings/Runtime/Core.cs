using Oculus.Platform.Models;

namespace Oculus.Platform
{
  // The original SDK's entry points, unchanged for drop-in use. ovrnet has no Oculus backend:
  // the server and identity come from the environment (OVRNET_SERVER, OVRNET_USER_ID,
  // OVRNET_CREDENTIAL, ...) and/or the file named by OVRNET_CONFIG, exactly as for the C
  // drop-in init. appId is accepted and ignored. New code can call Ovrnet.Initialize instead.
  public sealed class Core
  {
    public const string PlatformUninitializedError =
      "This function requires an initialized platform. Call Oculus.Platform.Core.Initialize (or Ovrnet.Initialize) first.";

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
      PlatformInitializeResult result = CAPI.ovr_PlatformInitializeWindows(appId);
      if (result != PlatformInitializeResult.Success)
      {
        OvrnetLog.Error("Platform initialisation failed: " + result + ". Set OVRNET_SERVER and OVRNET_USER_ID (or OVRNET_CONFIG).");
        return;
      }
      OvrnetLog.EnsurePump();
    }

    // Asynchronous: the reply arrives once the login to the server succeeded (Data.Result ==
    // Success) or failed (an error message). Null if initialisation could not start.
    public static Request<PlatformInitialize> AsyncInitialize(string appId = null)
    {
      ulong id = CAPI.ovr_PlatformInitializeWithAccessToken(0, null);
      if (id == 0)
      {
        OvrnetLog.Error(IsInitialized()
          ? "AsyncInitialize: the platform is already initialised."
          : "Platform initialisation could not start (see the library's log). Set OVRNET_SERVER and OVRNET_USER_ID (or OVRNET_CONFIG).");
        return null;
      }
      OvrnetLog.EnsurePump();
      return new Request<PlatformInitialize>(id);
    }
  }
}
