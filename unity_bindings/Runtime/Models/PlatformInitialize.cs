using System;

namespace Oculus.Platform.Models
{
  // Payload of a successful Core.AsyncInitialize reply.
  public class PlatformInitialize
  {
    public PlatformInitialize(IntPtr o)
    {
      Result = CAPI.ovr_PlatformInitialize_GetResult(o);
    }

    public readonly PlatformInitializeResult Result;
  }
}
