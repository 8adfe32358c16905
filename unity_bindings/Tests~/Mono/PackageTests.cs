using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Ovrnet.Tests
{
  // The Unity package's layout. Unity refuses assets without a .meta in an immutable package,
  // and a GUID that changes or repeats breaks every project that references it.
  static class PackageTests
  {
    static readonly string[] NativePlugins =
    {
      "Plugins/Linux/x86_64/libovrnet.so",
      "Plugins/Windows/x86_64/ovrnet.dll",
      "Plugins/macOS/libovrnet.dylib",
      "Plugins/Android/arm64-v8a/libovrnet.so",
      "Plugins/iOS/libovrnet.a",
    };

    public static void Run(Runner r, string root)
    {
      r.Group("package");

      r.Test("every asset Unity imports has a .meta and every .meta has its asset", delegate
      {
        var problems = new List<string>();
        foreach (string path in Imported(root))
        {
          if (!File.Exists(path + ".meta")) problems.Add("no meta: " + Rel(root, path));
        }
        foreach (string meta in Directory.GetFiles(root, "*.meta", SearchOption.AllDirectories))
        {
          string asset = meta.Substring(0, meta.Length - 5);
          string rel = Rel(root, asset);
          if (rel.Contains("~")) problems.Add("meta inside an ignored folder: " + rel);
          // The native binaries come from the build; their metas exist without them in git.
          else if (!File.Exists(asset) && !Directory.Exists(asset) && !NativePlugins.Contains(rel)) problems.Add("orphan meta: " + rel);
        }
        Check.That(problems.Count == 0, string.Join("; ", problems.ToArray()));
      });

      r.Test("GUIDs are 32 hex digits and unique", delegate
      {
        var seen = new Dictionary<string, string>();
        var problems = new List<string>();
        foreach (string meta in Directory.GetFiles(root, "*.meta", SearchOption.AllDirectories))
        {
          Match m = Regex.Match(File.ReadAllText(meta), @"^guid: ([0-9a-f]{32})\s*$", RegexOptions.Multiline);
          string rel = Rel(root, meta);
          if (!m.Success) { problems.Add("no valid guid in " + rel); continue; }
          string other;
          if (seen.TryGetValue(m.Groups[1].Value, out other)) problems.Add(rel + " repeats the guid of " + other);
          else seen[m.Groups[1].Value] = rel;
        }
        Check.That(problems.Count == 0, string.Join("; ", problems.ToArray()));
      });

      r.Test("native plugin metas enable exactly their platform", delegate
      {
        Enabled(root, "Plugins/Linux/x86_64/libovrnet.so", "Editor: Editor", "Standalone: Linux64");
        Has(root, "Plugins/Linux/x86_64/libovrnet.so", "OS: Linux");
        Enabled(root, "Plugins/Windows/x86_64/ovrnet.dll", "Editor: Editor", "Standalone: Win64");
        Has(root, "Plugins/Windows/x86_64/ovrnet.dll", "OS: Windows");
        Enabled(root, "Plugins/macOS/libovrnet.dylib", "Editor: Editor", "Standalone: OSXUniversal");
        Has(root, "Plugins/macOS/libovrnet.dylib", "OS: OSX");
        Enabled(root, "Plugins/Android/arm64-v8a/libovrnet.so", "Android: Android");
        Has(root, "Plugins/Android/arm64-v8a/libovrnet.so", "Android: Android\n    second:\n      enabled: 1\n      settings:\n        CPU: ARM64");
        Enabled(root, "Plugins/iOS/libovrnet.a", "iPhone: iOS");
        string capi = File.ReadAllText(Path.Combine(root, "Runtime/Native/CAPI.cs"));
        Check.That(Regex.IsMatch(capi, @"#if UNITY_IOS && !UNITY_EDITOR\s+(//[^\n]*\s+)*public const string DLL_NAME = ""__Internal"";"),
          "iOS does not import from __Internal (static linking)");
      });

      r.Test("package.json, asmdef, README and CHANGELOG are complete", delegate
      {
        string json = File.ReadAllText(Path.Combine(root, "package.json"));
        foreach (string key in new[] { "name", "version", "displayName", "description", "unity", "samples" })
        {
          Check.That(Regex.IsMatch(json, "\"" + key + "\"\\s*:"), "package.json lacks " + key);
        }
        Check.That(Regex.IsMatch(json, "\"version\"\\s*:\\s*\"\\d+\\.\\d+\\.\\d+\""), "version is not semver");
        Check.That(Regex.IsMatch(json, "\"unity\"\\s*:\\s*\"\\d{4}\\.\\d+\""), "unity is not a Unity version");
        foreach (Match m in Regex.Matches(json, "\"path\"\\s*:\\s*\"([^\"]+)\""))
        {
          Check.That(Directory.Exists(Path.Combine(root, m.Groups[1].Value)), "sample path missing: " + m.Groups[1].Value);
        }
        string asmdef = File.ReadAllText(Path.Combine(root, "Runtime/Oculus.Platform.asmdef"));
        Check.That(asmdef.Contains("\"name\": \"Oculus.Platform\""), "asmdef is not named Oculus.Platform");
        Check.That(asmdef.Contains("\"allowUnsafeCode\": true"), "asmdef does not allow the unsafe send overloads");
        Check.That(File.ReadAllText(Path.Combine(root, "README.md")).Contains("test-csharp.sh"), "README does not give the test command");
        Check.That(File.ReadAllText(Path.Combine(root, "CHANGELOG.md")).Contains("## ["), "CHANGELOG has no release section");
      });

      r.Test("only Unity-guarded files use UnityEngine; no #nullable", delegate
      {
        var problems = new List<string>();
        foreach (string dir in new[] { "Runtime", "Samples~" })
        {
          foreach (string file in Directory.GetFiles(Path.Combine(root, dir), "*.cs", SearchOption.AllDirectories))
          {
            // Code only: comments may name UnityEngine freely.
            string text = Regex.Replace(File.ReadAllText(file), @"//[^\n]*", "");
            bool guarded = text.TrimStart().StartsWith("#if UNITY_5_3_OR_NEWER", StringComparison.Ordinal);
            if (Regex.IsMatch(text, @"\bUnityEngine\b") && !guarded && !OnlyInsideGuard(text)) problems.Add(Rel(root, file) + " uses UnityEngine unguarded");
            if (text.Contains("#nullable")) problems.Add(Rel(root, file) + " uses #nullable");
          }
        }
        Check.That(problems.Count == 0, string.Join("; ", problems.ToArray()));
      });
    }

    // Files and folders Unity would import: everything except hidden names, folders ending in
    // '~' (Samples~, Tests~) and the metas themselves.
    static IEnumerable<string> Imported(string dir)
    {
      foreach (string d in Directory.GetDirectories(dir))
      {
        string name = Path.GetFileName(d);
        if (name.StartsWith(".") || name.EndsWith("~")) continue;
        yield return d;
        foreach (string inner in Imported(d)) yield return inner;
      }
      foreach (string f in Directory.GetFiles(dir))
      {
        string name = Path.GetFileName(f);
        if (name.StartsWith(".") || name.EndsWith(".meta")) continue;
        yield return f;
      }
    }

    // UnityEngine mentioned only between `#if UNITY_5_3_OR_NEWER` and its `#endif`.
    static bool OnlyInsideGuard(string text)
    {
      string stripped = Regex.Replace(text, @"#if UNITY_5_3_OR_NEWER.*?#endif", "", RegexOptions.Singleline);
      return !Regex.IsMatch(stripped, @"\bUnityEngine\b");
    }

    static void Enabled(string root, string plugin, params string[] platforms)
    {
      string meta = File.ReadAllText(Path.Combine(root, plugin + ".meta"));
      var enabled = new List<string>();
      foreach (Match m in Regex.Matches(meta, @"- first:\n\s+(?<key>[^\n]+)\n\s+second:\n\s+enabled: 1"))
      {
        enabled.Add(m.Groups["key"].Value.Trim());
      }
      enabled.Sort(StringComparer.Ordinal);
      var want = platforms.ToList();
      want.Sort(StringComparer.Ordinal);
      Check.Equal(string.Join(", ", want.ToArray()), string.Join(", ", enabled.ToArray()), plugin + " enabled platforms");
    }

    static void Has(string root, string plugin, string fragment)
    {
      Check.That(File.ReadAllText(Path.Combine(root, plugin + ".meta")).Contains(fragment), plugin + ".meta lacks '" + fragment.Replace("\n", "\\n") + "'");
    }

    static string Rel(string root, string path)
    {
      return path.Substring(root.Length).TrimStart('/').Replace('\\', '/');
    }
  }
}
