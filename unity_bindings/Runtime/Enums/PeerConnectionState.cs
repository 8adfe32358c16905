using System.ComponentModel;

namespace Oculus.Platform
{
  // State of the connection to one peer; values are the C ABI's ovrPeerConnectionState.
  public enum PeerConnectionState : uint
  {
    [Description("UNKNOWN")]
    Unknown = 0,

    [Description("CONNECTED")]
    Connected = 1,

    // Connecting failed (peer offline, never accepted, unreachable) or the peer went silent.
    [Description("TIMEOUT")]
    Timeout = 2,

    // Closed by either side.
    [Description("CLOSED")]
    Closed = 3,
  }
}
