namespace Oculus.Platform.Models
{
  // Outcome of Net.Ping: ID is the pinged peer, PingTimeUsec the round trip in microseconds, or
  // IsTimeout when the peer did not answer (or there was no connection to ping over).
  public class PingResult
  {
    private readonly ulong? pingTimeUsec;

    public PingResult(ulong id, ulong? pingTimeUsec)
    {
      ID = id;
      this.pingTimeUsec = pingTimeUsec;
    }

    public ulong ID { get; private set; }

    // 0 when the ping timed out.
    public ulong PingTimeUsec
    {
      get { return pingTimeUsec.HasValue ? pingTimeUsec.Value : 0; }
    }

    public bool IsTimeout
    {
      get { return !pingTimeUsec.HasValue; }
    }
  }
}
