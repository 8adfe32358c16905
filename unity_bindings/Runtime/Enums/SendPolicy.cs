using System.ComponentModel;

namespace Oculus.Platform
{
  // How a packet travels; values are the C ABI's ovrSendPolicy.
  public enum SendPolicy : uint
  {
    // Best effort, unordered, at most 1200 bytes; refused before the connection is up.
    [Description("UNRELIABLE")]
    Unreliable = 0,

    // Once and in order, at most 65535 bytes; buffered until the connection is up.
    [Description("RELIABLE")]
    Reliable = 1,

    // Not a policy: what the library reports when it cannot tell.
    [Description("UNKNOWN")]
    Unknown = 2,
  }
}
