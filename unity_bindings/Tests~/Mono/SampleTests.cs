using System;
using System.Diagnostics;
using System.Threading;
using Oculus.Platform;
using OvrnetSamples.AvatarSync;
using OvrnetSamples.Chat;

namespace Ovrnet.Tests
{
  // The samples' network logic (Samples~/**, minus the MonoBehaviours) against real peers. The
  // samples install their own Net callbacks, so the suite's are put back afterwards.
  static class SampleTests
  {
    public static void Run(Runner r, PeerProcess b)
    {
      r.Group("samples");
      try
      {
        Cases(r, b);
      }
      finally
      {
        World.InstallHandlers();
      }
    }

    static void Cases(Runner r, PeerProcess b)
    {
      r.Test("chat: a UTF-8 line travels to a peer and its reply comes back through LineReceived", delegate
      {
        var chat = new ChatSession();
        string heard = null;
        ulong from = 0;
        chat.LineReceived += delegate (ulong sender, string line) { from = sender; heard = line; };
        Check.That(chat.Say(World.B, "héllo wörld ✓"), "Say refused");
        Check.That(Loop(delegate (float now) { chat.Update(); return heard != null; }, 5000), "no line came back");
        Check.Equal("echo:héllo wörld ✓", heard, "line");
        Check.Equal(World.B, from, "sender");
        Check.That(!chat.Say(World.B, ""), "empty line sent");
      });

      r.Test("avatar: a remote pose glides from where it was shown to the new pose over one interval", delegate
      {
        var remote = new RemoteAvatar(7);
        Check.That(remote.Push(1, new Pose { PX = 0, RW = 1 }, 0f), "first update refused");
        Check.That(remote.Push(2, new Pose { PX = 1, RW = 1 }, 1f), "second update refused");
        Check.That(Math.Abs(remote.Sample(1f).PX - 0f) < 1e-4, "jumped at arrival: " + remote.Sample(1f).PX);
        Check.That(Math.Abs(remote.Sample(1f + AvatarSyncSession.SendInterval / 2).PX - 0.5f) < 1e-4, "not halfway after half an interval");
        Check.That(Math.Abs(remote.Sample(5f).PX - 1f) < 1e-4, "did not settle on the new pose");
        Check.That(!remote.Push(1, new Pose { PX = 9, RW = 1 }, 5f), "a stale (reordered) update was applied");
        var rotated = new Pose { RY = (float)Math.Sin(0.5), RW = (float)Math.Cos(0.5) };
        Pose mid = Pose.Lerp(Pose.Identity, rotated, 0.5f);
        float norm = mid.RX * mid.RX + mid.RY * mid.RY + mid.RZ * mid.RZ + mid.RW * mid.RW;
        Check.That(Math.Abs(norm - 1f) < 1e-4, "interpolated rotation not normalised");
      });

      r.Test("avatar: two processes; lower id connects, the other accepts, poses flow at about 10 Hz", delegate
      {
        // Start from no connection, so the session's own connect/accept path is what connects.
        Net.Close(World.B);
        World.Until(delegate { return !Net.IsConnected(World.B); }, 3000);
        b.Expect("state " + World.A + " Closed", 3000);
        var session = new AvatarSyncSession(World.A);
        b.Send("avatar " + World.A);
        b.MustExpect("avatar started", 5000);
        session.AddRemote(World.B);
        Check.Equal(1, session.ConnectAttempts, "connect attempts by the lower id");
        RemoteAvatar remote = session.Remote(World.B);
        Check.That(Loop(delegate (float now) { session.Update(now, new Pose { PX = -now, RW = 1 }); return remote.UpdatesReceived > 3; }, 5000),
          "no pose updates arrived (state " + remote.State + ")");
        Check.Equal(PeerConnectionState.Connected, remote.State, "state");
        int before = remote.UpdatesReceived;
        float startX = 0, endX = 0, lastX = float.NegativeInfinity;
        bool backwards = false;
        var window = Stopwatch.StartNew();
        Loop(delegate (float now)
        {
          session.Update(now, new Pose { PX = -now, RW = 1 });
          float x = remote.Sample(now).PX;
          if (window.ElapsedMilliseconds < 20) startX = x;
          if (x < lastX - 1e-4f) backwards = true;
          lastX = x;
          endX = x;
          return false;
        }, 2000);
        int updates = remote.UpdatesReceived - before;
        Check.That(updates >= 14 && updates <= 26, updates + " updates in 2 s (expected about 20)");
        Check.That(!backwards, "the interpolated remote pose moved backwards");
        Check.That(endX - startX > 1.2f && endX - startX < 2.8f, "remote moved " + (endX - startX) + " in 2 s (it walks 1/s)");
        b.Send("avatar-stop");
        string[] stats = b.MustExpect("avatarstats", 5000);
        Check.That(int.Parse(stats[0]) >= 14, "B received only " + stats[0] + " updates");
        Check.Equal("Connected", stats[1], "B's view of the connection");
      });

      r.Test("avatar: the lower id connects again after a Timeout, backing off", delegate
      {
        var session = new AvatarSyncSession(World.A);
        session.AddRemote(404); // nobody is logged in as 404
        Check.Equal(1, session.ConnectAttempts, "first attempt");
        float start = (float)Clock.Elapsed.TotalSeconds;
        Check.That(Loop(delegate (float now) { session.Update(now, Pose.Identity); return session.ConnectAttempts >= 2; }, 5000),
          "no second attempt after the Timeout");
        float second = (float)Clock.Elapsed.TotalSeconds - start;
        Check.That(second >= AvatarSyncSession.FirstRetryDelay * 0.9f, "retried after " + second + " s, before the pause");
        Check.Equal(PeerConnectionState.Timeout, session.Remote(404).State, "state after the first attempt");
        // The next pause is twice as long: no third attempt within the following second.
        Loop(delegate (float now) { session.Update(now, Pose.Identity); return false; }, 1000);
        Check.Equal(2, session.ConnectAttempts, "attempts 1 s after the retry");
        session.RemoveRemote(404);
      });
    }

    // One clock for every frame, like Unity's Time.time: the sessions schedule sends by it.
    static readonly Stopwatch Clock = Stopwatch.StartNew();

    // Pumps callbacks and runs `frame` with the time in seconds every ~5 ms (a fast game loop)
    // until it returns true or the time is up.
    static bool Loop(Func<float, bool> frame, int timeoutMs)
    {
      var elapsed = Stopwatch.StartNew();
      while (elapsed.ElapsedMilliseconds < timeoutMs)
      {
        Request.RunCallbacks();
        if (frame((float)Clock.Elapsed.TotalSeconds)) return true;
        Thread.Sleep(5);
      }
      return false;
    }
  }
}
