using System;
using Oculus.Platform;
using Oculus.Platform.Models;

namespace Ovrnet.Tests
{
  // Everything a game might call before the platform is up: nothing may throw or crash, calls
  // that return bool give false, those that return objects give null. Also the init refusals.
  static class BeforeInitTests
  {
    public static void Run(Runner r)
    {
      r.Group("before init");
      byte[] data = { 1, 2, 3 };

      r.Test("the platform reports itself uninitialised", delegate
      {
        Check.That(!Core.IsInitialized(), "Core.IsInitialized() is true");
        Check.Equal(0UL, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "logged-in user id");
      });

      r.Test("Net calls returning bool give false", delegate
      {
        Check.That(!Net.SendPacket(World.B, data, SendPolicy.Reliable), "SendPacket");
        Check.That(!Net.SendPacket(World.B, data, 1, 2, SendPolicy.Reliable), "SendPacket(offset, length)");
        Check.That(!Net.SendPacketToCurrentRoom(data, SendPolicy.Reliable), "SendPacketToCurrentRoom");
        Check.That(!Net.IsConnected(World.B), "IsConnected");
        Check.That(!Net.AcceptForCurrentRoom(), "AcceptForCurrentRoom");
        OvrnetStats stats;
        Check.That(!Oculus.Platform.Ovrnet.GetStats(World.B, out stats), "GetStats");
        Check.Equal(PathType.None, Oculus.Platform.Ovrnet.GetPathType(World.B), "GetPathType");
      });

      r.Test("Net calls returning objects give null, void calls do nothing", delegate
      {
        Check.That(Net.ReadPacket() == null, "ReadPacket");
        Check.That(Net.Ping(World.B) == null, "Ping");
        Net.Connect(World.B);
        Net.Accept(World.B);
        Net.Close(World.B);
        Net.CloseForCurrentRoom();
      });

      r.Test("the message pump is empty and harmless", delegate
      {
        Check.That(Message.PopMessage() == null, "PopMessage");
        Request.RunCallbacks();
        Request.RunCallbacks(5);
      });

      r.Test("Rooms requests give null", delegate
      {
        Check.That(Rooms.GetCurrent() == null, "GetCurrent");
        Check.That(Rooms.Get(1) == null, "Get");
        Check.That(Rooms.Leave(1) == null, "Leave");
        Check.That(Rooms.Join2(1, null) == null, "Join2");
        Check.That(Rooms.CreateAndJoinPrivate2(RoomJoinPolicy.Everyone, 4, null) == null, "CreateAndJoinPrivate2");
      });

      r.Test("Ovrnet.Initialize refuses an incomplete configuration", delegate
      {
        Check.That(!Oculus.Platform.Ovrnet.Initialize(new OvrnetConfig { UserId = World.A }), "accepted a config without server");
        Check.That(!Oculus.Platform.Ovrnet.Initialize(new OvrnetConfig { ServerAddress = "127.0.0.1:1", UserId = 0 }), "accepted user id 0");
        Check.That(!Core.IsInitialized(), "initialised after a refusal");
      });

      r.Test("the drop-in inits refuse when no configuration is present", delegate
      {
        // The test process has no OVRNET_* variables (the script clears them).
        PlatformInitializeResult result = Oculus.Platform.Ovrnet.InitializeFromConfiguration();
        Check.That(result != PlatformInitializeResult.Success, "InitializeFromConfiguration succeeded without configuration");
        Core.Initialize();
        Check.That(Core.IsInitialized() == false, "Core.Initialize succeeded without configuration");
        Check.That(Core.AsyncInitialize() == null, "AsyncInitialize started without configuration");
      });
    }
  }
}
