using System;

namespace Oculus.Platform
{
  // The raw C ABI of libovrnet, split over the CAPI.*.cs files by concept (this file holds what
  // they share). Rules every declaration here follows, checked by the Mono test suite:
  // - CallingConvention.Cdecl on every DllImport: the library exports plain C functions, and
  //   32-bit Windows would otherwise assume stdcall.
  // - [MarshalAs(UnmanagedType.I1)] on every bool, return or argument: the C side is a one-byte
  //   _Bool, and the runtime's default (a four-byte Win32 BOOL) would read or write three bytes
  //   the callee never defined.
  // - No string in any signature: strings cross as IntPtr / byte[] and are converted by Utf8,
  //   because the default string marshalling is ANSI on some runtimes and platforms.
  // - No bool inside a marshalled struct, for the same width reason.
  // The class is public, like the original SDK's, so game code that calls CAPI directly keeps
  // compiling.
  public static partial class CAPI
  {
#if UNITY_IOS && !UNITY_EDITOR
    // iOS links the static library into the player; symbols resolve from the executable.
    public const string DLL_NAME = "__Internal";
#else
    // libovrnet.so / ovrnet.dll / libovrnet.dylib: the runtime adds prefix and suffix.
    public const string DLL_NAME = "ovrnet";
#endif

    // Room and user models read strings the same way everywhere; kept here so the per-concept
    // files stay declarations only.
    internal static string StringFromNative(IntPtr pointer)
    {
      return Utf8.FromNative(pointer);
    }
  }
}
