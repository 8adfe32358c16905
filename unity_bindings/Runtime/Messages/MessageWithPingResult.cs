using System;
using Oculus.Platform.Models;

namespace Oculus.Platform
{
  public class MessageWithPingResult : Message<PingResult>
  {
    public MessageWithPingResult(IntPtr c_message)
      : base(c_message)
    {
    }

    public override PingResult GetPingResult() { return Data; }

    protected override PingResult GetDataFromMessage(IntPtr c_message)
    {
      IntPtr ping = CAPI.ovr_Message_GetPingResult(c_message);
      bool timedOut = CAPI.ovr_PingResult_IsTimeout(ping);
      ulong? usec = timedOut ? (ulong?)null : CAPI.ovr_PingResult_GetPingTimeUsec(ping);
      return new PingResult(CAPI.ovr_PingResult_GetID(ping), usec);
    }
  }
}
