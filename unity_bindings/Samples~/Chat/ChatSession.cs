using System;
using System.Text;
using Oculus.Platform;
using Oculus.Platform.Models;

namespace OvrnetSamples.Chat
{
  // Text chat between users addressed by ID: each line is one reliable packet of UTF-8.
  // Kept free of UnityEngine so it runs anywhere; ChatSample.cs puts a UI on it.
  public sealed class ChatSession
  {
    // A reliable packet holds up to 65535 bytes; chat lines stay far below that.
    public const int MaxLineBytes = 4096;

    private readonly byte[] receiveBuffer = new byte[MaxLineBytes];

    public event Action<ulong, string> LineReceived;
    public event Action<ulong, PeerConnectionState> StateChanged;

    public ChatSession()
    {
      // Anyone who connects to us may chat: accept every request.
      Net.SetPeerConnectRequestCallback(delegate (Message<NetworkingPeer> msg) { Net.Accept(msg.Data.ID); });
      Net.SetConnectionStateChangedCallback(delegate (Message<NetworkingPeer> msg)
      {
        if (StateChanged != null) StateChanged(msg.Data.ID, msg.Data.State);
      });
    }

    // Sends a line; connects implicitly (reliable data waits until the connection is up).
    public bool Say(ulong peer, string line)
    {
      byte[] bytes = Encoding.UTF8.GetBytes(line);
      if (bytes.Length == 0 || bytes.Length > MaxLineBytes)
      {
        return false;
      }
      return Net.SendPacket(peer, bytes, SendPolicy.Reliable);
    }

    // Call every frame after Request.RunCallbacks: hands each received line to LineReceived.
    public void Update()
    {
      Packet packet;
      while ((packet = Net.ReadPacket()) != null)
      {
        using (packet)
        {
          Receive(packet);
        }
      }
    }

    public void Receive(Packet packet)
    {
      if (packet.Size == 0 || packet.Size > MaxLineBytes || packet.Policy != SendPolicy.Reliable)
      {
        return; // not a chat line
      }
      int size = (int)packet.ReadBytes(receiveBuffer);
      if (LineReceived != null)
      {
        LineReceived(packet.SenderID, Encoding.UTF8.GetString(receiveBuffer, 0, size));
      }
    }
  }
}
