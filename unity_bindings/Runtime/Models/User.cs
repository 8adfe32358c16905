using System;

namespace Oculus.Platform.Models
{
  // A room member. ovrnet knows a user's 64-bit ID, and the OculusID / DisplayName the server
  // reports; it has no avatars, invitations or presence, so those fields keep fixed empty
  // values (read without a native call, so the library need not export getters for them).
  public class User
  {
    public User(IntPtr o)
    {
      ID = CAPI.ovr_User_GetID(o);
      OculusID = CAPI.ovr_User_GetOculusID(o) ?? string.Empty;
      DisplayName = CAPI.ovr_User_GetDisplayName(o) ?? string.Empty;
      ImageURL = string.Empty;
      SmallImageUrl = string.Empty;
      InviteToken = string.Empty;
      Presence = string.Empty;
      PresenceDeeplinkMessage = string.Empty;
      PresenceStatus = UserPresenceStatus.Unknown;
    }

    public readonly ulong ID;
    public readonly string OculusID;
    public readonly string DisplayName;
    public readonly string ImageURL;
    public readonly string SmallImageUrl;
    public readonly string InviteToken;
    public readonly string Presence;
    public readonly string PresenceDeeplinkMessage;
    public readonly UserPresenceStatus PresenceStatus;
  }
}
