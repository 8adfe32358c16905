using System;
using System.Collections.Generic;

namespace Oculus.Platform.Models
{
  // The users of a native user array, copied out while the message is alive. A NULL array gives
  // an empty list without calling into the library.
  public class UserList : DeserializableList<User>
  {
    private readonly bool hasNextPage;

    public UserList(IntPtr a)
    {
      if (a == IntPtr.Zero)
      {
        _Data = new List<User>();
        return;
      }
      int count = (int)CAPI.ovr_UserArray_GetSize(a).ToUInt64();
      _Data = new List<User>(count);
      for (int i = 0; i < count; i++)
      {
        _Data.Add(new User(CAPI.ovr_UserArray_GetElement(a, (UIntPtr)(uint)i)));
      }
      _NextUrl = CAPI.ovr_UserArray_GetNextUrl(a);
      hasNextPage = CAPI.ovr_UserArray_HasNextPage(a);
    }

    public override bool HasNextPage
    {
      get { return hasNextPage || base.HasNextPage; }
    }
  }
}
