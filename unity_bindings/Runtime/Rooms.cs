using System;
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

    // The current room changed (someone joined, left, or the data store changed).
    public static void SetUpdateNotificationCallback(Message<Room>.Callback callback)
    {
      Callback.SetNotificationCallback(Message.MessageType.Notification_Room_RoomUpdate, callback);
    }

    private static bool Initialized()
    {
      if (Core.IsInitialized())
      {
        return true;
      }
      OvrnetLog.Error(Core.PlatformUninitializedError);
      return false;
    }
  }
}
