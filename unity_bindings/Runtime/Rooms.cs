using System;
using System.Collections.Generic;
using Oculus.Platform.Models;

namespace Oculus.Platform
{
  // Private rooms: a user is in at most one; members see each other through RoomUpdate and can
  // use the room-scoped Net calls. Every request returns null before initialisation.
  public static class Rooms
  {
    public static Request<Room> CreateAndJoinPrivate2(RoomJoinPolicy joinPolicy, uint maxUsers, RoomOptions roomOptions)
    {
      if (!Initialized())
      {
        return null;
      }
      return new Request<Room>(CAPI.ovr_Room_CreateAndJoinPrivate2(joinPolicy, maxUsers, (IntPtr)roomOptions));
    }

    // The original, pre-options form; kept so older games compile.
    public static Request<Room> CreateAndJoinPrivate(RoomJoinPolicy joinPolicy, uint maxUsers, bool subscribeToUpdates = false)
    {
      if (!Initialized())
      {
        return null;
      }
      using (var options = new RoomOptions())
      {
        options.SetTurnOffUpdates(!subscribeToUpdates);
        return new Request<Room>(CAPI.ovr_Room_CreateAndJoinPrivate2(joinPolicy, maxUsers, (IntPtr)options));
      }
    }

    // Joins a room, leaving the current one.
    public static Request<Room> Join2(ulong roomID, RoomOptions roomOptions)
    {
      if (!Initialized())
      {
        return null;
      }
      return new Request<Room>(CAPI.ovr_Room_Join2(roomID, (IntPtr)roomOptions));
    }

    // The original, pre-options form; kept so older games compile.
    public static Request<Room> Join(ulong roomID, bool subscribeToUpdates = false)
    {
      if (!Initialized())
      {
        return null;
      }
      using (var options = new RoomOptions())
      {
        options.SetTurnOffUpdates(!subscribeToUpdates);
        return new Request<Room>(CAPI.ovr_Room_Join2(roomID, (IntPtr)options));
      }
    }

    public static Request<Room> Leave(ulong roomID)
    {
      if (!Initialized())
      {
        return null;
      }
      return new Request<Room>(CAPI.ovr_Room_Leave(roomID));
    }

    public static Request<Room> GetCurrent()
    {
      if (!Initialized())
      {
        return null;
      }
      return new Request<Room>(CAPI.ovr_Room_GetCurrent());
    }

    public static Request<Room> Get(ulong roomID)
    {
      if (!Initialized())
      {
        return null;
      }
      return new Request<Room>(CAPI.ovr_Room_Get(roomID));
    }

    // Owner only: merges `data` into the room's data store; a key with an empty value is
    // removed. Members get a RoomUpdate with the new store.
    public static Request<Room> UpdateDataStore(ulong roomID, Dictionary<string, string> data)
    {
      if (!Initialized())
      {
        return null;
      }
      if (data == null)
      {
        throw new ArgumentNullException("data");
      }
      var pairs = new CAPI.ovrKeyValuePair[data.Count];
      try
      {
        int i = 0;
        foreach (KeyValuePair<string, string> entry in data)
        {
          pairs[i].key = Utf8.AllocNative(entry.Key);
          pairs[i].valueType = CAPI.KeyValuePairType_String;
          pairs[i].stringValue = Utf8.AllocNative(entry.Value ?? string.Empty);
          i++;
        }
        return new Request<Room>(CAPI.ovr_Room_UpdateDataStore(roomID, pairs, (uint)pairs.Length));
      }
      finally
      {
        foreach (CAPI.ovrKeyValuePair pair in pairs)
        {
          Utf8.FreeNative(pair.key);
          Utf8.FreeNative(pair.stringValue);
        }
      }
    }

    // The current room changed (someone joined, left, or the data store changed).
    public static void SetUpdateNotificationCallback(Message<Room>.Callback callback)
    {
      Callback.SetNotificationCallback(Message.MessageType.Notification_Room_RoomUpdate, callback);
    }

    private static bool Initialized()
    {
      return Core.InitializedOrLog();
    }
  }
}
