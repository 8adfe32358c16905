using System;
using Oculus.Platform;
using Oculus.Platform.Models;

// Compile-only: networking code in the style games wrote against the original Oculus.Platform
// (global namespace, method-group callbacks, the exact signatures and types stock code uses).
// If the wrapper's public surface drifts from the original, this file stops compiling and the
// test script fails before any test runs. Never executed.
sealed class DropInShape
{
  ulong myID;
  readonly byte[] buffer = new byte[1200];

  void Start()
  {
    Core.Initialize();
    Core.Initialize("1234");
    Core.AsyncInitialize().OnComplete(OnInitialized);
    Core.AsyncInitialize("1234").OnComplete(OnInitialized);
    Entitlements.IsUserEntitledToApplication().OnComplete(EntitlementCallback);
    Users.GetLoggedInUser().OnComplete(LoggedInUserCallback);
    Users.Get(myID).OnComplete(LoggedInUserCallback);
    string locale = Users.GetLoggedInUserLocale();
    Console.WriteLine(locale);
    Net.SetPeerConnectRequestCallback(PeerConnectRequestCallback);
    Net.SetConnectionStateChangedCallback(ConnectionStateChangedCallback);
    Net.SetPingResultNotificationCallback(PingResultCallback);
    Rooms.SetUpdateNotificationCallback(RoomUpdateCallback);
    Rooms.CreateAndJoinPrivate(RoomJoinPolicy.InvitedUsers, 4, true).OnComplete(RoomCallback);
    Rooms.Join(1234, true).OnComplete(RoomCallback);
    Rooms.CreateAndJoinPrivate2(RoomJoinPolicy.Everyone, 4, new RoomOptions()).OnComplete(RoomCallback);
  }

  void OnInitialized(Message<PlatformInitialize> msg)
  {
    if (msg.IsError) Console.WriteLine(msg.GetError().Message + msg.GetError().Code + msg.GetError().HttpCode);
    else if (msg.Data.Result == PlatformInitializeResult.Success) myID = 1;
  }

  void EntitlementCallback(Message msg)
  {
    if (msg.IsError) Console.WriteLine("not entitled: " + msg.GetError().Message);
  }

  void LoggedInUserCallback(Message<User> msg)
  {
    if (msg.IsError) return;
    User user = msg.Data;
    myID = user.ID;
    Console.WriteLine(user.OculusID + user.DisplayName + msg.GetUser().ID);
  }

  void PeerConnectRequestCallback(Message<NetworkingPeer> msg)
  {
    Net.Accept(msg.Data.ID);
  }

  void ConnectionStateChangedCallback(Message<NetworkingPeer> msg)
  {
    if (msg.Data.State == PeerConnectionState.Timeout && myID < msg.Data.ID) Net.Connect(msg.Data.ID);
    if (msg.Data.State == PeerConnectionState.Closed) Net.Close(msg.Data.ID);
  }

  void PingResultCallback(Message<PingResult> msg)
  {
    Console.WriteLine(msg.Data.IsTimeout ? "timeout" : msg.Data.PingTimeUsec.ToString());
  }

  void RoomUpdateCallback(Message<Room> msg)
  {
    Room room = msg.Data;
    if (room.UsersOptional != null)
    {
      foreach (User user in room.UsersOptional) Console.WriteLine(user.ID + user.OculusID);
    }
    Console.WriteLine(room.ID + " " + room.OwnerOptional.ID + " " + room.MaxUsers + " " + room.DataStore.Count);
  }

  void RoomCallback(Message<Room> msg)
  {
    if (!msg.IsError && Net.AcceptForCurrentRoom()) Net.SendPacketToCurrentRoom(buffer, SendPolicy.Reliable);
  }

  void Update()
  {
    Request.RunCallbacks();
    Request.RunCallbacks(10);
    Net.Ping(2).OnComplete(PingResultCallback);
    Net.SendPacket(2, buffer, SendPolicy.Unreliable);
    Packet packet;
    while ((packet = Net.ReadPacket()) != null)
    {
      byte[] data = new byte[packet.Size];
      ulong read = packet.ReadBytes(data);
      ulong from = packet.SenderID;
      SendPolicy policy = packet.Policy;
      Console.WriteLine(read + from + (ulong)policy);
      packet.Dispose();
    }
    Message message = Message.PopMessage();
    if (message != null && message.Type == Message.MessageType.Notification_Networking_PingResult)
    {
      Console.WriteLine(message.RequestID);
    }
    if (message != null && message.Type == Message.MessageType.User_GetLoggedInUser)
    {
      Console.WriteLine(message.GetUser().ID);
    }
    if (message != null && message.Type == Message.MessageType.PlatformInitializeWindowsAsynchronous)
    {
      Console.WriteLine(message.GetPlatformInitialize().Result);
    }
    if (Net.IsConnected(2)) Net.CloseForCurrentRoom();
  }
}
