using System;
using Oculus.Platform.Models;

namespace Oculus.Platform
{
  // Peer-to-peer networking by user ID, as in the original SDK. Every call is safe before
  // initialisation: those returning bool give false, ReadPacket and Ping give null, the rest do
  // nothing.
  public static class Net
  {
    public static Packet ReadPacket()
    {
      IntPtr handle = CAPI.ovr_Net_ReadPacket();
      return handle == IntPtr.Zero ? null : new Packet(handle);
    }

    // Sends the whole array. Reliable: up to 65535 bytes, connects implicitly, delivered once
    // and in order. Unreliable: up to 1200 bytes, only once connected. False when nothing was
    // queued (the library logs why).
    public static bool SendPacket(ulong userID, byte[] bytes, SendPolicy policy)
    {
      if (bytes == null)
      {
        return false;
      }
      return CAPI.ovr_Net_SendPacket(userID, (UIntPtr)(uint)bytes.Length, bytes, policy);
    }

    // Sends `length` bytes starting at `offset`, so a game can serialise into one reusable
    // buffer (no garbage per frame). Throws like Array.Copy when the range lies outside it.
    public static bool SendPacket(ulong userID, byte[] bytes, int offset, int length, SendPolicy policy)
    {
      CheckRange(bytes, offset, length);
      unsafe
      {
        fixed (byte* start = bytes)
        {
          return CAPI.ovr_Net_SendPacket_Pointer(userID, (UIntPtr)(uint)length, (IntPtr)(start + offset), policy);
        }
      }
    }

    // Sends to every other member of the current room; false if not in a room.
    public static bool SendPacketToCurrentRoom(byte[] bytes, SendPolicy policy)
    {
      if (bytes == null)
      {
        return false;
      }
      return CAPI.ovr_Net_SendPacketToCurrentRoom((UIntPtr)(uint)bytes.Length, bytes, policy);
    }

    public static bool SendPacketToCurrentRoom(byte[] bytes, int offset, int length, SendPolicy policy)
    {
      CheckRange(bytes, offset, length);
      unsafe
      {
        fixed (byte* start = bytes)
        {
          return CAPI.ovr_Net_SendPacketToCurrentRoom_Pointer((UIntPtr)(uint)length, (IntPtr)(start + offset), policy);
        }
      }
    }

    public static void Connect(ulong userID)
    {
      CAPI.ovr_Net_Connect(userID);
    }

    public static void Accept(ulong userID)
    {
      CAPI.ovr_Net_Accept(userID);
    }

    public static bool AcceptForCurrentRoom()
    {
      return CAPI.ovr_Net_AcceptForCurrentRoom();
    }

    public static void Close(ulong userID)
    {
      CAPI.ovr_Net_Close(userID);
    }

    public static void CloseForCurrentRoom()
    {
      CAPI.ovr_Net_CloseForCurrentRoom();
    }

    public static bool IsConnected(ulong userID)
    {
      return CAPI.ovr_Net_IsConnected(userID);
    }

    // Measures the round trip to a connected peer. Null before initialisation.
    public static Request<PingResult> Ping(ulong userID)
    {
      if (!Core.IsInitialized())
      {
        return null;
      }
      return new Request<PingResult>(CAPI.ovr_Net_Ping(userID));
    }

    public static void SetPeerConnectRequestCallback(Message<NetworkingPeer>.Callback callback)
    {
      Callback.SetNotificationCallback(Message.MessageType.Notification_Networking_PeerConnectRequest, callback);
    }

    public static void SetConnectionStateChangedCallback(Message<NetworkingPeer>.Callback callback)
    {
      Callback.SetNotificationCallback(Message.MessageType.Notification_Networking_ConnectionStateChange, callback);
    }

    // Receives the results of pings that have no OnComplete handler.
    public static void SetPingResultNotificationCallback(Message<PingResult>.Callback callback)
    {
      Callback.SetNotificationCallback(Message.MessageType.Notification_Networking_PingResult, callback);
    }

    private static void CheckRange(byte[] bytes, int offset, int length)
    {
      if (bytes == null)
      {
        throw new ArgumentNullException("bytes");
      }
      if (offset < 0 || length < 0 || offset > bytes.Length - length)
      {
        throw new ArgumentOutOfRangeException("offset", "offset and length must lie inside bytes");
      }
    }
  }
}
