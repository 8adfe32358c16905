using System;
using System.Collections.Generic;

namespace Ovrnet.Tests
{
  // Thrown by Check when an expectation does not hold; its message is the whole failure report.
  sealed class CheckFailed : Exception
  {
    public CheckFailed(string message) : base(message) { }
  }

  static class Check
  {
    public static void That(bool condition, string what)
    {
      if (!condition)
      {
        throw new CheckFailed(what);
      }
    }

    public static void Equal<T>(T expected, T actual, string what)
    {
      if (!EqualityComparer<T>.Default.Equals(expected, actual))
      {
        throw new CheckFailed(what + ": expected " + Show(expected) + ", got " + Show(actual));
      }
    }

    public static void Throws<TException>(Action body, string what) where TException : Exception
    {
      try
      {
        body();
      }
      catch (TException)
      {
        return;
      }
      catch (Exception e)
      {
        throw new CheckFailed(what + ": expected " + typeof(TException).Name + ", got " + e.GetType().Name + ": " + e.Message);
      }
      throw new CheckFailed(what + ": expected " + typeof(TException).Name + ", nothing was thrown");
    }

    static string Show<T>(T value)
    {
      return value == null ? "null" : value.ToString();
    }
  }

  // Runs named cases, prints PASS/FAIL per case and the `N passed, N failed` summary.
  sealed class Runner
  {
    int passed;
    int failed;
    readonly List<string> failures = new List<string>();
    string group = "";

    public int Failed { get { return failed; } }

    public void Group(string name)
    {
      group = name;
      Console.WriteLine();
      Console.WriteLine("== " + name);
    }

    public void Test(string name, Action body)
    {
      string full = group + ": " + name;
      try
      {
        body();
        passed++;
        Console.WriteLine("PASS " + full);
      }
      catch (Exception e)
      {
        failed++;
        string reason = Describe(e);
        failures.Add(full + " -- " + reason);
        Console.WriteLine("FAIL " + full + " -- " + reason);
      }
    }

    public void Summary()
    {
      Console.WriteLine();
      if (failures.Count > 0)
      {
        Console.WriteLine("Failed cases:");
        foreach (string f in failures)
        {
          Console.WriteLine("  " + f);
        }
      }
      Console.WriteLine(passed + " passed, " + failed + " failed");
    }

    static string Describe(Exception e)
    {
      if (e is CheckFailed)
      {
        return e.Message;
      }
      // A missing export surfaces as EntryPointNotFoundException naming the function; Mono
      // appends assembly/type placeholders that say nothing.
      string message = e.Message;
      int noise = message.IndexOf(" assembly:<unknown", StringComparison.Ordinal);
      if (noise > 0) message = message.Substring(0, noise);
      return e.GetType().Name + ": " + message;
    }
  }
}
