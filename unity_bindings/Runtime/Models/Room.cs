using System;
using System.Collections.Generic;

namespace Oculus.Platform.Models
{
  // A room as a reply or RoomUpdate reports it, copied out while the message is alive.
  // Matchmaking and teams do not exist in ovrnet, so this model has no MatchedUsers or Teams
  // (and does not call ovr_Room_GetMatchedUsers / ovr_Room_GetTeams).
  public class Room
  {
    public Room(IntPtr o)
    {
      ApplicationID = CAPI.ovr_Room_GetApplicationID(o);
      DataStore = ReadDataStore(CAPI.ovr_Room_GetDataStore(o));
      Description = CAPI.ovr_Room_GetDescription(o) ?? string.Empty;
      ID = CAPI.ovr_Room_GetID(o);
      IntPtr invited = CAPI.ovr_Room_GetInvitedUsers(o);
      InvitedUsers = new UserList(invited);
      InvitedUsersOptional = invited == IntPtr.Zero ? null : InvitedUsers;
      IsMembershipLocked = CAPI.ovr_Room_GetIsMembershipLocked(o);
      JoinPolicy = CAPI.ovr_Room_GetJoinPolicy(o);
      Joinability = CAPI.ovr_Room_GetJoinability(o);
      MaxUsers = CAPI.ovr_Room_GetMaxUsers(o);
      Name = CAPI.ovr_Room_GetName(o) ?? string.Empty;
      IntPtr owner = CAPI.ovr_Room_GetOwner(o);
      Owner = new User(owner);
      OwnerOptional = owner == IntPtr.Zero ? null : Owner;
      Type = CAPI.ovr_Room_GetType(o);
      IntPtr users = CAPI.ovr_Room_GetUsers(o);
      Users = new UserList(users);
      UsersOptional = users == IntPtr.Zero ? null : Users;
      Version = CAPI.ovr_Room_GetVersion(o);
    }

    public readonly ulong ApplicationID;
    public readonly Dictionary<string, string> DataStore;
    public readonly string Description;
    public readonly ulong ID;
    public readonly UserList InvitedUsers;
    // May be null.
    public readonly UserList InvitedUsersOptional;
    public readonly bool IsMembershipLocked;
    public readonly RoomJoinPolicy JoinPolicy;
    public readonly RoomJoinability Joinability;
    public readonly uint MaxUsers;
    public readonly string Name;
    public readonly User Owner;
    // May be null.
    public readonly User OwnerOptional;
    public readonly RoomType Type;
    public readonly UserList Users;
    // May be null.
    public readonly UserList UsersOptional;
    public readonly uint Version;

    private static Dictionary<string, string> ReadDataStore(IntPtr store)
    {
      var result = new Dictionary<string, string>();
      if (store == IntPtr.Zero)
      {
        return result;
      }
      int count = (int)CAPI.ovr_DataStore_GetNumKeys(store).ToUInt64();
      for (int i = 0; i < count; i++)
      {
        string key = CAPI.ovr_DataStore_GetKey(store, i);
        if (key != null)
        {
          result[key] = CAPI.ovr_DataStore_GetValue(store, key) ?? string.Empty;
        }
      }
      return result;
    }
  }
}
