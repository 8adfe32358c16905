using System;
using System.Collections.Generic;
using System.IO;
using Oculus.Platform;

namespace Ovrnet.Tests
{
  // Console test program for the C# wrapper under Mono, against the real native library and a
  // real ovrnet-server (scripts/test-csharp.sh builds and starts both).
  //   OvrnetTests.exe main <server host:port> <path to libovrnet.so> <path to ovrnet.h> <package root>
  //   OvrnetTests.exe peer <user id>          (child process; configured by the environment)
  //   OvrnetTests.exe unityinit <server>      (child process; the Unity init family, no environment)
  static class Program
  {
    static int Main(string[] args)
    {
      if (args.Length == 2 && args[0] == "peer")
      {
        return PeerMain.Run(ulong.Parse(args[1]));
      }
      if (args.Length == 2 && args[0] == "unityinit")
      {
        return UnityInitTests.ChildMain(args[1]);
      }
      if (args.Length != 5 || args[0] != "main")
      {
        Console.Error.WriteLine("usage: OvrnetTests.exe main SERVER LIBRARY HEADER PACKAGE_ROOT | peer USER_ID | unityinit SERVER");
        return 2;
      }
      string server = args[1];
      string library = args[2];
      string header = args[3];
      string package = Path.GetFullPath(args[4]);
      string exe = typeof(Program).Assembly.Location;
      var runner = new Runner();

      PackageTests.Run(runner, package);
      AbiTests.Run(runner, library, header);
      World.InstallHandlers();
      BeforeInitTests.Run(runner);
      // In a child process of its own, so it does not depend on (or disturb) this one's init.
      UnityInitTests.Run(runner, exe, server);
      if (!InitTests.Run(runner, server))
      {
        runner.Summary();
        return 1;
      }

      PeerProcess b = null;
      PeerProcess c = null;
      string configFile = Path.Combine(Path.GetTempPath(), "ovrnet-test-" + System.Diagnostics.Process.GetCurrentProcess().Id + ".conf");
      try
      {
        runner.Group("peers");
        runner.Test("child B initialises from OVRNET_* variables (Core.AsyncInitialize)", delegate
        {
          b = new PeerProcess("B", exe, World.B, server, new Dictionary<string, string>
          {
            { "OVRNET_SERVER", server },
            { "OVRNET_USER_ID", World.B.ToString() },
            { "OVRNET_CREDENTIAL", "secret-b" },
            { "OVRNET_BIND", "127.0.0.1" },
            { "OVRNET_CONNECT_TIMEOUT_MS", "2000" },
          });
          string[] ready = b.MustExpect("ready", 10000);
          Check.Equal(World.B.ToString(), ready[0], "B's logged-in user id");
          Check.Equal("Success", ready[1], "B's init result");
        });
        runner.Test("child C initialises from an OVRNET_CONFIG file (Core.AsyncInitialize)", delegate
        {
          File.WriteAllText(configFile, "# written by the C# tests\nserver = " + server + "\nuser_id = " + World.C +
            "\ncredential = secret-c\nbind = 127.0.0.1\nconnect_timeout_ms = 2000\n");
          c = new PeerProcess("C", exe, World.C, server, new Dictionary<string, string> { { "OVRNET_CONFIG", configFile } });
          string[] ready = c.MustExpect("ready", 10000);
          Check.Equal(World.C.ToString(), ready[0], "C's logged-in user id");
        });
        if (b == null || b.HasExited)
        {
          runner.Summary();
          return 1;
        }

        P2PTests.Run(runner, b);
        DispatchTests.Run(runner);
        LifetimeTests.Run(runner);
        SampleTests.Run(runner, b);
        if (c != null && !c.HasExited)
        {
          RoomTests.Run(runner, b, c, header);
        }
        ShutdownTests.Run(runner, server);
      }
      finally
      {
        if (b != null) b.Dispose();
        if (c != null) c.Dispose();
        File.Delete(configFile);
      }
      runner.Summary();
      return runner.Failed == 0 ? 0 : 1;
    }
  }
}
