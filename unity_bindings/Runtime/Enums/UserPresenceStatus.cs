using System.ComponentModel;

namespace Oculus.Platform
{
  // Presence of a user; values as in the original SDK. ovrnet has no presence service, so
  // Models.User always reports Unknown.
  public enum UserPresenceStatus : uint
  {
    [Description("UNKNOWN")]
    Unknown = 0,

    [Description("ONLINE")]
    OnLine = 1,

    [Description("OFFLINE")]
    OffLine = 2,
  }
}
