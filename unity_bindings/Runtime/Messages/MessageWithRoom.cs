using System;
using Oculus.Platform.Models;

namespace Oculus.Platform
{
  // Replies to the Rooms requests and RoomUpdate notifications.
  public class MessageWithRoom : Message<Room>
  {
    public MessageWithRoom(IntPtr c_message)
      : base(c_message)
    {
    }

    public override Room GetRoom() { return Data; }

    protected override Room GetDataFromMessage(IntPtr c_message)
    {
      // The original room parser reads through the native-message indirection; ovrnet's returns
      // its argument, and calling it keeps the export exercised the way stock code uses it.
      IntPtr message = CAPI.ovr_Message_GetNativeMessage(c_message);
      IntPtr room = CAPI.ovr_Message_GetRoom(message);
      return room == IntPtr.Zero ? null : new Room(room);
    }
  }
}
