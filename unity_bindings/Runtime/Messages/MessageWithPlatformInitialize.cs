using System;
using Oculus.Platform.Models;

namespace Oculus.Platform
{
  // Replies to Core.AsyncInitialize.
  public class MessageWithPlatformInitialize : Message<PlatformInitialize>
  {
    public MessageWithPlatformInitialize(IntPtr c_message)
      : base(c_message)
    {
    }

    public override PlatformInitialize GetPlatformInitialize() { return Data; }

    protected override PlatformInitialize GetDataFromMessage(IntPtr c_message)
    {
      return new PlatformInitialize(CAPI.ovr_Message_GetPlatformInitialize(c_message));
    }
  }
}
