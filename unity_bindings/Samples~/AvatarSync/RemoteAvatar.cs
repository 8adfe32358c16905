using Oculus.Platform;

namespace OvrnetSamples.AvatarSync
{
  // What we know about one other user's avatar. Updates arrive unreliably at about 10 Hz; to
  // move smoothly the avatar glides from where it was shown when an update arrived to the new
  // pose over one send interval, instead of jumping 10 times a second.
  public sealed class RemoteAvatar
  {
    public readonly ulong ID;
    public PeerConnectionState State = PeerConnectionState.Unknown;
    public int UpdatesReceived;

    private Pose from = Pose.Identity;
    private Pose to = Pose.Identity;
    private float arrivedAt = float.NegativeInfinity;
    private uint lastSequence;
    private bool any;

    public RemoteAvatar(ulong id)
    {
      ID = id;
    }

    // A received update. Unreliable packets may arrive out of order: an older sequence number
    // than the last one applied is dropped. Returns whether it was applied.
    public bool Push(uint sequence, Pose pose, float now)
    {
      if (any && (int)(sequence - lastSequence) <= 0)
      {
        return false;
      }
      from = any ? Sample(now) : pose;
      to = pose;
      arrivedAt = now;
      lastSequence = sequence;
      any = true;
      UpdatesReceived++;
      return true;
    }

    public bool HasPose { get { return any; } }

    // The pose to show at time `now` (seconds, same clock as Push).
    public Pose Sample(float now)
    {
      float t = (now - arrivedAt) / AvatarSyncSession.SendInterval;
      return Pose.Lerp(from, to, t);
    }
  }
}
