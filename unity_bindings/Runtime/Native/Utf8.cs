using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Oculus.Platform
{
  // UTF-8 conversion done by hand. The runtime's own string marshalling means ANSI (the system
  // code page) on Windows .NET and older Unity players, which would mangle any non-ASCII room
  // name, user name or error text; the C side always speaks UTF-8.
  internal static class Utf8
  {
    // Invalid byte sequences become U+FFFD instead of throwing: text from the network must
    // never take the game down.
    private static readonly UTF8Encoding Encoding = new UTF8Encoding(false, false);

    // A NUL-terminated UTF-8 string owned by the library, copied into a managed string.
    // NULL gives null.
    internal static string FromNative(IntPtr pointer)
    {
      if (pointer == IntPtr.Zero)
      {
        return null;
      }
      int length = 0;
      while (Marshal.ReadByte(pointer, length) != 0)
      {
        length++;
      }
      if (length == 0)
      {
        return string.Empty;
      }
      byte[] bytes = new byte[length];
      Marshal.Copy(pointer, bytes, 0, length);
      return Encoding.GetString(bytes);
    }

    // A NUL-terminated UTF-8 copy to pass as a byte[] argument (the runtime pins it for the
    // call). null stays null, which the C side receives as NULL.
    internal static byte[] ToNative(string text)
    {
      if (text == null)
      {
        return null;
      }
      int length = Encoding.GetByteCount(text);
      byte[] bytes = new byte[length + 1];
      Encoding.GetBytes(text, 0, text.Length, bytes, 0);
      return bytes;
    }

    // An unmanaged NUL-terminated UTF-8 copy, for pointer fields inside structs. Free it with
    // FreeNative once the call returns. null gives IntPtr.Zero.
    internal static IntPtr AllocNative(string text)
    {
      byte[] bytes = ToNative(text);
      if (bytes == null)
      {
        return IntPtr.Zero;
      }
      IntPtr pointer = Marshal.AllocHGlobal(bytes.Length);
      Marshal.Copy(bytes, 0, pointer, bytes.Length);
      return pointer;
    }

    internal static void FreeNative(IntPtr pointer)
    {
      if (pointer != IntPtr.Zero)
      {
        Marshal.FreeHGlobal(pointer);
      }
    }
  }
}
