using System;

namespace Oculus.Platform
{
  // Where the wrapper reports problems: Ovrnet.LogHandler if set, else the Unity console, else
  // stderr. Kept apart from UnityEngine so everything but the runner compiles without Unity.
  internal static class OvrnetLog
  {
    internal static void Error(string text)
    {
      Action<string> handler = Ovrnet.LogHandler;
      if (handler != null)
      {
        handler("ovrnet: " + text);
        return;
      }
#if UNITY_5_3_OR_NEWER
      UnityEngine.Debug.LogError("ovrnet: " + text);
#else
      Console.Error.WriteLine("ovrnet: " + text);
#endif
    }

    internal static void Exception(string context, Exception e)
    {
      Error(context + "\n" + e);
    }

    // Inside Unity, makes sure a CallbackRunner pumps messages every frame after an init.
    internal static void EnsurePump()
    {
#if UNITY_5_3_OR_NEWER
      CallbackRunner.EnsureExists();
#endif
    }
  }
}
