using System;

namespace Oculus.Platform
{
  // A request whose reply carries a T (Request<Models.PingResult> from Net.Ping,
  // Request<Models.Room> from Rooms.*).
  public sealed class Request<T> : Request
  {
    private Message<T>.Callback callback;

    public Request(ulong requestID)
      : base(requestID)
    {
    }

    public Request<T> OnComplete(Message<T>.Callback callback)
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

    public override void HandleMessage(Message msg)
    {
      var typed = msg as Message<T>;
      if (typed == null)
      {
        OvrnetLog.Error("Request " + RequestID + " expected a Message<" + typeof(T).Name + "> but got " + msg.GetType().Name + " (" + msg.Type + ")");
        return;
      }
      if (callback != null)
      {
        callback(typed);
      }
    }
  }
}
