using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Oculus.Platform;
using Oculus.Platform.Models;

namespace Ovrnet.Tests
{
  // The Unity init family (what the stock Core.cs calls) and the user requests stock games make
  // after it, end to end against the real server. The C ABI holds one instance per process and
  // this one is already user A, so the steps run in a child (`OvrnetTests.exe unityinit
  // SERVER`) started with no OVRNET_* settings in an empty working directory (no ovrnet.cfg):
  // all it knows comes from the app id strings and files below. The child runs the steps in
  // order and prints `EVT step <key> ok` or `EVT step <key> fail <reason>`; each is one case.
  static class UnityInitTests
  {
    sealed class Step
    {
      public string Key;
      public string Name;
      public Action Body;
    }

    static readonly Step[] Steps =
    {
      new Step { Key = "before", Name = "before init: Users and Entitlements give null, the locale \"\", UnityInitGlobals does nothing", Body = BeforeInit },
      new Step { Key = "nosettings", Name = "ovr_UnityInitWrapper(\"1234\") with no settings anywhere returns false; AsyncInitialize(\"1234\") null", Body = NoSettings },
      new Step { Key = "async", Name = "Core.AsyncInitialize(settings) replies PlatformInitializeWindowsAsynchronous Success to its request", Body = AsyncInit },
      new Step { Key = "me", Name = "Users.GetLoggedInUser replies the configured user (ID, OculusID, DisplayName)", Body = LoggedInUser },
      new Step { Key = "get", Name = "Users.Get(42) replies user 42; Users.Get(0) an error", Body = GetUser },
      new Step { Key = "entitled", Name = "Entitlements.IsUserEntitledToApplication replies a message that is not an error", Body = Entitled },
      new Step { Key = "locale", Name = "Users.GetLoggedInUserLocale is en-US", Body = Locale },
      new Step { Key = "notprovided", Name = "ovr_Achievements_Unlock (not provided) gives a request whose reply is an error of its type", Body = NotProvided },
      new Step { Key = "sync", Name = "after Ovrnet.Shutdown, CAPI.ovr_UnityInitWrapper(settings) returns true as that user", Body = SyncInit },
      new Step { Key = "android", Name = "ovr_UnityInitWrapperAsynchronous replies PlatformInitializeAndroidAsynchronous Success", Body = AndroidAsync },
      new Step { Key = "core", Name = "Core.Initialize(settings) initialises; a second call keeps the first", Body = CoreInit },
      new Step { Key = "cfgfile", Name = "ovr_UnityInitWrapper(\"1234\") reads ovrnet.cfg in the working directory", Body = ConfigFile },
      new Step { Key = "token", Name = "an ovrnet1 token through SetDeveloperAccessToken / UnityInitWrapperStandalone names the user", Body = Token },
    };

    const ulong AsyncUser = 404;
    const ulong SyncUser = 405;
    const ulong AndroidUser = 406;
    const ulong CoreUser = 407;
    const ulong FileUser = 408;
    const ulong TokenUser = 409;
    const ulong ArgumentTokenUser = 410;
    const uint AchievementsUnlockType = 0x593CCBDD; // ovrMessage_Achievements_Unlock
    const int NotProvidedErrorCode = 3;
    const int ReplyTimeoutMs = 10000;

    // Declared here, not in Runtime: the wrapper has no Achievements service, but stock code
    // that calls CAPI directly must still get a request and an error reply, not a crash.
    [DllImport(CAPI.DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    static extern ulong ovr_Achievements_Unlock(byte[] name);

    // ---- parent side ----

    public static void Run(Runner r, string exe, string server)
    {
      r.Group("unity init");
      string dir = Path.Combine(Path.GetTempPath(), "ovrnet-unityinit-" + Process.GetCurrentProcess().Id);
      Directory.CreateDirectory(dir);
      PeerProcess child = null;
      try
      {
        ProcessStartInfo start = PeerProcess.StartInfo(exe, "unityinit " + server, new Dictionary<string, string>());
        start.WorkingDirectory = dir;
        // OVRNET_LOG only sets the log level; every other OVRNET_ variable is a setting.
        var names = new List<string>();
        foreach (string name in start.EnvironmentVariables.Keys) names.Add(name);
        foreach (string name in names)
        {
          if (name.StartsWith("OVRNET_", StringComparison.Ordinal) && name != "OVRNET_LOG") start.EnvironmentVariables.Remove(name);
        }
        child = new PeerProcess("unityinit", start);
        foreach (Step step in Steps)
        {
          r.Test(step.Name, delegate
          {
            string[] words = child.MustExpect("step " + step.Key + " ", 2 * ReplyTimeoutMs);
            if (words[0] != "ok") throw new CheckFailed(string.Join(" ", words, 1, words.Length - 1));
          });
        }
        r.Test("the child shuts down and exits cleanly", delegate { child.MustExpect("done", ReplyTimeoutMs); });
      }
      finally
      {
        if (child != null) child.Dispose();
        Directory.Delete(dir, true);
      }
    }

    // ---- child side ----

    static string server;

    public static int ChildMain(string serverAddress)
    {
      server = serverAddress;
      Oculus.Platform.Ovrnet.LogHandler = delegate (string text) { Console.Error.WriteLine(text); };
      foreach (Step step in Steps)
      {
        try
        {
          step.Body();
          Emit("step " + step.Key + " ok");
        }
        catch (Exception e)
        {
          string why = e is CheckFailed ? e.Message : e.GetType().Name + ": " + e.Message;
          Emit("step " + step.Key + " fail " + why.Replace('\n', ' ').Replace('\r', ' '));
        }
      }
      Oculus.Platform.Ovrnet.Shutdown();
      Emit("done");
      return 0;
    }

    static string Settings(ulong user)
    {
      return "server=" + server + ";user_id=" + user + ";credential=x";
    }

    static void BeforeInit()
    {
      Check.That(Users.GetLoggedInUser() == null, "Users.GetLoggedInUser() is not null");
      Check.That(Users.Get(42) == null, "Users.Get(42) is not null");
      Check.That(Entitlements.IsUserEntitledToApplication() == null, "IsUserEntitledToApplication() is not null");
      Check.Equal("", Users.GetLoggedInUserLocale(), "locale before init");
      CAPI.ovr_UnityInitGlobals(IntPtr.Zero);
      CAPI.ovr_UnityResetTestPlatform();
      Check.That(!Core.IsInitialized(), "initialised by UnityInitGlobals / UnityResetTestPlatform");
    }

    static void NoSettings()
    {
      Check.That(!File.Exists("ovrnet.cfg"), "the working directory has an ovrnet.cfg");
      Check.That(!CAPI.ovr_UnityInitWrapper("1234"), "ovr_UnityInitWrapper(\"1234\") returned true");
      Check.That(!Core.IsInitialized(), "initialised after a refused init");
      Check.That(Core.AsyncInitialize("1234") == null, "Core.AsyncInitialize(\"1234\") started");
      Check.That(!Core.IsInitialized(), "initialised after a refused async init");
    }

    static void AsyncInit()
    {
      Request<PlatformInitialize> request = Core.AsyncInitialize(Settings(AsyncUser));
      Check.That(request != null, "Core.AsyncInitialize returned null");
      Check.That(request.RequestID != 0, "request id 0");
      Message<PlatformInitialize> msg = Await(request, "the init reply");
      Check.That(!msg.IsError, "init reply is an error: " + (msg.IsError ? msg.GetError().Message : ""));
      Check.Equal(request.RequestID, msg.RequestID, "reply request id");
      Check.Equal(Message.MessageType.PlatformInitializeWindowsAsynchronous, msg.Type, "reply type");
      Check.Equal(PlatformInitializeResult.Success, msg.Data.Result, "init result");
      Check.That(msg.GetPlatformInitialize() == msg.Data, "GetPlatformInitialize() is not Data");
      Check.That(Core.IsInitialized(), "not initialised");
      Check.Equal(AsyncUser, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "logged-in user id");
    }

    static void LoggedInUser()
    {
      Request<User> request = Users.GetLoggedInUser();
      Check.That(request != null && request.RequestID != 0, "no request");
      Message<User> msg = Await(request, "the logged-in user");
      CheckUser(msg, AsyncUser, Message.MessageType.User_GetLoggedInUser);
    }

    static void GetUser()
    {
      Request<User> request = Users.Get(42);
      Check.That(request != null && request.RequestID != 0, "no request for 42");
      CheckUser(Await(request, "user 42"), 42, Message.MessageType.User_Get);
      Request<User> zero = Users.Get(0);
      Check.That(zero != null && zero.RequestID != 0, "no request for 0");
      Message<User> msg = Await(zero, "user 0");
      Check.That(msg.IsError, "Users.Get(0) is not an error");
      Check.Equal(Message.MessageType.User_Get, msg.Type, "Users.Get(0) reply type");
      Check.That(msg.Data == null, "Users.Get(0) has a user");
    }

    static void CheckUser(Message<User> msg, ulong id, Message.MessageType type)
    {
      Check.That(!msg.IsError, type + " is an error: " + (msg.IsError ? msg.GetError().Message : ""));
      Check.Equal(type, msg.Type, "reply type");
      Check.That(msg is MessageWithUser, "reply is a " + msg.GetType().Name);
      Check.That(msg.Data != null, "no user");
      Check.Equal(id, msg.Data.ID, "user ID");
      Check.Equal(id.ToString(), msg.Data.OculusID, "OculusID");
      Check.Equal(id.ToString(), msg.Data.DisplayName, "DisplayName");
      Check.That(msg.GetUser() == msg.Data, "GetUser() is not Data");
    }

    static void Entitled()
    {
      Request request = Entitlements.IsUserEntitledToApplication();
      Check.That(request != null && request.RequestID != 0, "no request");
      Message msg = Await(request, "the entitlement reply");
      Check.That(!msg.IsError, "not entitled: " + (msg.IsError ? msg.GetError().Message : ""));
      Check.Equal(Message.MessageType.Entitlement_GetIsViewerEntitled, msg.Type, "reply type");
      Check.Equal(request.RequestID, msg.RequestID, "reply request id");
    }

    static void Locale()
    {
      Check.Equal("en-US", Users.GetLoggedInUserLocale(), "locale");
    }

    static void NotProvided()
    {
      ulong id = ovr_Achievements_Unlock(Encoding.UTF8.GetBytes("first-win\0"));
      Check.That(id != 0, "request id 0");
      Message msg = Await(new Request(id), "the Achievements_Unlock reply");
      Check.That(msg.IsError, "the reply is not an error");
      Check.Equal(AchievementsUnlockType, (uint)msg.Type, "reply type");
      Check.Equal(NotProvidedErrorCode, msg.GetError().Code, "error code");
      Check.Equal(typeof(Message), msg.GetType(), "message class");
    }

    static void SyncInit()
    {
      Restart();
      Check.That(CAPI.ovr_UnityInitWrapper(Settings(SyncUser)), "ovr_UnityInitWrapper(settings) returned false");
      Check.That(Core.IsInitialized(), "not initialised");
      Check.Equal(SyncUser, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "logged-in user id");
      CheckUser(Await(Users.GetLoggedInUser(), "the logged-in user"), SyncUser, Message.MessageType.User_GetLoggedInUser);
    }

    static void AndroidAsync()
    {
      Restart();
      ulong id = CAPI.ovr_UnityInitWrapperAsynchronous(Settings(AndroidUser));
      Check.That(id != 0, "request id 0");
      Message<PlatformInitialize> msg = Await(new Request<PlatformInitialize>(id), "the init reply");
      Check.That(!msg.IsError, "init reply is an error: " + (msg.IsError ? msg.GetError().Message : ""));
      Check.Equal(Message.MessageType.PlatformInitializeAndroidAsynchronous, msg.Type, "reply type");
      Check.Equal(PlatformInitializeResult.Success, msg.Data.Result, "init result");
      Check.Equal(AndroidUser, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "logged-in user id");
    }

    static void CoreInit()
    {
      Restart();
      Core.Initialize(Settings(CoreUser));
      Check.That(Core.IsInitialized(), "Core.Initialize(settings) did not initialise");
      Check.Equal(CoreUser, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "logged-in user id");
      Core.Initialize(Settings(CoreUser + 100));
      Check.Equal(CoreUser, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "user id after a second Core.Initialize");
    }

    static void ConfigFile()
    {
      Restart();
      File.WriteAllText("ovrnet.cfg", "# C# unity init test\nserver = " + server + "\nuser_id = " + FileUser + "\ncredential = x\n");
      try
      {
        Check.That(CAPI.ovr_UnityInitWrapper("1234"), "ovr_UnityInitWrapper(\"1234\") ignored ovrnet.cfg");
        Check.Equal(FileUser, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "logged-in user id");
      }
      finally
      {
        File.Delete("ovrnet.cfg");
      }
    }

    static void Token()
    {
      Restart();
      // The server address only: the user comes from the token.
      File.WriteAllText("ovrnet.cfg", "server = " + server + "\n");
      try
      {
        Check.That(CAPI.ovr_SetDeveloperAccessToken(TokenFor(TokenUser)), "ovr_SetDeveloperAccessToken returned false");
        Check.That(CAPI.ovr_UnityInitWrapperStandalone(null, IntPtr.Zero), "standalone init with the developer token returned false");
        Check.Equal(TokenUser, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "user from the developer token");
        Restart();
        Check.That(CAPI.ovr_SetDeveloperAccessToken(null), "forgetting the developer token returned false");
        Check.That(CAPI.ovr_UnityInitWrapperStandalone(TokenFor(ArgumentTokenUser), IntPtr.Zero), "standalone init with a token argument returned false");
        Check.Equal(ArgumentTokenUser, Oculus.Platform.Ovrnet.GetLoggedInUserID(), "user from the token argument");
        Restart();
        Check.That(!CAPI.ovr_UnityInitWrapperStandalone(null, IntPtr.Zero), "standalone init without any user succeeded (developer token not forgotten?)");
      }
      finally
      {
        File.Delete("ovrnet.cfg");
      }
    }

    // An ovrnet1.<user>.<expiry>.<mac> login token; the test server is in open mode, so the
    // MAC is not checked, only the user id is read from it.
    static string TokenFor(ulong user)
    {
      return "ovrnet1." + user + ".1900000000.ab";
    }

    static void Restart()
    {
      Oculus.Platform.Ovrnet.Shutdown();
      Check.That(!Core.IsInitialized(), "still initialised after Ovrnet.Shutdown");
    }

    static Message<T> Await<T>(Request<T> request, string what)
    {
      Message<T> got = null;
      request.OnComplete(delegate (Message<T> msg) { got = msg; });
      Pump(delegate { return got != null; }, what);
      return got;
    }

    static Message Await(Request request, string what)
    {
      Message got = null;
      request.OnComplete(delegate (Message msg) { got = msg; });
      Pump(delegate { return got != null; }, what);
      return got;
    }

    // The game loop's part: Request.RunCallbacks on this (the main) thread until `done`.
    static void Pump(Func<bool> done, string what)
    {
      var clock = Stopwatch.StartNew();
      while (!done())
      {
        if (clock.ElapsedMilliseconds > ReplyTimeoutMs) throw new CheckFailed(what + ": no reply within " + ReplyTimeoutMs + " ms");
        Request.RunCallbacks();
        Thread.Sleep(1);
      }
    }

    static void Emit(string line)
    {
      Console.Out.WriteLine("EVT " + line);
      Console.Out.Flush();
    }
  }
}
