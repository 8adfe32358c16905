using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using Oculus.Platform;
using Oculus.Platform.Models;
using OvrnetSamples.AvatarSync;

namespace Ovrnet.Tests
{
  // The child process: one more user, driven by stdin commands, reporting on stdout as
  // `EVT <what> <words...>`. It initialises the drop-in way (Core.AsyncInitialize, configured by
  // the environment or OVRNET_CONFIG), accepts every connect request through the callback, and
  // echoes each packet back with the same policy prefixed by "echo:" (unless it already is an
  // echo, or the echo would exceed the policy's size limit). On `avatar <peer>` it runs the
  // AvatarSync sample's session instead of echoing, until `avatar-stop`.
  static class PeerMain
  {
    static readonly Queue<string> Commands = new Queue<string>();
    static bool quit;
    static AvatarSyncSession avatar;
    static ulong avatarPeer;
    static readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

    public static int Run(ulong expectedUser)
    {
      var stdin = new Thread(delegate ()
      {
        string line;
        while ((line = Console.In.ReadLine()) != null)
        {
          lock (Commands) { Commands.Enqueue(line); }
        }
        lock (Commands) { Commands.Enqueue("quit"); }
      });
      stdin.IsBackground = true;
      stdin.Start();

      InstallEchoCallbacks();

      var init = Core.AsyncInitialize();
      if (init == null)
      {
        Emit("initfailed start");
        return 3;
      }
      init.OnComplete(delegate (Message<PlatformInitialize> msg)
      {
        if (msg.IsError) Emit("initfailed " + msg.GetError().Code + " " + msg.GetError().Message);
        else Emit("ready " + Oculus.Platform.Ovrnet.GetLoggedInUserID() + " " + msg.Data.Result + " " + expectedUser);
      });

      // Room for the largest reliable packet plus the "echo:" prefix.
      var buffer = new byte[65535 + 5];
      while (!quit)
      {
        string command = null;
        lock (Commands)
        {
          if (Commands.Count > 0) command = Commands.Dequeue();
        }
        if (command != null)
        {
          try
          {
            Execute(command.Split(new[] { ' ' }, 3));
          }
          catch (Exception e)
          {
            // Reported, not fatal: the test names the failing call (e.g. a missing export).
            Emit("failed " + command.Split(' ')[0] + " " + e.GetType().Name + ": " + e.Message);
          }
        }
        Request.RunCallbacks();
        try
        {
          if (avatar != null)
          {
            float now = (float)clock.Elapsed.TotalSeconds;
            avatar.Update(now, new Pose { PX = now, RW = 1 }); // walks along +x at 1 unit/s
          }
          else
          {
            EchoPackets(buffer);
          }
        }
        catch (Exception e)
        {
          Emit("failed packet " + e.GetType().Name + ": " + e.Message);
        }
        Thread.Sleep(1);
      }
      Oculus.Platform.Ovrnet.Shutdown();
      Emit("bye");
      return 0;
    }

    static void InstallEchoCallbacks()
    {
      Net.SetPeerConnectRequestCallback(delegate (Message<NetworkingPeer> msg)
      {
        Emit("request " + msg.Data.ID);
        Net.Accept(msg.Data.ID);
      });
      Net.SetConnectionStateChangedCallback(delegate (Message<NetworkingPeer> msg)
      {
        Emit("state " + msg.Data.ID + " " + msg.Data.State);
      });
      Rooms.SetUpdateNotificationCallback(delegate (Message<Room> msg)
      {
        if (msg.IsError || msg.Data == null) return;
        string mode;
        bool hasMode = msg.Data.DataStore.TryGetValue("mode", out mode);
        Emit("roomupdate " + msg.Data.ID + " " + Ids(msg.Data) + " mode=" + (hasMode ? mode : "-"));
      });
    }

    static void EchoPackets(byte[] buffer)
    {
      Packet p;
      while ((p = Net.ReadPacket()) != null)
      {
        using (p)
        {
          int size = (int)p.Size;
          p.ReadBytes(buffer, 5);
          Emit("packet " + p.SenderID + " " + p.Policy + " " + size + " " + Preview(buffer, 5, size));
          bool isEcho = size >= 5 && Encoding.ASCII.GetString(buffer, 5, 5) == "echo:";
          int limit = p.Policy == SendPolicy.Reliable ? 65535 : 1200;
          if (!isEcho && size + 5 <= limit)
          {
            Encoding.ASCII.GetBytes("echo:", 0, 5, buffer, 0);
            Net.SendPacket(p.SenderID, buffer, 0, size + 5, p.Policy);
          }
        }
      }
    }

    static void Execute(string[] w)
    {
      switch (w[0])
      {
        case "quit":
          quit = true;
          break;
        case "connect":
          Net.Connect(ulong.Parse(w[1]));
          break;
        case "close":
          Net.Close(ulong.Parse(w[1]));
          break;
        case "send":
          {
            // send <peer> <policy> <text>
            string[] rest = w[2].Split(new[] { ' ' }, 2);
            var policy = (SendPolicy)Enum.Parse(typeof(SendPolicy), rest[0]);
            Emit("sent " + Net.SendPacket(ulong.Parse(w[1]), Encoding.UTF8.GetBytes(rest[1]), policy));
            break;
          }
        case "sendroom":
          {
            var policy = (SendPolicy)Enum.Parse(typeof(SendPolicy), w[1]);
            Emit("sendroom " + Net.SendPacketToCurrentRoom(Encoding.UTF8.GetBytes(w[2]), policy));
            break;
          }
        case "avatar":
          avatarPeer = ulong.Parse(w[1]);
          avatar = new AvatarSyncSession(Oculus.Platform.Ovrnet.GetLoggedInUserID());
          avatar.AddRemote(avatarPeer);
          Emit("avatar started");
          break;
        case "avatar-stop":
          {
            RemoteAvatar remote = avatar.Remote(avatarPeer);
            Emit("avatarstats " + remote.UpdatesReceived + " " + remote.State + " " + avatar.PacketsSent);
            avatar = null;
            InstallEchoCallbacks();
            break;
          }
        case "acceptroom":
          Emit("acceptroom " + Net.AcceptForCurrentRoom());
          break;
        case "join":
          {
            var options = new RoomOptions();
            options.SetTurnOffUpdates(false);
            Rooms.Join2(ulong.Parse(w[1]), options).OnComplete(delegate (Message<Room> msg) { Report("joined", msg); });
            options.Dispose();
            break;
          }
        case "leave":
          Rooms.Leave(ulong.Parse(w[1])).OnComplete(delegate (Message<Room> msg) { Report("left", msg); });
          break;
        default:
          Emit("unknown " + string.Join(" ", w));
          break;
      }
    }

    static void Report(string what, Message<Room> msg)
    {
      if (msg.IsError) Emit(what + "error " + msg.GetError().Code + " " + msg.GetError().Message);
      else Emit(what + " " + msg.Data.ID + " " + Ids(msg.Data));
    }

    static string Ids(Room room)
    {
      var ids = new List<string>();
      foreach (User u in room.Users) ids.Add(u.ID.ToString());
      ids.Sort(StringComparer.Ordinal);
      return ids.Count == 0 ? "-" : string.Join(",", ids.ToArray());
    }

    static string Preview(byte[] buffer, int offset, int size)
    {
      var sb = new StringBuilder();
      for (int i = 0; i < size && i < 48; i++)
      {
        byte b = buffer[offset + i];
        sb.Append(b > 32 && b < 127 ? (char)b : '.');
      }
      return sb.Length == 0 ? "-" : sb.ToString();
    }

    static void Emit(string line)
    {
      Console.Out.WriteLine("EVT " + line);
      Console.Out.Flush();
    }
  }
}
