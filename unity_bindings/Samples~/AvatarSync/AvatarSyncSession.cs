using System.Collections.Generic;
using Oculus.Platform;
using Oculus.Platform.Models;

namespace OvrnetSamples.AvatarSync
{
  // Avatar synchronisation in the shape of the Oculus VRVoiceChat sample's P2PManager:
  // - of two users, the one with the lower ID connects, the other accepts when asked;
  // - each sends its body pose unreliably at 10 Hz (losing one is fine, the next replaces it);
  // - a connection that times out is retried by the lower ID, after a pause that doubles up to
  //   MaxRetryDelay (the server reports an offline peer at once, and retrying instantly would
  //   spin);
  // - received poses are interpolated (RemoteAvatar).
  // Independent of UnityEngine; AvatarSyncSample drives it from a MonoBehaviour.
  public sealed class AvatarSyncSession
  {
    public const float SendInterval = 0.1f;
    public const float FirstRetryDelay = 1f;
    public const float MaxRetryDelay = 8f;

    // Packet: type (1) | sender id (8) | sequence (4) | pose (28).
    private const byte PoseUpdate = 1;
    private const int PacketBytes = 1 + 8 + 4 + Pose.Bytes;

    private readonly ulong myID;
    private readonly Dictionary<ulong, RemoteAvatar> remotes = new Dictionary<ulong, RemoteAvatar>();
    private readonly byte[] sendBuffer = new byte[PacketBytes];
    private readonly byte[] receiveBuffer = new byte[PacketBytes];
    private uint sequence;
    private float nextSend;

    // Peers whose connection timed out, with when to try again and the pause after that.
    private sealed class Retry
    {
      public float At = float.NaN;
      public float Delay = FirstRetryDelay;
      public bool Pending;
    }

    private readonly Dictionary<ulong, Retry> retries = new Dictionary<ulong, Retry>();

    public int ConnectAttempts { get; private set; }
    public int PacketsSent { get; private set; }

    public AvatarSyncSession(ulong myID)
    {
      this.myID = myID;
      Net.SetPeerConnectRequestCallback(OnPeerConnectRequest);
      Net.SetConnectionStateChangedCallback(OnConnectionStateChanged);
    }

    public IEnumerable<RemoteAvatar> Remotes { get { return remotes.Values; } }

    public RemoteAvatar Remote(ulong id)
    {
      RemoteAvatar remote;
      return remotes.TryGetValue(id, out remote) ? remote : null;
    }

    // Starts syncing with another user (e.g. a room member).
    public void AddRemote(ulong userID)
    {
      if (userID == myID || remotes.ContainsKey(userID)) return;
      var remote = new RemoteAvatar(userID);
      remotes[userID] = remote;
      if (Net.IsConnected(userID))
      {
        remote.State = PeerConnectionState.Connected; // e.g. connected earlier for voice or chat
        return;
      }
      ConnectTo(userID);
    }

    public void RemoveRemote(ulong userID)
    {
      retries.Remove(userID);
      if (remotes.Remove(userID)) Net.Close(userID);
    }

    // Call every frame (after Request.RunCallbacks) with the time in seconds and our pose.
    public void Update(float now, Pose local)
    {
      ReceiveUpdates(now);
      RetryTimedOut(now);
      if (now < nextSend) return;
      nextSend = now + SendInterval;
      sequence++;
      sendBuffer[0] = PoseUpdate;
      WriteULong(sendBuffer, 1, myID);
      Pose.WriteUInt(sendBuffer, 9, sequence);
      local.Write(sendBuffer, 13);
      foreach (RemoteAvatar remote in remotes.Values)
      {
        if (remote.State == PeerConnectionState.Connected && Net.SendPacket(remote.ID, sendBuffer, 0, PacketBytes, SendPolicy.Unreliable))
        {
          PacketsSent++;
        }
      }
    }

    private void ConnectTo(ulong userID)
    {
      // Both sides connecting at once would be two competing attempts; the lower ID asks.
      if (myID < userID)
      {
        ConnectAttempts++;
        Net.Connect(userID);
      }
    }

    private void OnPeerConnectRequest(Message<NetworkingPeer> msg)
    {
      if (remotes.ContainsKey(msg.Data.ID)) Net.Accept(msg.Data.ID);
    }

    private void OnConnectionStateChanged(Message<NetworkingPeer> msg)
    {
      RemoteAvatar remote = Remote(msg.Data.ID);
      if (remote == null) return;
      remote.State = msg.Data.State;
      Retry retry;
      if (!retries.TryGetValue(remote.ID, out retry))
      {
        retry = new Retry();
        retries[remote.ID] = retry;
      }
      if (msg.Data.State == PeerConnectionState.Timeout)
      {
        retry.Pending = true; // the peer was not there yet, or went silent: try again soon
      }
      else if (msg.Data.State == PeerConnectionState.Connected)
      {
        retry.Delay = FirstRetryDelay;
      }
    }

    private void RetryTimedOut(float now)
    {
      foreach (var pair in retries)
      {
        Retry retry = pair.Value;
        if (!retry.Pending) continue;
        if (float.IsNaN(retry.At))
        {
          retry.At = now + retry.Delay;
          retry.Delay = System.Math.Min(retry.Delay * 2, MaxRetryDelay);
        }
        if (now < retry.At) continue;
        retry.Pending = false;
        retry.At = float.NaN;
        ConnectTo(pair.Key);
      }
    }

    private void ReceiveUpdates(float now)
    {
      Packet packet;
      while ((packet = Net.ReadPacket()) != null)
      {
        ulong sender;
        using (packet)
        {
          if (packet.Size != PacketBytes) continue;
          sender = packet.SenderID;
          packet.ReadBytes(receiveBuffer);
        }
        // The id in the payload is informational (the original format carries it); who sent the
        // packet is what the transport says.
        if (receiveBuffer[0] != PoseUpdate || ReadULong(receiveBuffer, 1) != sender) continue;
        RemoteAvatar remote = Remote(sender);
        if (remote == null) continue;
        remote.Push(Pose.ReadUInt(receiveBuffer, 9), Pose.Read(receiveBuffer, 13), now);
      }
    }

    private static void WriteULong(byte[] b, int o, ulong v)
    {
      Pose.WriteUInt(b, o, (uint)v);
      Pose.WriteUInt(b, o + 4, (uint)(v >> 32));
    }

    private static ulong ReadULong(byte[] b, int o)
    {
      return Pose.ReadUInt(b, o) | (ulong)Pose.ReadUInt(b, o + 4) << 32;
    }
  }
}
