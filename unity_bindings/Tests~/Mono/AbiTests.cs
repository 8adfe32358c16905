using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Oculus.Platform;

namespace Ovrnet.Tests
{
  // Static checks of the wrapper assembly against the native library and the C header: how
  // every import is declared, that every import exists, and that enums and structs match.
  static class AbiTests
  {
    [DllImport("libdl.so.2")]
    static extern IntPtr dlopen(string file, int mode);

    [DllImport("libdl.so.2")]
    static extern IntPtr dlsym(IntPtr handle, string name);

    const int RTLD_NOW = 2;

    public static void Run(Runner r, string libraryPath, string headerPath)
    {
      r.Group("abi");
      List<MethodInfo> imports = Imports();

      r.Test("the wrapper declares the C ABI's imports", delegate
      {
        Check.That(imports.Count >= 60, "only " + imports.Count + " DllImport methods found");
      });

      r.Test("every DllImport is Cdecl and names the ovrnet library", delegate
      {
        var bad = new List<string>();
        foreach (MethodInfo m in imports)
        {
          DllImportAttribute a = Import(m);
          if (a.CallingConvention != CallingConvention.Cdecl) bad.Add(m.Name + " is " + a.CallingConvention);
          if (a.Value != CAPI.DLL_NAME) bad.Add(m.Name + " imports from " + a.Value);
        }
        Check.That(bad.Count == 0, string.Join("; ", bad.ToArray()));
      });

      r.Test("every bool return and argument is marshalled as I1", delegate
      {
        var bad = new List<string>();
        foreach (MethodInfo m in imports)
        {
          foreach (ParameterInfo p in new[] { m.ReturnParameter }.Concat(m.GetParameters()))
          {
            Type t = p.ParameterType.IsByRef ? p.ParameterType.GetElementType() : p.ParameterType;
            if (t != typeof(bool)) continue;
            var ma = (MarshalAsAttribute)Attribute.GetCustomAttribute(p, typeof(MarshalAsAttribute));
            if (ma == null || ma.Value != UnmanagedType.I1)
            {
              bad.Add(m.Name + (p.Position < 0 ? " return" : " argument " + p.Name));
            }
          }
        }
        Check.That(bad.Count == 0, "not I1: " + string.Join(", ", bad.ToArray()));
      });

      r.Test("no string crosses by default marshalling and no bool sits in a marshalled struct", delegate
      {
        var bad = new List<string>();
        foreach (MethodInfo m in imports)
        {
          foreach (ParameterInfo p in new[] { m.ReturnParameter }.Concat(m.GetParameters()))
          {
            Type t = p.ParameterType.IsByRef ? p.ParameterType.GetElementType() : p.ParameterType;
            if (t == typeof(string) || t == typeof(System.Text.StringBuilder)) bad.Add(m.Name + " passes " + t.Name);
            if (t.IsValueType && !t.IsPrimitive && !t.IsEnum && t != typeof(IntPtr) && t != typeof(UIntPtr))
            {
              foreach (FieldInfo f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
              {
                if (f.FieldType == typeof(bool) || f.FieldType == typeof(string)) bad.Add(t.Name + "." + f.Name + " is " + f.FieldType.Name);
              }
            }
          }
        }
        Check.That(bad.Count == 0, string.Join("; ", bad.ToArray()));
      });

      r.Test("every DllImport entry point is exported by the native library", delegate
      {
        IntPtr lib = dlopen(libraryPath, RTLD_NOW);
        Check.That(lib != IntPtr.Zero, "dlopen " + libraryPath + " failed");
        var missing = new SortedSet<string>();
        foreach (MethodInfo m in imports)
        {
          string entry = Import(m).EntryPoint ?? m.Name;
          if (dlsym(lib, entry) == IntPtr.Zero) missing.Add(entry);
        }
        Check.That(missing.Count == 0, missing.Count + " of " + imports.Count + " imports missing from " + Path.GetFileName(libraryPath) + ": " + string.Join(", ", missing.ToArray()));
      });

      r.Test("enum values equal include/ovrnet.h", delegate
      {
        Dictionary<string, long> header = HeaderConstants(headerPath);
        var bad = new List<string>();
        Compare(header, "ovrSend_", typeof(SendPolicy), bad, true);
        Compare(header, "ovrPeerState_", typeof(PeerConnectionState), bad, true);
        Compare(header, "ovrRoom_JoinPolicy", typeof(RoomJoinPolicy), bad, true);
        Compare(header, "ovrPlatformInitialize_", typeof(PlatformInitializeResult), bad, true);
        // The header lists every message type of the original SDK; the wrapper names the ones
        // it parses (others still arrive as a plain Message with their numeric Type).
        Compare(header, "ovrMessage_", typeof(Message.MessageType), bad, false);
        Check.That(bad.Count == 0, string.Join("; ", bad.ToArray()));
      });

      r.Test("OvrnetStats and the config struct have the header's fields in order", delegate
      {
        string text = File.ReadAllText(headerPath);
        CompareStruct(text, "ovrnetStats", typeof(OvrnetStats));
        Type config = typeof(CAPI).GetNestedType("ovrnetConfig", BindingFlags.NonPublic);
        CompareStruct(text, "ovrnetConfig", config);
        Check.Equal(17 * 8, Marshal.SizeOf(typeof(OvrnetStats)), "OvrnetStats size");
      });
    }

    // Every P/Invoke method in the wrapper assembly, public or not.
    internal static List<MethodInfo> Imports()
    {
      var found = new List<MethodInfo>();
      foreach (Type t in typeof(Net).Assembly.GetTypes())
      {
        foreach (MethodInfo m in t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        {
          if ((m.Attributes & MethodAttributes.PinvokeImpl) != 0) found.Add(m);
        }
      }
      return found;
    }

    static DllImportAttribute Import(MethodInfo m)
    {
      var a = (DllImportAttribute)Attribute.GetCustomAttribute(m, typeof(DllImportAttribute));
      if (a == null) throw new CheckFailed("no DllImportAttribute readable on " + m.Name);
      return a;
    }

    // `name = value,` lines of the header's enums.
    internal static Dictionary<string, long> HeaderConstants(string headerPath)
    {
      var result = new Dictionary<string, long>();
      foreach (string line in File.ReadAllLines(headerPath))
      {
        Match m = Regex.Match(line, @"^\s*(ovr\w+)\s*=\s*(-?\d+),?\s*$");
        if (m.Success) result[m.Groups[1].Value] = long.Parse(m.Groups[2].Value);
      }
      return result;
    }

    // Each C# member appears in the header with the same value; with allOfHeader, also each
    // header constant with the prefix has a C# member.
    static void Compare(Dictionary<string, long> header, string prefix, Type csharp, List<string> bad, bool allOfHeader, params string[] checkedElsewhere)
    {
      var names = new HashSet<string>(Enum.GetNames(csharp));
      names.ExceptWith(checkedElsewhere);
      int seen = 0;
      foreach (var pair in header)
      {
        if (!pair.Key.StartsWith(prefix, StringComparison.Ordinal)) continue;
        string member = pair.Key.Substring(prefix.Length);
        seen++;
        if (!names.Contains(member))
        {
          if (allOfHeader) bad.Add(csharp.Name + " lacks " + member);
          continue;
        }
        long value = Convert.ToInt64(Enum.Parse(csharp, member));
        if (value != pair.Value) bad.Add(csharp.Name + "." + member + " = " + value + ", header says " + pair.Value);
        names.Remove(member);
      }
      if (seen == 0) bad.Add("header has no " + prefix + " constants");
      foreach (string extra in names) bad.Add(csharp.Name + "." + extra + " is not in the header");
    }

    internal static void CompareStruct(string headerText, string cName, Type csharp)
    {
      Match m = Regex.Match(headerText, @"typedef struct (?:\w+ )?\{(?<body>[^}]*)\}\s*" + cName + ";");
      if (!m.Success) throw new CheckFailed("header has no struct " + cName);
      var cFields = new List<string>();
      string body = Regex.Replace(m.Groups["body"].Value, @"//[^\n]*", "");
      foreach (Match f in Regex.Matches(body, @"(\w+);"))
      {
        cFields.Add(f.Groups[1].Value.ToLowerInvariant());
      }
      var csFields = csharp.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
        .OrderBy(delegate (FieldInfo f) { return Marshal.OffsetOf(csharp, f.Name).ToInt64(); })
        .Select(delegate (FieldInfo f) { return f.Name.ToLowerInvariant(); }).ToList();
      Check.Equal(string.Join(",", cFields.ToArray()), string.Join(",", csFields.ToArray()), cName + " fields");
    }
  }
}
