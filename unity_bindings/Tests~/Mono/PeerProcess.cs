using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Ovrnet.Tests
{
  // A second (or third) user in its own mono process, running PeerMain. The test sends it
  // commands on stdin and reads its `EVT ...` lines from stdout; everything else it prints is
  // passed through to our stderr.
  sealed class PeerProcess : IDisposable
  {
    readonly Process process;
    readonly List<string> events = new List<string>();
    readonly string name;

    public PeerProcess(string name, string exe, ulong userId, string server, Dictionary<string, string> env)
      : this(name, StartInfo(exe, "peer " + userId, env))
    {
    }

    // Any child mode of the test program; `start` comes from StartInfo and may be adjusted
    // (working directory, environment) before it is passed here.
    public PeerProcess(string name, ProcessStartInfo start)
    {
      this.name = name;
      process = Process.Start(start);
      var reader = new Thread(ReadLoop);
      reader.IsBackground = true;
      reader.Start();
    }

    public bool HasExited { get { return process.HasExited; } }

    public void Send(string command)
    {
      process.StandardInput.WriteLine(command);
      process.StandardInput.Flush();
    }

    // Waits (pumping our own side meanwhile) for an event line starting with `prefix`, consumes
    // it and returns its remaining words; null on timeout.
    public string[] Expect(string prefix, int timeoutMs)
    {
      string found = null;
      World.Until(delegate
      {
        lock (events)
        {
          int i = events.FindIndex(delegate (string e) { return e.StartsWith(prefix, StringComparison.Ordinal); });
          if (i < 0) return false;
          found = events[i];
          events.RemoveAt(i);
          return true;
        }
      }, timeoutMs);
      if (found == null)
      {
        return null;
      }
      return found.Substring(prefix.Length).Trim().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
    }

    public string[] MustExpect(string prefix, int timeoutMs)
    {
      string[] words = Expect(prefix, timeoutMs);
      if (words == null)
      {
        string why = "";
        lock (events)
        {
          string failure = events.FindLast(delegate (string e) { return e.StartsWith("failed ", StringComparison.Ordinal); });
          if (failure != null) why = " (its last failure: " + failure.Substring(7) + ")";
        }
        if (process.HasExited) why += " (it exited with " + process.ExitCode + ")";
        throw new CheckFailed(name + " did not report '" + prefix + "' within " + timeoutMs + " ms" + why);
      }
      return words;
    }

    public void Dispose()
    {
      try
      {
        if (!process.HasExited)
        {
          Send("quit");
          if (!process.WaitForExit(5000))
          {
            process.Kill();
          }
        }
      }
      catch (Exception)
      {
        // Already gone.
      }
    }

    void ReadLoop()
    {
      string line;
      while ((line = process.StandardOutput.ReadLine()) != null)
      {
        if (line.StartsWith("EVT ", StringComparison.Ordinal))
        {
          lock (events) { events.Add(line.Substring(4)); }
        }
        else
        {
          Console.Error.WriteLine("[" + name + "] " + line);
        }
      }
    }

    // `mono <exe> <arguments>` with our environment plus `env`, stdin and stdout redirected.
    public static ProcessStartInfo StartInfo(string exe, string arguments, Dictionary<string, string> env)
    {
      var start = new ProcessStartInfo(MonoPath(), "--debug \"" + exe + "\" " + arguments);
      start.UseShellExecute = false;
      start.RedirectStandardInput = true;
      start.RedirectStandardOutput = true;
      foreach (var pair in env)
      {
        start.EnvironmentVariables[pair.Key] = pair.Value;
      }
      return start;
    }

    // The same runtime binary that runs us.
    static string MonoPath()
    {
      string env = Environment.GetEnvironmentVariable("MONO_EXE");
      return string.IsNullOrEmpty(env) ? "mono" : env;
    }
  }
}
