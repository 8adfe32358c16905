using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using Oculus.Platform;

namespace Ovrnet.Tests
{
  // Packet ownership: Dispose any number of times, from racing threads, or never (finalizer).
  // A double free would abort the process in the allocator, so surviving and still exchanging
  // data afterwards is the observable outcome.
  static class LifetimeTests
  {
    public static void Run(Runner r)
    {
      r.Group("packet lifetime");

      r.Test("Dispose twice is harmless; metadata survives, the bytes do not", delegate
      {
        Packet p = P2PTests.NextPacketFromB("twice");
        p.Dispose();
        p.Dispose();
        Check.Equal(World.B, p.SenderID, "sender after Dispose");
        Check.Equal(10UL, p.Size, "size after Dispose");
        Check.Equal(SendPolicy.Reliable, p.Policy, "policy after Dispose");
        Check.Throws<ObjectDisposedException>(delegate { p.ReadBytes(new byte[10]); }, "ReadBytes after Dispose");
      });

      r.Test("Dispose racing on two threads frees each packet once", delegate
      {
        List<Packet> packets = Collect("race", 100);
        foreach (Packet p in packets)
        {
          var go = new ManualResetEvent(false);
          var t1 = new Thread(delegate () { go.WaitOne(); p.Dispose(); });
          var t2 = new Thread(delegate () { go.WaitOne(); p.Dispose(); });
          t1.Start();
          t2.Start();
          go.Set();
          t1.Join();
          t2.Join();
        }
        StillWorks();
      });

      r.Test("packets never disposed are freed by the finalizer", delegate
      {
        const int count = 300;
        var weak = new List<WeakReference>();
        // Received and dropped on a thread that then ends, so no stack slot keeps one alive.
        var reader = new Thread(delegate () { ReceiveAndDrop("fin", count, weak); });
        reader.Start();
        Check.That(reader.Join(15000), "reader thread hung");
        Check.Equal(count, weak.Count, "packets received");
        for (int i = 0; i < 3; i++)
        {
          GC.Collect();
          GC.WaitForPendingFinalizers();
        }
        int alive = weak.FindAll(delegate (WeakReference w) { return w.IsAlive; }).Count;
        Check.Equal(0, alive, "packets still alive after collection");
        StillWorks();
      });
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void ReceiveAndDrop(string tag, int count, List<WeakReference> weak)
    {
      for (int i = 0; i < count; i++)
      {
        Net.SendPacket(World.B, Encoding.ASCII.GetBytes(tag + i), SendPolicy.Reliable);
      }
      var deadline = DateTime.UtcNow.AddSeconds(10);
      while (weak.Count < count && DateTime.UtcNow < deadline)
      {
        Packet p = Net.ReadPacket();
        if (p == null)
        {
          Thread.Sleep(1);
          continue;
        }
        weak.Add(new WeakReference(p));
      }
    }

    // Sends `count` tagged packets to B and returns the echoes as live Packets.
    static List<Packet> Collect(string tag, int count)
    {
      var packets = new List<Packet>();
      World.PacketSink = delegate (Packet p) { packets.Add(p); };
      try
      {
        for (int i = 0; i < count; i++)
        {
          Check.That(Net.SendPacket(World.B, Encoding.ASCII.GetBytes(tag + i), SendPolicy.Reliable), "send refused");
        }
        Check.That(World.Until(delegate { return packets.Count >= count; }, 10000), "only " + packets.Count + " echoes");
        return packets;
      }
      finally
      {
        World.PacketSink = null;
      }
    }

    static void StillWorks()
    {
      Packet p = P2PTests.NextPacketFromB("alive");
      using (p)
      {
        var bytes = new byte[p.Size];
        p.ReadBytes(bytes);
        Check.Equal("echo:alive", Encoding.ASCII.GetString(bytes), "traffic after the lifetime case");
      }
    }
  }
}
