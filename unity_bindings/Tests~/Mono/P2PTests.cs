using System;
using System.Collections.Generic;
using System.Text;
using Oculus.Platform;
using Oculus.Platform.Models;

namespace Ovrnet.Tests
{
  // Two users in two processes through a real server: this process (A) and child B, which
  // accepts every request and echoes every packet back with "echo:" in front.
  static class P2PTests
  {
    const int Secs = 1000;

    public static void Run(Runner r, PeerProcess b)
    {
      r.Group("p2p");

      r.Test("connect by lower id; the peer accepts in its PeerConnectRequest callback", delegate
      {
        Net.Connect(World.B);
        b.MustExpect("request " + World.A, 5 * Secs);
        Check.That(World.Until(delegate { return World.HasState(World.B, PeerConnectionState.Connected); }, 5 * Secs),
          "no ConnectionStateChange(B, Connected) here");
        b.MustExpect("state " + World.A + " Connected", 5 * Secs);
        Check.That(Net.IsConnected(World.B), "IsConnected(B) is false");
      });

      r.Test("reliable packets arrive once, in order and intact", delegate
      {
        const int count = 200;
        var sent = new List<string>();
        for (int i = 0; i < count; i++)
        {
          string text = "r:" + i + ":" + new string((char)('a' + i % 26), (i * 37) % 900 + 1);
          sent.Add(text);
          Check.That(Net.SendPacket(World.B, Encoding.ASCII.GetBytes(text), SendPolicy.Reliable), "SendPacket #" + i + " refused");
        }
        Check.That(World.Until(delegate { return Echoes("echo:r:").Count >= count; }, 10 * Secs),
          "only " + Echoes("echo:r:").Count + " of " + count + " echoes arrived");
        List<Received> got = World.TakeInbox(delegate (Received x) { return x.Text.StartsWith("echo:r:"); });
        Check.Equal(count, got.Count, "echo count (duplicates?)");
        for (int i = 0; i < count; i++)
        {
          Check.Equal("echo:" + sent[i], got[i].Text, "echo #" + i);
          Check.Equal(SendPolicy.Reliable, got[i].Policy, "policy of echo #" + i);
          Check.Equal(World.B, got[i].Sender, "sender of echo #" + i);
        }
      });

      r.Test("a 60000-byte reliable message round-trips intact", delegate
      {
        var big = new byte[60000];
        for (int i = 0; i < big.Length; i++) big[i] = (byte)(i * 7 + i / 251);
        big[0] = (byte)'B';
        Check.That(Net.SendPacket(World.B, big, SendPolicy.Reliable), "SendPacket refused");
        Check.That(World.Until(delegate { return Echoes("echo:B").Count == 1; }, 10 * Secs), "no echo");
        Received echo = World.TakeInbox(delegate (Received x) { return x.Text.StartsWith("echo:B"); })[0];
        Check.Equal(60005, echo.Bytes.Length, "echo size");
        for (int i = 0; i < big.Length; i++)
        {
          if (echo.Bytes[i + 5] != big[i]) throw new CheckFailed("byte " + i + " differs");
        }
      });

      r.Test("size limits: 65535 reliable and 1200 unreliable pass, one more byte is refused", delegate
      {
        Check.That(!Net.SendPacket(World.B, new byte[65536], SendPolicy.Reliable), "65536-byte reliable accepted");
        Check.That(!Net.SendPacket(World.B, new byte[1201], SendPolicy.Unreliable), "1201-byte unreliable accepted");
        Check.That(!Net.SendPacket(World.B, new byte[0], SendPolicy.Reliable), "empty packet accepted");
        Check.That(!Net.SendPacket(World.B, new byte[] { 1 }, SendPolicy.Unknown), "policy Unknown accepted");
        var max = new byte[65535];
        max[0] = (byte)'M';
        Check.That(Net.SendPacket(World.B, max, SendPolicy.Reliable), "65535-byte reliable refused");
        b.MustExpect("packet " + World.A + " Reliable 65535 M", 10 * Secs);
        var udp = new byte[1200];
        udp[0] = (byte)'U';
        // Unreliable may be lost; a few tries on loopback are plenty.
        bool arrived = false;
        for (int i = 0; i < 5 && !arrived; i++)
        {
          Check.That(Net.SendPacket(World.B, udp, SendPolicy.Unreliable), "1200-byte unreliable refused");
          arrived = b.Expect("packet " + World.A + " Unreliable 1200 U", Secs) != null;
        }
        Check.That(arrived, "no 1200-byte unreliable packet arrived in 5 tries");
      });

      r.Test("unreliable packets arrive as unreliable, without duplicates", delegate
      {
        const int count = 50;
        for (int i = 0; i < count; i++)
        {
          Check.That(Net.SendPacket(World.B, Encoding.ASCII.GetBytes("u:" + i), SendPolicy.Unreliable), "unreliable #" + i + " refused");
          World.Wait(2);
        }
        World.Until(delegate { return Echoes("echo:u:").Count >= count; }, 3 * Secs);
        List<Received> got = World.TakeInbox(delegate (Received x) { return x.Text.StartsWith("echo:u:"); });
        var seen = new HashSet<string>();
        foreach (Received x in got)
        {
          Check.Equal(SendPolicy.Unreliable, x.Policy, "policy of " + x.Text);
          Check.That(seen.Add(x.Text), "duplicate " + x.Text);
        }
        // Loopback loses nothing in practice; allow a little for a busy machine.
        Check.That(got.Count >= count * 9 / 10, "only " + got.Count + " of " + count + " unreliable echoes arrived");
      });

      r.Test("SendPacket(bytes, offset, length) sends exactly that slice", delegate
      {
        var buffer = new byte[200];
        for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)('A' + i % 26);
        Encoding.ASCII.GetBytes("slice", 0, 5, buffer, 13);
        Check.That(Net.SendPacket(World.B, buffer, 13, 50, SendPolicy.Reliable), "reliable slice refused");
        Check.That(Net.SendPacket(World.B, buffer, 13, 50, SendPolicy.Unreliable), "unreliable slice refused");
        Check.That(World.Until(delegate { return Echoes("echo:slice").Count >= 1; }, 5 * Secs), "no echo of the slice");
        World.Wait(100);
        foreach (Received x in World.TakeInbox(delegate (Received x) { return x.Text.StartsWith("echo:slice"); }))
        {
          Check.Equal(55, x.Bytes.Length, "echo size");
          for (int i = 0; i < 50; i++)
          {
            if (x.Bytes[5 + i] != buffer[13 + i]) throw new CheckFailed("slice byte " + i + " differs");
          }
        }
        Check.Throws<ArgumentOutOfRangeException>(delegate { Net.SendPacket(World.B, buffer, 190, 20, SendPolicy.Reliable); }, "slice past the end");
        Check.Throws<ArgumentOutOfRangeException>(delegate { Net.SendPacket(World.B, buffer, -1, 5, SendPolicy.Reliable); }, "negative offset");
        Check.Throws<ArgumentNullException>(delegate { Net.SendPacket(World.B, null, 0, 5, SendPolicy.Reliable); }, "null buffer");
      });

      r.Test("Packet.ReadBytes(buffer, offset) writes only its range", delegate
      {
        Packet packet = NextPacketFromB("offset-test");
        using (packet)
        {
          Check.Equal(World.B, packet.SenderID, "sender");
          Check.Equal(SendPolicy.Reliable, packet.Policy, "policy");
          Check.Equal(16UL, packet.Size, "size");
          var buffer = new byte[40];
          for (int i = 0; i < buffer.Length; i++) buffer[i] = 0xEE;
          Check.Equal(16UL, packet.ReadBytes(buffer, 7), "ReadBytes result");
          Check.Equal("echo:offset-test", Encoding.ASCII.GetString(buffer, 7, 16), "bytes at the offset");
          for (int i = 0; i < 7; i++) Check.Equal((byte)0xEE, buffer[i], "byte " + i + " before the range");
          for (int i = 23; i < 40; i++) Check.Equal((byte)0xEE, buffer[i], "byte " + i + " after the range");
          Check.Throws<ArgumentException>(delegate { packet.ReadBytes(new byte[15]); }, "too small a buffer");
          Check.Throws<ArgumentException>(delegate { packet.ReadBytes(buffer, 30); }, "offset leaving too little room");
          Check.Throws<ArgumentException>(delegate { packet.ReadBytes(buffer, -1); }, "negative offset");
        }
      });

      r.Test("Ping(...).OnComplete fires with the request id and a plausible RTT", delegate
      {
        Message<PingResult> reply = null;
        Request<PingResult> request = Net.Ping(World.B);
        Check.That(request != null && request.RequestID != 0, "Ping returned no request");
        request.OnComplete(delegate (Message<PingResult> msg) { reply = msg; });
        Check.That(World.Until(delegate { return reply != null; }, 5 * Secs), "OnComplete did not fire");
        Check.Equal(Message.MessageType.Notification_Networking_PingResult, reply.Type, "message type");
        Check.Equal(request.RequestID, reply.RequestID, "request id");
        Check.That(!reply.IsError, "error reply");
        Check.Equal(World.B, reply.Data.ID, "pinged peer");
        Check.That(!reply.Data.IsTimeout, "timed out");
        Check.That(reply.Data.PingTimeUsec > 0 && reply.Data.PingTimeUsec < 1000000, "RTT " + reply.Data.PingTimeUsec + " us on loopback");
        Check.That(reply.GetPingResult() == reply.Data, "GetPingResult() differs from Data");
      });

      r.Test("a ping without OnComplete reaches SetPingResultNotificationCallback", delegate
      {
        PingResult seen = null;
        Net.SetPingResultNotificationCallback(delegate (Message<PingResult> msg) { seen = msg.Data; });
        Check.That(Net.Ping(World.B) != null, "Ping returned null");
        Check.That(World.Until(delegate { return seen != null; }, 5 * Secs), "notification callback did not fire");
        Check.Equal(World.B, seen.ID, "pinged peer");
        Check.That(!seen.IsTimeout, "timed out");
      });

      r.Test("a ping over no connection reports a timeout", delegate
      {
        PingResult result = null;
        Net.Ping(777).OnComplete(delegate (Message<PingResult> msg) { result = msg.Data; });
        Check.That(World.Until(delegate { return result != null; }, 5 * Secs), "OnComplete did not fire");
        Check.That(result.IsTimeout, "not a timeout");
        Check.Equal(0UL, result.PingTimeUsec, "ping time of a timeout");
        Check.Equal(777UL, result.ID, "pinged peer");
      });

      r.Test("Ovrnet.GetStats reads the connection's figures", delegate
      {
        OvrnetStats stats;
        Check.That(Oculus.Platform.Ovrnet.GetStats(World.B, out stats), "GetStats(B) false");
        Check.That(stats.RttUsec > 0 && stats.RttUsec < 1000000, "RTT " + stats.RttUsec);
        Check.That(stats.MessagesSent >= 200, "messages sent " + stats.MessagesSent);
        Check.That(stats.MessagesReceived >= 200, "messages received " + stats.MessagesReceived);
        Check.That(stats.BytesSent > 60000, "bytes sent " + stats.BytesSent);
        Check.That(stats.Loss >= 0.0 && stats.Loss <= 1.0, "loss " + stats.Loss);
        Check.That(!Oculus.Platform.Ovrnet.GetStats(777, out stats), "GetStats(777) true");
      });

      r.Test("Ovrnet.GetPathType: the connection is direct on one machine, none without one", delegate
      {
        Check.That(World.Until(delegate { return Oculus.Platform.Ovrnet.GetPathType(World.B) == PathType.Direct; }, 3 * Secs),
          "path to B is " + Oculus.Platform.Ovrnet.GetPathType(World.B));
        Check.Equal(PathType.None, Oculus.Platform.Ovrnet.GetPathType(777), "path to a stranger");
      });

      r.Test("Close: both sides see Closed; the peer reconnects and we accept in the callback", delegate
      {
        World.Requests.Clear();
        World.States.Clear();
        Net.Close(World.B);
        Check.That(World.Until(delegate { return World.HasState(World.B, PeerConnectionState.Closed); }, 5 * Secs), "no Closed here");
        b.MustExpect("state " + World.A + " Closed", 5 * Secs);
        Check.That(!Net.IsConnected(World.B), "still connected after Close");
        b.Send("connect " + World.A);
        Check.That(World.Until(delegate { return World.Requests.Exists(delegate (NetworkingPeer p) { return p.ID == World.B; }); }, 5 * Secs),
          "no PeerConnectRequest from B");
        Check.That(World.Until(delegate { return World.HasState(World.B, PeerConnectionState.Connected); }, 5 * Secs), "not connected again");
        b.MustExpect("state " + World.A + " Connected", 5 * Secs);
        Check.That(Net.IsConnected(World.B), "IsConnected(B) false after reconnect");
      });

      r.Test("connecting to a user who is not online ends in Timeout", delegate
      {
        Net.Connect(777);
        Check.That(World.Until(delegate { return World.HasState(777, PeerConnectionState.Timeout); }, 8 * Secs), "no Timeout for 777");
        Check.That(!Net.IsConnected(777), "connected to nobody");
      });
    }

    static List<Received> Echoes(string prefix)
    {
      return World.Inbox.FindAll(delegate (Received x) { return x.Text.StartsWith(prefix); });
    }

    // Sends `text` to B and returns B's echo as a live Packet (owned by the caller).
    internal static Packet NextPacketFromB(string text)
    {
      Packet captured = null;
      World.PacketSink = delegate (Packet p)
      {
        if (captured == null && p.Size == (ulong)(text.Length + 5)) captured = p;
        else p.Dispose();
      };
      try
      {
        Check.That(Net.SendPacket(World.B, Encoding.ASCII.GetBytes(text), SendPolicy.Reliable), "SendPacket refused");
        Check.That(World.Until(delegate { return captured != null; }, 5000), "no echo of " + text);
        return captured;
      }
      finally
      {
        World.PacketSink = null;
      }
    }
  }
}
