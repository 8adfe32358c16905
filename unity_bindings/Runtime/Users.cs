using Oculus.Platform.Models;

namespace Oculus.Platform
{
  // The user calls stock games make right after init. ovrnet has no profile service: the
  // library answers at once with users known by id (OculusID and DisplayName are the decimal
  // id). Requests return null before initialisation, as in the original SDK.
  public static class Users
  {
    // Reply: Message<User> with the configured user id.
    public static Request<User> GetLoggedInUser()
    {
      if (!Core.InitializedOrLog())
      {
        return null;
      }
      return new Request<User>(CAPI.ovr_User_GetLoggedInUser());
    }

    // Reply: Message<User> for that id; an error reply for id 0.
    public static Request<User> Get(ulong userID)
    {
      if (!Core.InitializedOrLog())
      {
        return null;
      }
      return new Request<User>(CAPI.ovr_User_Get(userID));
    }

    // "en-US" once initialised (ovrnet has no profiles); "" before, like the original.
    public static string GetLoggedInUserLocale()
    {
      if (!Core.InitializedOrLog())
      {
        return string.Empty;
      }
      return CAPI.ovr_GetLoggedInUserLocale() ?? string.Empty;
    }
  }
}
