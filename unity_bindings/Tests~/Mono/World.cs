using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using Oculus.Platform;
using Oculus.Platform.Models;

namespace Ovrnet.Tests
{
  // A packet copied out of a Packet, so cases can inspect it after it was freed.
  sealed class Received
  {
    public ulong Sender;
    public SendPolicy Policy;
    public byte[] Bytes;

    public string Text { get { return Encoding.UTF8.GetString(Bytes); } }
  }

  // The test process's side of the network: user ids, what arrived, and the pump. Every wait in
  // the suite goes through Until, which keeps pumping messages and packets on this (the main)
  // thread the way a game's Update does.
  static class World
  {
    public const ulong A = 101; // this process
    public const ulong B = 202; // child process, initialised from the environment
    public const ulong C = 303; // child process, initialised from an OVRNET_CONFIG file

    public static readonly List<Received> Inbox = new List<Received>();
    public static readonly List<NetworkingPeer> Requests = new List<NetworkingPeer>();
    public static readonly List<NetworkingPeer> States = new List<NetworkingPeer>();
    public static readonly List<Room> RoomUpdates = new List<Room>();
    public static readonly List<string> Logged = new List<string>();
    public static int MainThread;

    // When set, receives each packet instead of the default copy-and-dispose.
    public static Action<Packet> PacketSink;
    public static bool AutoAccept = true;

    public static void InstallHandlers()
    {
      MainThread = Thread.CurrentThread.ManagedThreadId;
      Oculus.Platform.Ovrnet.LogHandler = delegate (string text)
      {
        lock (Logged) { Logged.Add(text); }
        Console.Error.WriteLine(text);
      };
      Net.SetPeerConnectRequestCallback(delegate (Message<NetworkingPeer> msg)
      {
        Requests.Add(msg.Data);
        if (AutoAccept)
        {
          Net.Accept(msg.Data.ID);
        }
      });
      Net.SetConnectionStateChangedCallback(delegate (Message<NetworkingPeer> msg) { States.Add(msg.Data); });
      Rooms.SetUpdateNotificationCallback(delegate (Message<Room> msg)
      {
        if (!msg.IsError && msg.Data != null)
        {
          RoomUpdates.Add(msg.Data);
        }
      });
    }

    public static void Pump()
    {
      Request.RunCallbacks();
      Packet p;
      while ((p = Net.ReadPacket()) != null)
      {
        if (PacketSink != null)
        {
          PacketSink(p);
          continue;
        }
        var bytes = new byte[p.Size];
        p.ReadBytes(bytes);
        Inbox.Add(new Received { Sender = p.SenderID, Policy = p.Policy, Bytes = bytes });
        p.Dispose();
      }
    }

    public static bool Until(Func<bool> condition, int timeoutMs)
    {
      var clock = Stopwatch.StartNew();
      while (clock.ElapsedMilliseconds < timeoutMs)
      {
        Pump();
        if (condition())
        {
          return true;
        }
        Thread.Sleep(1);
      }
      Pump();
      return condition();
    }

    public static void Wait(int ms)
    {
      Until(delegate { return false; }, ms);
    }

    public static bool HasState(ulong peer, PeerConnectionState state)
    {
      return States.Exists(delegate (NetworkingPeer p) { return p.ID == peer && p.State == state; });
    }

    public static List<Received> TakeInbox(Func<Received, bool> match)
    {
      var taken = new List<Received>();
      Inbox.RemoveAll(delegate (Received r)
      {
        if (!match(r)) return false;
        taken.Add(r);
        return true;
      });
      return taken;
    }

    public static bool LoggedContains(string fragment)
    {
      lock (Logged)
      {
        return Logged.Exists(delegate (string s) { return s.Contains(fragment); });
      }
    }
  }
}
