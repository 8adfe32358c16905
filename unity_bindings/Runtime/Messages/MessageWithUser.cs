using System;
using Oculus.Platform.Models;

namespace Oculus.Platform
{
  // Replies to Users.Get and Users.GetLoggedInUser.
  public class MessageWithUser : Message<User>
  {
    public MessageWithUser(IntPtr c_message)
      : base(c_message)
    {
    }

    public override User GetUser() { return Data; }

    protected override User GetDataFromMessage(IntPtr c_message)
    {
      // Through the native-message indirection, as the stock parser reads it.
      IntPtr message = CAPI.ovr_Message_GetNativeMessage(c_message);
      IntPtr user = CAPI.ovr_Message_GetUser(message);
      return user == IntPtr.Zero ? null : new User(user);
    }
  }
}
