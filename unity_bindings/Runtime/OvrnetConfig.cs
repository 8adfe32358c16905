namespace Oculus.Platform
{
  // What Ovrnet.Initialize needs: which server, who this user is, and how to prove it.
  public sealed class OvrnetConfig
  {
    // Rendezvous server as "host:port" (a name, an IPv4 literal, or "[IPv6]:port"). Required.
    public string ServerAddress;

    // This user's 64-bit id; peers address each other by it. Required, non-zero.
    public ulong UserId;

    // Login credential: a token from the game's backend, or any string on an open server.
    public string Credential;

    // Local address to bind ("ip", "ip:port"); null means any address, any port.
    public string BindAddress;

    // Give up a connect after this long; 0 = library default (10 s).
    public uint ConnectTimeoutMs;

    // Close a connection that heard nothing for this long; 0 = library default (10 s).
    public uint IdleTimeoutMs;

    // The server's public key, 64 hex digits (printed by ovrnet-server at start). Peers are then
    // trusted only when this key vouches for them; null trusts the key the login reports.
    public string ServerKey;

    // Whether peers may talk through the server's relay: Auto (default) starts there and moves
    // to the direct path when it works, Never tries only the direct path, Always never gives a
    // player's address to the other. See docs/NAT.md.
    public RelayMode Relay;
  }

  // ovrnetConfigV2.relay values.
  public enum RelayMode
  {
    Auto = 0,
    Never = 1,
    Always = 2,
  }
}
