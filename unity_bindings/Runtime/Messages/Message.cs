using System;
using Oculus.Platform.Models;

namespace Oculus.Platform
{
  // A message from the library's queue, copied into managed objects (type, request id, error,
  // payload) so the native message can be freed before any callback runs. Callbacks may
  // therefore keep a Message as long as they like.
  public class Message
  {
    public delegate void Callback(Message message);

    // Message type ids; values are the C ABI's ovrMessageType.
    public enum MessageType : uint
    {
      Unknown = 0,

      // Replies to the init requests; payload: PlatformInitialize. Core.AsyncInitialize gets the
      // Windows form on desktops and the Android form on Android, as with the stock scripts.
      Platform_InitializeStandaloneOculus = 0x51F8CE0C,
      PlatformInitializeAndroidAsynchronous = 0x1AD307B4,
      PlatformInitializeWindowsAsynchronous = 0x6DA7BA8F,
      PlatformInitializeWithAccessToken = 0x35692F2B,

      // Replies to Users.Get / Users.GetLoggedInUser; payload: User.
      User_Get = 0x6BCF9E47,
      User_GetLoggedInUser = 0x436F345D,
      // Reply to Entitlements.IsUserEntitledToApplication: no payload; not an error = entitled.
      Entitlement_GetIsViewerEntitled = 0x186B58B1,

      Room_CreateAndJoinPrivate2 = 0x5A3A6243,
      Room_Get = 0x659A8FB8,
      Room_GetCurrent = 0x09A6A504,
      Room_Join2 = 0x4DAB1C42,
      Room_Leave = 0x72382475,
      Room_UpdateDataStore = 0x026E4028,

      // A connection changed state; payload: NetworkingPeer.
      Notification_Networking_ConnectionStateChange = 0x5E02D49A,
      // A peer asks to connect; payload: NetworkingPeer. Answer with Net.Accept.
      Notification_Networking_PeerConnectRequest = 0x4D31E2CF,
      // Reply to Net.Ping (carries its request id); payload: PingResult.
      Notification_Networking_PingResult = 0x51153012,
      // The current room changed; payload: Room with the full member list.
      Notification_Room_RoomUpdate = 0x60EC3C2F,
    }

    private readonly MessageType type;
    private readonly ulong requestID;
    private readonly Error error;

    public Message(IntPtr c_message)
    {
      type = (MessageType)CAPI.ovr_Message_GetType(c_message);
      requestID = CAPI.ovr_Message_GetRequestID(c_message);
      if (CAPI.ovr_Message_IsError(c_message))
      {
        IntPtr e = CAPI.ovr_Message_GetError(c_message);
        error = new Error(
          CAPI.ovr_Error_GetCode(e),
          CAPI.ovr_Error_GetMessage(e),
          CAPI.ovr_Error_GetHttpCode(e),
          CAPI.ovr_Error_GetDisplayableMessage(e));
      }
    }

    public MessageType Type { get { return type; } }
    public bool IsError { get { return error != null; } }
    public ulong RequestID { get { return requestID; } }

    public virtual Error GetError() { return error; }
    public virtual NetworkingPeer GetNetworkingPeer() { return null; }
    public virtual PingResult GetPingResult() { return null; }
    public virtual Room GetRoom() { return null; }
    public virtual PlatformInitialize GetPlatformInitialize() { return null; }
    public virtual User GetUser() { return null; }
    public virtual string GetString() { return null; }

    // Wraps a native message in the class its type calls for. Types without a payload
    // (Entitlement_GetIsViewerEntitled) and types this wrapper does not know (the "not provided"
    // replies of other services) become a plain Message, so the pump never stops on them and
    // request ids still route. IntPtr.Zero gives null.
    internal static Message ParseMessageHandle(IntPtr messageHandle)
    {
      if (messageHandle == IntPtr.Zero)
      {
        return null;
      }
      switch ((MessageType)CAPI.ovr_Message_GetType(messageHandle))
      {
        case MessageType.Notification_Networking_PeerConnectRequest:
        case MessageType.Notification_Networking_ConnectionStateChange:
          return new MessageWithNetworkingPeer(messageHandle);
        case MessageType.Notification_Networking_PingResult:
          return new MessageWithPingResult(messageHandle);
        case MessageType.Room_CreateAndJoinPrivate2:
        case MessageType.Room_Get:
        case MessageType.Room_GetCurrent:
        case MessageType.Room_Join2:
        case MessageType.Room_Leave:
        case MessageType.Room_UpdateDataStore:
        case MessageType.Notification_Room_RoomUpdate:
          return new MessageWithRoom(messageHandle);
        case MessageType.Platform_InitializeStandaloneOculus:
        case MessageType.PlatformInitializeAndroidAsynchronous:
        case MessageType.PlatformInitializeWindowsAsynchronous:
        case MessageType.PlatformInitializeWithAccessToken:
          return new MessageWithPlatformInitialize(messageHandle);
        case MessageType.User_Get:
        case MessageType.User_GetLoggedInUser:
          return new MessageWithUser(messageHandle);
        default:
          return new Message(messageHandle);
      }
    }

    // Takes the next message off the library's queue, or null when it is empty (or the platform
    // is not initialised). The native message is freed here, even if parsing throws.
    public static Message PopMessage()
    {
      IntPtr handle = CAPI.ovr_PopMessage();
      if (handle == IntPtr.Zero)
      {
        return null;
      }
      try
      {
        return ParseMessageHandle(handle);
      }
      finally
      {
        CAPI.ovr_FreeMessage(handle);
      }
    }
  }
}
