using System;

namespace Oculus.Platform
{
  // An asynchronous call in flight, identified by the request id the library returned. Attach a
  // handler with OnComplete; it runs inside Request.RunCallbacks on the thread that pumps.
  public class Request
  {
    private Message.Callback callback;

    public Request(ulong requestID)
    {
      RequestID = requestID;
    }

    // 0 means the library refused the call; such a request never completes.
    public ulong RequestID { get; set; }

    public Request OnComplete(Message.Callback callback)
    {
      if (callback == null)
      {
        throw new ArgumentNullException("callback");
      }
      if (this.callback != null)
      {
        throw new InvalidOperationException("A Request takes one OnComplete handler.");
      }
      this.callback = callback;
      Oculus.Platform.Callback.AddRequest(this);
      return this;
    }

    public virtual void HandleMessage(Message msg)
    {
      if (callback != null)
      {
        callback(msg);
      }
    }

    // Runs the handlers of every queued message (or of at most `limit` of them when limit > 0),
    // on the calling thread. Call it once per frame from the main thread; the Unity
    // CallbackRunner does.
    public static void RunCallbacks(uint limit = 0)
    {
      if (limit == 0)
      {
        Oculus.Platform.Callback.RunCallbacks();
      }
      else
      {
        Oculus.Platform.Callback.RunLimitedCallbacks(limit);
      }
    }
  }
}
