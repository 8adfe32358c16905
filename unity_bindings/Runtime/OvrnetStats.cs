using System.Runtime.InteropServices;

namespace Oculus.Platform
{
  // Figures of one peer connection (ovrnetStats in the C ABI; field order and types must match
  // it exactly). Times in microseconds, sizes in bytes, counters since the connection started.
  [StructLayout(LayoutKind.Sequential)]
  public struct OvrnetStats
  {
    public ulong RttUsec;
    public ulong RttVarianceUsec;
    public ulong MinRttUsec;
    public ulong LatestRttUsec;
    // Fraction of sent packets declared lost, 0.0 to 1.0.
    public double Loss;
    public ulong PacketsSent;
    public ulong PacketsReceived;
    public ulong PacketsLost;
    public ulong BytesSent;
    public ulong BytesReceived;
    public ulong MessagesSent;
    public ulong MessagesReceived;
    // Reliable bytes not yet acknowledged (0 = everything delivered).
    public ulong PendingReliableBytes;
    public ulong PendingUnreliableBytes;
    public ulong BytesInFlight;
    public ulong CongestionWindowBytes;
    // Pacing rate in bytes per second (0 = not paced).
    public ulong SendRateBytesPerSec;
  }
}
