using System;
using Oculus.Platform;

namespace Ovrnet.Tests
{
  static class InitTests
  {
    public static bool Run(Runner r, string server)
    {
      r.Group("init");
      bool up = false;
      r.Test("Ovrnet.Initialize with server, user id and credential", delegate
      {
        var config = new OvrnetConfig
        {
          ServerAddress = server,
          UserId = World.A,
          Credential = "secret-ü-" + World.A, // non-ASCII: the credential crosses as UTF-8
          BindAddress = "127.0.0.1",
          ConnectTimeoutMs = 2000,
          IdleTimeoutMs = 4000,
        };
        Check.That(Oculus.Platform.Ovrnet.Initialize(config), "Initialize returned false");
        up = true;
        Check.That(Core.IsInitialized(), "Core.IsInitialized() after init");
        Check.Equal(World.A, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "logged-in user id");
      });
      r.Test("a second init is refused and leaves the first running", delegate
      {
        Check.That(!Oculus.Platform.Ovrnet.Initialize(server, World.A + 1, "x"), "second Initialize returned true");
        Check.That(Core.IsInitialized(), "no longer initialised");
        Check.Equal(World.A, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "logged-in user id");
      });
      return up;
    }
  }
}
