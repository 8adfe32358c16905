using System.ComponentModel;

namespace Oculus.Platform
{
  // Kind of room; values as in the original SDK. ovrnet only creates private rooms.
  public enum RoomType : uint
  {
    [Description("UNKNOWN")]
    Unknown = 0,

    [Description("MATCHMAKING")]
    Matchmaking = 1,

    [Description("MODERATED")]
    Moderated = 2,

    [Description("PRIVATE")]
    Private = 3,

    [Description("SOLO")]
    Solo = 4,
  }
}
