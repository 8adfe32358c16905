#if UNITY_5_3_OR_NEWER
using UnityEngine;

namespace Oculus.Platform
{
  // Pumps messages every frame on Unity's main thread, so Request.OnComplete and the Net /
  // Rooms notification handlers run without the game calling Request.RunCallbacks itself
  // (calling it as well is harmless). Created by the init calls if the scene has none; survives
  // scene loads. Compiled only inside Unity.
  public class CallbackRunner : MonoBehaviour
  {
    // Shut the library down when the application quits (and when play mode ends in the editor,
    // where the native library stays loaded between sessions).
    public bool ShutdownOnQuit = true;

    private static CallbackRunner instance;

    internal static void EnsureExists()
    {
      if (instance != null)
      {
        return;
      }
      instance = FindObjectOfType<CallbackRunner>();
      if (instance == null)
      {
        var go = new GameObject("Oculus.Platform.CallbackRunner");
        instance = go.AddComponent<CallbackRunner>();
      }
    }

    private void Awake()
    {
      if (instance != null && instance != this)
      {
        Destroy(this);
        return;
      }
      instance = this;
      DontDestroyOnLoad(gameObject);
    }

    private void Update()
    {
      Request.RunCallbacks();
    }

    private void OnApplicationQuit()
    {
      Callback.OnApplicationQuit();
      if (ShutdownOnQuit)
      {
        Ovrnet.Shutdown();
      }
    }

    private void OnDestroy()
    {
      if (instance == this)
      {
        instance = null;
      }
    }
  }
}
#endif
