namespace Oculus.Platform.Models
{
  // Payload of PeerConnectRequest and ConnectionStateChange: who, and (for the latter) the new
  // state of the connection to them.
  public class NetworkingPeer
  {
    public NetworkingPeer(ulong id, PeerConnectionState state)
    {
      ID = id;
      State = state;
    }

    public ulong ID { get; private set; }
    public PeerConnectionState State { get; private set; }
  }
}
