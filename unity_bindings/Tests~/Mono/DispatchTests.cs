using System;
using System.Threading;
using Oculus.Platform;
using Oculus.Platform.Models;

namespace Ovrnet.Tests
{
  // How messages reach handlers: only inside RunCallbacks, only on the pumping thread, and a
  // throwing handler does not stop the pump.
  static class DispatchTests
  {
    public static void Run(Runner r)
    {
      r.Group("dispatch");

      r.Test("a handler that throws is logged and the next message is still dispatched", delegate
      {
        bool firstRan = false;
        bool secondRan = false;
        Net.Ping(World.B).OnComplete(delegate (Message<PingResult> msg)
        {
          firstRan = true;
          throw new InvalidOperationException("boom-from-a-test-handler");
        });
        Net.Ping(World.B).OnComplete(delegate (Message<PingResult> msg) { secondRan = true; });
        Check.That(World.Until(delegate { return secondRan; }, 5000), "second handler never ran");
        Check.That(firstRan, "first handler never ran");
        Check.That(World.LoggedContains("boom-from-a-test-handler"), "the exception was not logged");
      });

      r.Test("handlers run only on the pumping thread", delegate
      {
        int ranOn = 0;
        Net.Ping(World.B).OnComplete(delegate (Message<PingResult> msg) { ranOn = Thread.CurrentThread.ManagedThreadId; });
        Thread.Sleep(300); // the reply is queued by now, not dispatched: nobody pumped
        Check.Equal(0, ranOn, "handler ran without a pump");
        var other = new Thread(delegate () { Request.RunCallbacks(); });
        other.Start();
        other.Join();
        Check.Equal(0, ranOn, "handler ran when another thread pumped");
        Check.That(World.LoggedContains("pumps messages"), "the refused pump was not logged");
        Check.That(World.Until(delegate { return ranOn != 0; }, 5000), "handler never ran on the main thread");
        Check.Equal(World.MainThread, ranOn, "thread the handler ran on");
      });

      r.Test("OnComplete takes one handler", delegate
      {
        Request<PingResult> request = Net.Ping(World.B);
        request.OnComplete(delegate { });
        Check.Throws<InvalidOperationException>(delegate { request.OnComplete(delegate { }); }, "second OnComplete");
        World.Wait(200);
      });
    }
  }
}
