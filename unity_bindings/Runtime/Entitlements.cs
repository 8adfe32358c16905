namespace Oculus.Platform
{
  public static class Entitlements
  {
    // Reply: a plain Message that is not an error (an ovrnet server decides who may log in, so
    // everyone logged in is entitled). Non-generic, as in the original SDK.
    public static Request IsUserEntitledToApplication()
    {
      if (!Core.InitializedOrLog())
      {
        return null;
      }
      return new Request(CAPI.ovr_Entitlement_GetIsViewerEntitled());
    }
  }
}
