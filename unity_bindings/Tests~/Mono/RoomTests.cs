using System;
using System.Collections.Generic;
using System.Linq;
using Oculus.Platform;
using Oculus.Platform.Models;

namespace Ovrnet.Tests
{
  // Rooms with three users in three processes: A (here) creates, B and C join. Each case builds
  // on the previous one; if creating fails, the rest report that instead of guessing.
  static class RoomTests
  {
    const int Secs = 1000;
    static ulong roomId;

    public static void Run(Runner r, PeerProcess b, PeerProcess c, string headerPath)
    {
      r.Group("rooms");

      r.Test("the header declares the room ABI the wrapper uses beyond the getters", delegate
      {
        Dictionary<string, long> header = AbiTests.HeaderConstants(headerPath);
        long value;
        Check.That(header.TryGetValue("ovrMessage_Room_UpdateDataStore", out value), "no ovrMessage_Room_UpdateDataStore");
        Check.Equal((long)Message.MessageType.Room_UpdateDataStore, value, "ovrMessage_Room_UpdateDataStore");
        AbiTests.CompareStruct(System.IO.File.ReadAllText(headerPath), "ovrKeyValuePair",
          typeof(CAPI).GetNestedType("ovrKeyValuePair", System.Reflection.BindingFlags.NonPublic));
      });

      r.Test("CreateAndJoinPrivate2 with options creates a room we own", delegate
      {
        Message<Room> reply = null;
        var options = new RoomOptions();
        options.SetDataStore("mode", "capture-the-flag");
        options.SetDataStore("map", "château"); // non-ASCII survives both ways
        options.SetTurnOffUpdates(false);
        Request<Room> request = Rooms.CreateAndJoinPrivate2(RoomJoinPolicy.Everyone, 4, options);
        options.Dispose();
        Check.That(request != null && request.RequestID != 0, "no request");
        request.OnComplete(delegate (Message<Room> msg) { reply = msg; });
        Check.That(World.Until(delegate { return reply != null; }, 5 * Secs), "no reply");
        Check.That(!reply.IsError, "error: " + (reply.IsError ? reply.GetError().Message : ""));
        Check.Equal(Message.MessageType.Room_CreateAndJoinPrivate2, reply.Type, "reply type");
        Room room = reply.Data;
        Check.That(room.ID != 0, "room id 0");
        Check.Equal(World.A, room.Owner.ID, "owner");
        Check.Equal("101", Ids(room), "members");
        Check.Equal(4U, room.MaxUsers, "max users");
        Check.Equal(RoomJoinPolicy.Everyone, room.JoinPolicy, "join policy");
        Check.That(room.DataStore.ContainsKey("mode") && room.DataStore["mode"] == "capture-the-flag", "data store 'mode'");
        Check.That(room.DataStore.ContainsKey("map") && room.DataStore["map"] == "château", "data store 'map'");
        roomId = room.ID;
      });

      r.Test("others join; every member sees RoomUpdate with the full member list", delegate
      {
        NeedRoom();
        World.RoomUpdates.Clear();
        b.Send("join " + roomId);
        string[] joined = b.MustExpect("joined " + roomId, 5 * Secs);
        Check.Equal("101,202", joined[0], "members B saw on joining");
        c.Send("join " + roomId);
        c.MustExpect("joined " + roomId, 5 * Secs);
        Check.That(World.Until(delegate { return World.RoomUpdates.Exists(delegate (Room x) { return Ids(x) == "101,202,303"; }); }, 5 * Secs),
          "no RoomUpdate listing all three here; saw " + string.Join(" | ", World.RoomUpdates.Select(delegate (Room x) { return Ids(x); }).ToArray()));
        b.MustExpect("roomupdate " + roomId + " 101,202,303", 5 * Secs);
      });

      r.Test("the owner's UpdateDataStore merges pairs and reaches members in a RoomUpdate", delegate
      {
        NeedRoom();
        Message<Room> reply = null;
        var changes = new Dictionary<string, string> { { "mode", "king-of-the-hill" }, { "map", "" } };
        Rooms.UpdateDataStore(roomId, changes).OnComplete(delegate (Message<Room> msg) { reply = msg; });
        Check.That(World.Until(delegate { return reply != null; }, 5 * Secs), "no reply");
        Check.That(!reply.IsError, "error: " + (reply.IsError ? reply.GetError().Message : ""));
        Check.Equal("king-of-the-hill", reply.Data.DataStore["mode"], "merged value");
        Check.That(!reply.Data.DataStore.ContainsKey("map"), "a pair with an empty value was not removed");
        b.MustExpect("roomupdate " + roomId + " 101,202,303 mode=king-of-the-hill", 5 * Secs);
        c.MustExpect("roomupdate " + roomId + " 101,202,303 mode=king-of-the-hill", 5 * Secs);
      });

      r.Test("GetCurrent and Get return the room", delegate
      {
        NeedRoom();
        Message<Room> current = null;
        Message<Room> byId = null;
        Rooms.GetCurrent().OnComplete(delegate (Message<Room> msg) { current = msg; });
        Rooms.Get(roomId).OnComplete(delegate (Message<Room> msg) { byId = msg; });
        Check.That(World.Until(delegate { return current != null && byId != null; }, 5 * Secs), "no replies");
        Check.That(!current.IsError && !byId.IsError, "error reply");
        Check.Equal(roomId, current.Data.ID, "GetCurrent room");
        Check.Equal(roomId, byId.Data.ID, "Get room");
        Check.Equal("101,202,303", Ids(byId.Data), "members");
      });

      r.Test("SendPacketToCurrentRoom reaches every other member", delegate
      {
        NeedRoom();
        Check.That(Net.AcceptForCurrentRoom(), "AcceptForCurrentRoom false inside a room");
        Check.That(Net.SendPacketToCurrentRoom(System.Text.Encoding.ASCII.GetBytes("room-hello"), SendPolicy.Reliable), "refused");
        b.MustExpect("packet " + World.A + " Reliable 10 room-hello", 5 * Secs);
        c.MustExpect("packet " + World.A + " Reliable 10 room-hello", 5 * Secs);
        b.Send("sendroom Reliable from-b");
        b.MustExpect("sendroom True", 5 * Secs);
        c.MustExpect("packet " + World.B + " Reliable 6 from-b", 5 * Secs);
        Check.That(World.Until(delegate { return World.Inbox.Exists(delegate (Received x) { return x.Sender == World.B && x.Text == "from-b"; }); }, 5 * Secs),
          "B's room packet did not reach A");
      });

      r.Test("a member leaving pushes an update to the others", delegate
      {
        NeedRoom();
        World.RoomUpdates.Clear();
        b.Send("leave " + roomId);
        b.MustExpect("left", 5 * Secs);
        Check.That(World.Until(delegate { return World.RoomUpdates.Exists(delegate (Room x) { return Ids(x) == "101,303"; }); }, 5 * Secs),
          "no RoomUpdate without B");
        c.MustExpect("roomupdate " + roomId + " 101,303", 5 * Secs);
      });

      r.Test("joining a room that does not exist replies with an error", delegate
      {
        Message<Room> reply = null;
        Rooms.Join2(987654321, null).OnComplete(delegate (Message<Room> msg) { reply = msg; });
        Check.That(World.Until(delegate { return reply != null; }, 5 * Secs), "no reply");
        Check.That(reply.IsError, "no error");
        Check.That(reply.GetError() != null && !string.IsNullOrEmpty(reply.GetError().Message), "error without a message");
        Check.That(reply.Data == null, "error reply carries a room");
      });

      r.Test("outside a room the room-scoped calls refuse", delegate
      {
        NeedRoom();
        Message<Room> left = null;
        Rooms.Leave(roomId).OnComplete(delegate (Message<Room> msg) { left = msg; });
        Check.That(World.Until(delegate { return left != null; }, 5 * Secs), "no reply to Leave");
        Check.That(!left.IsError, "Leave failed");
        Check.That(!Net.SendPacketToCurrentRoom(new byte[] { 1 }, SendPolicy.Reliable), "SendPacketToCurrentRoom true outside a room");
        Check.That(!Net.AcceptForCurrentRoom(), "AcceptForCurrentRoom true outside a room");
      });
    }

    static void NeedRoom()
    {
      if (roomId == 0) throw new CheckFailed("no room (creating it failed above)");
    }

    // Sorted member ids, comma-separated.
    internal static string Ids(Room room)
    {
      var ids = new List<ulong>();
      foreach (User u in room.Users) ids.Add(u.ID);
      ids.Sort();
      return string.Join(",", ids.Select(delegate (ulong id) { return id.ToString(); }).ToArray());
    }
  }
}
