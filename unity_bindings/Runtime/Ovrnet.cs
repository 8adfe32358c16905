using System;
using System.Runtime.InteropServices;

namespace Oculus.Platform
{
  // ovrnet's own entry points, beyond the original SDK: explicit initialisation, shutdown,
  // connection figures, and where the wrapper's error messages go.
  public static class Ovrnet
  {
    // Receives every error the wrapper reports (a throwing handler, a refused request, ...).
    // null (the default) logs to the Unity console, or to stderr outside Unity.
    public static Action<string> LogHandler;

    // Initialises with an explicit configuration. Synchronous: true once the socket is bound;
    // the login continues in the background. False (the library logs why on stderr) for a bad
    // configuration, a socket failure, or when already initialised.
    public static bool Initialize(OvrnetConfig config)
    {
      if (config == null)
      {
        throw new ArgumentNullException("config");
      }
      var native = new CAPI.ovrnetConfig();
      try
      {
        native.serverAddress = Utf8.AllocNative(config.ServerAddress);
        native.userId = config.UserId;
        native.credential = Utf8.AllocNative(config.Credential);
        native.bindAddress = Utf8.AllocNative(config.BindAddress);
        native.connectTimeoutMs = config.ConnectTimeoutMs;
        native.idleTimeoutMs = config.IdleTimeoutMs;
        native.serverKey = Utf8.AllocNative(config.ServerKey);
        var v2 = new CAPI.ovrnetConfigV2();
        v2.structSize = (uint)Marshal.SizeOf(typeof(CAPI.ovrnetConfigV2));
        v2.baseConfig = native;
        v2.relay = (int)config.Relay;
        if (!CAPI.ovrnet_InitializeV2(ref v2))
        {
          return false;
        }
      }
      finally
      {
        Utf8.FreeNative(native.serverAddress);
        Utf8.FreeNative(native.credential);
        Utf8.FreeNative(native.bindAddress);
        Utf8.FreeNative(native.serverKey);
      }
      OvrnetLog.EnsurePump();
      return true;
    }

    public static bool Initialize(string serverAddress, ulong userId, string credential = null)
    {
      return Initialize(new OvrnetConfig { ServerAddress = serverAddress, UserId = userId, Credential = credential });
    }

    // Initialises from the same configuration the C drop-in init reads: the `key = value` file
    // named by OVRNET_CONFIG (else an ovrnet.cfg in the working directory) and the OVRNET_*
    // variables (OVRNET_SERVER, OVRNET_USER_ID, OVRNET_CREDENTIAL, ...; they win). Core.Initialize()
    // with no app id settings does the same.
    public static PlatformInitializeResult InitializeFromConfiguration()
    {
      PlatformInitializeResult result = CAPI.ovr_PlatformInitializeWindows(null);
      if (result == PlatformInitializeResult.Success)
      {
        OvrnetLog.EnsurePump();
      }
      return result;
    }

    // Logs out, closes every connection and frees the library's state; pending requests are
    // forgotten (their replies can no longer come). Packets the game still holds stay valid.
    // Safe when not initialised; any init works again afterwards. The original SDK had no
    // shutdown; games need one for tests and editor reloads.
    public static void Shutdown()
    {
      CAPI.ovrnet_Shutdown();
      Callback.OnShutdown();
    }

    // The configured user id while initialised, else 0.
    public static ulong GetLoggedInUserID()
    {
      return CAPI.ovr_GetLoggedInUserID();
    }

    // Figures of the connection to a peer; false (stats zeroed) when there is none.
    public static bool GetStats(ulong peerID, out OvrnetStats stats)
    {
      if (!CAPI.ovrnet_Net_GetStats(peerID, out stats))
      {
        stats = new OvrnetStats();
        return false;
      }
      return true;
    }

    // Whether the connection to a peer goes straight to it or through the server's relay
    // (connections start relayed; None when there is no connection). See docs/NAT.md.
    public static PathType GetPathType(ulong peerID)
    {
      return CAPI.ovrnet_Net_GetPathType(peerID);
    }
  }

  // ovrnetPathType: the path a peer connection's data takes.
  public enum PathType
  {
    None = 0,
    Direct = 1,
    Relayed = 2,
  }
}
