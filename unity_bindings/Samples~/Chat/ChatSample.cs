#if UNITY_5_3_OR_NEWER
using System.Collections.Generic;
using Oculus.Platform;
using UnityEngine;

namespace OvrnetSamples.Chat
{
  // Minimal chat UI: type a peer's user ID and a line, press Send. Initialises from the
  // inspector fields (server, user ID, credential); leave Server empty to use the drop-in
  // configuration (OVRNET_SERVER / OVRNET_USER_ID or an OVRNET_CONFIG file) instead.
  public class ChatSample : MonoBehaviour
  {
    public string Server = "127.0.0.1:7777";
    public string UserId = "1";
    public string Credential = "";

    private ChatSession chat;
    private readonly List<string> log = new List<string>();
    private string peer = "2";
    private string line = "";
    private Vector2 scroll;

    private void Start()
    {
      bool ok;
      if (string.IsNullOrEmpty(Server))
      {
        ok = Ovrnet.InitializeFromConfiguration() == PlatformInitializeResult.Success;
      }
      else
      {
        ok = Ovrnet.Initialize(Server, ulong.Parse(UserId), Credential);
      }
      if (!ok)
      {
        log.Add("Initialisation failed; see the console.");
        enabled = false;
        return;
      }
      chat = new ChatSession();
      chat.LineReceived += delegate (ulong from, string text) { log.Add(from + ": " + text); };
      chat.StateChanged += delegate (ulong who, PeerConnectionState state) { log.Add("(" + who + " " + state + ")"); };
      log.Add("I am " + Ovrnet.GetLoggedInUserID());
    }

    private void Update()
    {
      // The package's CallbackRunner pumps callbacks; we only drain packets.
      chat.Update();
    }

    private void OnGUI()
    {
      GUILayout.BeginArea(new Rect(10, 10, 420, 400));
      scroll = GUILayout.BeginScrollView(scroll, GUILayout.Height(300));
      foreach (string entry in log) GUILayout.Label(entry);
      GUILayout.EndScrollView();
      GUILayout.BeginHorizontal();
      GUILayout.Label("To", GUILayout.Width(24));
      peer = GUILayout.TextField(peer, GUILayout.Width(80));
      line = GUILayout.TextField(line);
      ulong to;
      if (GUILayout.Button("Send", GUILayout.Width(60)) && ulong.TryParse(peer, out to) && line.Length > 0)
      {
        log.Add(chat.Say(to, line) ? "me: " + line : "(not sent)");
        line = "";
      }
      GUILayout.EndHorizontal();
      GUILayout.EndArea();
    }
  }
}
#endif
