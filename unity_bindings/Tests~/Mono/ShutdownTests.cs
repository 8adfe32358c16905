using System;
using System.Text;
using Oculus.Platform;

namespace Ovrnet.Tests
{
  static class ShutdownTests
  {
    public static void Run(Runner r, string server)
    {
      r.Group("shutdown");
      Packet held = null;

      r.Test("a packet held across Shutdown stays readable", delegate
      {
        held = P2PTests.NextPacketFromB("held");
        Oculus.Platform.Ovrnet.Shutdown();
        var bytes = new byte[held.Size];
        held.ReadBytes(bytes);
        Check.Equal("echo:held", Encoding.ASCII.GetString(bytes), "bytes after Shutdown");
        held.Dispose();
      });

      r.Test("after Shutdown calls refuse again", delegate
      {
        Oculus.Platform.Ovrnet.Shutdown(); // a second time is harmless
        Check.That(!Core.IsInitialized(), "still initialised");
        Check.Equal(0UL, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "user id");
        Check.That(Net.ReadPacket() == null, "ReadPacket");
        Check.That(!Net.SendPacket(World.B, new byte[] { 1 }, SendPolicy.Reliable), "SendPacket");
        Check.That(Net.Ping(World.B) == null, "Ping");
        Check.That(Message.PopMessage() == null, "PopMessage");
      });

      r.Test("init works again after Shutdown", delegate
      {
        Check.That(Oculus.Platform.Ovrnet.Initialize(server, World.A, "again"), "re-init refused");
        Check.Equal(World.A, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "user id");
        Oculus.Platform.Ovrnet.Shutdown();
        Check.That(!Core.IsInitialized(), "still initialised");
      });
    }
  }
}
