using System;
using System.Collections.Generic;
using System.Threading;

namespace Oculus.Platform
{
  // Routes messages to handlers: a reply goes to the Request with its request id if one has a
  // handler attached, anything else to the notification handler registered for its type.
  //
  // Handlers only ever run inside RunCallbacks, on the thread that pumps (the main thread in
  // Unity); the library never calls into managed code. A handler that throws is logged and the
  // pump carries on with the next message. The registries are locked because OnComplete may be
  // attached from any thread.
  public static class Callback
  {
    private static readonly object Gate = new object();
    private static readonly Dictionary<ulong, Request> PendingRequests = new Dictionary<ulong, Request>();
    private static readonly Dictionary<Message.MessageType, Action<Message>> Notifications =
      new Dictionary<Message.MessageType, Action<Message>>();

    // Managed id of the thread that pumps; 0 until the first pump. A second thread that tries
    // to pump is refused, so handlers can rely on running on the game's main thread.
    private static int pumpThread;
    private static int wrongThreadReported;

    internal static void SetNotificationCallback<T>(Message.MessageType type, Message<T>.Callback callback)
    {
      if (callback == null)
      {
        throw new ArgumentNullException("callback", "Cannot provide a null notification callback.");
      }
      Action<Message> handler = delegate (Message msg)
      {
        var typed = msg as Message<T>;
        if (typed == null)
        {
          OvrnetLog.Error("Notification " + msg.Type + " is not a Message<" + typeof(T).Name + ">");
          return;
        }
        callback(typed);
      };
      lock (Gate)
      {
        Notifications[type] = handler;
      }
    }

    internal static void SetNotificationCallback(Message.MessageType type, Message.Callback callback)
    {
      if (callback == null)
      {
        throw new ArgumentNullException("callback", "Cannot provide a null notification callback.");
      }
      lock (Gate)
      {
        Notifications[type] = delegate (Message msg) { callback(msg); };
      }
    }

    internal static void AddRequest(Request request)
    {
      if (request.RequestID == 0)
      {
        // The library refused the call (it logged why); there will be no reply to wait for.
        OvrnetLog.Error("The request was refused by the library and will never complete.");
        return;
      }
      lock (Gate)
      {
        PendingRequests[request.RequestID] = request;
      }
    }

    public static void RunCallbacks()
    {
      if (!OnPumpThread())
      {
        return;
      }
      while (true)
      {
        Message msg = Message.PopMessage();
        if (msg == null)
        {
          return;
        }
        HandleMessage(msg);
      }
    }

    public static void RunLimitedCallbacks(uint limit)
    {
      if (!OnPumpThread())
      {
        return;
      }
      for (uint i = 0; i < limit; i++)
      {
        Message msg = Message.PopMessage();
        if (msg == null)
        {
          return;
        }
        HandleMessage(msg);
      }
    }

    // Forgets every handler, as the original SDK does when the application quits.
    internal static void OnApplicationQuit()
    {
      lock (Gate)
      {
        PendingRequests.Clear();
        Notifications.Clear();
      }
    }

    // After a shutdown no reply to an earlier request can arrive, and a later init may pump
    // from another thread (tests, editor reloads).
    internal static void OnShutdown()
    {
      lock (Gate)
      {
        PendingRequests.Clear();
      }
      Interlocked.Exchange(ref pumpThread, 0);
      Interlocked.Exchange(ref wrongThreadReported, 0);
    }

    internal static void HandleMessage(Message msg)
    {
      Request request = null;
      Action<Message> notification = null;
      lock (Gate)
      {
        if (msg.RequestID != 0 && PendingRequests.TryGetValue(msg.RequestID, out request))
        {
          PendingRequests.Remove(msg.RequestID);
        }
        else
        {
          Notifications.TryGetValue(msg.Type, out notification);
        }
      }
      try
      {
        if (request != null)
        {
          request.HandleMessage(msg);
        }
        else if (notification != null)
        {
          notification(msg);
        }
      }
      catch (Exception e)
      {
        OvrnetLog.Exception("A handler for " + msg.Type + " (request " + msg.RequestID + ") threw; continuing with the next message.", e);
      }
    }

    private static bool OnPumpThread()
    {
      int me = Thread.CurrentThread.ManagedThreadId;
      int owner = Interlocked.CompareExchange(ref pumpThread, me, 0);
      if (owner == 0 || owner == me)
      {
        return true;
      }
      if (Interlocked.Exchange(ref wrongThreadReported, 1) == 0)
      {
        OvrnetLog.Error("RunCallbacks called from thread " + me + " but thread " + owner + " pumps messages; ignored. Pump from the main thread only.");
      }
      return false;
    }
  }
}
