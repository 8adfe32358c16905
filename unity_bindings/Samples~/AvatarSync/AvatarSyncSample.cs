#if UNITY_5_3_OR_NEWER
using Oculus.Platform;
using UnityEngine;

namespace OvrnetSamples.AvatarSync
{
  // Put this on an object representing the local body; assign a prefab for remote avatars and
  // list the user IDs to sync with (in a real game: the members of the current room, from
  // Rooms.SetUpdateNotificationCallback). Initialises from the drop-in configuration
  // (OVRNET_SERVER / OVRNET_USER_ID or OVRNET_CONFIG) unless Server is set.
  public class AvatarSyncSample : MonoBehaviour
  {
    public string Server = "";
    public string UserId = "1";
    public string Credential = "";
    public string[] RemoteUserIds = { "2" };
    public GameObject RemoteAvatarPrefab;

    private AvatarSyncSession session;
    private readonly System.Collections.Generic.Dictionary<ulong, Transform> shown =
      new System.Collections.Generic.Dictionary<ulong, Transform>();

    private void Start()
    {
      bool ok = string.IsNullOrEmpty(Server)
        ? Ovrnet.InitializeFromConfiguration() == PlatformInitializeResult.Success
        : Ovrnet.Initialize(Server, ulong.Parse(UserId), Credential);
      if (!ok)
      {
        Debug.LogError("AvatarSyncSample: initialisation failed");
        enabled = false;
        return;
      }
      session = new AvatarSyncSession(Ovrnet.GetLoggedInUserID());
      foreach (string id in RemoteUserIds)
      {
        session.AddRemote(ulong.Parse(id));
      }
    }

    private void Update()
    {
      Transform body = transform;
      var local = new Pose
      {
        PX = body.localPosition.x, PY = body.localPosition.y, PZ = body.localPosition.z,
        RX = body.localRotation.x, RY = body.localRotation.y, RZ = body.localRotation.z, RW = body.localRotation.w,
      };
      session.Update(Time.time, local);
      foreach (RemoteAvatar remote in session.Remotes)
      {
        if (!remote.HasPose) continue;
        Transform avatar;
        if (!shown.TryGetValue(remote.ID, out avatar))
        {
          avatar = RemoteAvatarPrefab != null ? Instantiate(RemoteAvatarPrefab).transform : GameObject.CreatePrimitive(PrimitiveType.Capsule).transform;
          avatar.name = "Remote " + remote.ID;
          shown[remote.ID] = avatar;
        }
        Pose p = remote.Sample(Time.time);
        avatar.localPosition = new Vector3(p.PX, p.PY, p.PZ);
        avatar.localRotation = new Quaternion(p.RX, p.RY, p.RZ, p.RW);
      }
    }
  }
}
#endif
