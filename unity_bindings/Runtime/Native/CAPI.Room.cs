using System;
using System.Runtime.InteropServices;

namespace Oculus.Platform
{
  // ovr_Room_*, ovr_RoomOptions_*, ovr_DataStore_*, under the original SDK's names and
  // signatures (docs/CAPI.md lists what ovrnet returns for concepts it does not have). Users
  // are in CAPI.User.cs.
  public static partial class CAPI
  {
    // Requests: each returns a request id (0 = refused); the reply message carries a room.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_Room_CreateAndJoinPrivate2(RoomJoinPolicy joinPolicy, uint maxUsers, IntPtr roomOptions);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_Room_Join2(ulong roomID, IntPtr roomOptions);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_Room_Leave(ulong roomID);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_Room_GetCurrent();

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_Room_Get(ulong roomID);

    // Mirror of the C struct ovrKeyValuePair. Strings are unmanaged UTF-8 copies that live for
    // the call only; valueType is ovrKeyValuePairType (0 = string, 1 = int, 2 = double).
    [StructLayout(LayoutKind.Sequential)]
    internal struct ovrKeyValuePair
    {
      public IntPtr key;
      public int valueType;
      public IntPtr stringValue;
      public int intValue;
      public double doubleValue;
    }

    internal const int KeyValuePairType_String = 0;

    // Owner only: merges the pairs into the room's data store (an empty value removes the key).
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    internal static extern ulong ovr_Room_UpdateDataStore(ulong roomID, [In] ovrKeyValuePair[] data, uint numItems);

    // Options, owned by the caller from Create to Destroy.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr ovr_RoomOptions_Create();

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ovr_RoomOptions_Destroy(IntPtr handle);

    public static void ovr_RoomOptions_SetDataStoreString(IntPtr handle, string key, string value)
    {
      ovr_RoomOptions_SetDataStoreString_Native(handle, Utf8.ToNative(key), Utf8.ToNative(value));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_RoomOptions_SetDataStoreString")]
    private static extern void ovr_RoomOptions_SetDataStoreString_Native(IntPtr handle, byte[] key, byte[] value);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ovr_RoomOptions_ClearDataStore(IntPtr handle);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ovr_RoomOptions_SetRoomId(IntPtr handle, ulong value);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern void ovr_RoomOptions_SetTurnOffUpdates(IntPtr handle, [MarshalAs(UnmanagedType.I1)] bool value);

    // Room getters; the handle is borrowed from its message.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_Room_GetApplicationID(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr ovr_Room_GetDataStore(IntPtr obj);

    public static string ovr_Room_GetDescription(IntPtr obj)
    {
      return Utf8.FromNative(ovr_Room_GetDescription_Native(obj));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_Room_GetDescription")]
    private static extern IntPtr ovr_Room_GetDescription_Native(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern ulong ovr_Room_GetID(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr ovr_Room_GetInvitedUsers(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    public static extern bool ovr_Room_GetIsMembershipLocked(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern RoomJoinPolicy ovr_Room_GetJoinPolicy(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern RoomJoinability ovr_Room_GetJoinability(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern uint ovr_Room_GetMaxUsers(IntPtr obj);

    public static string ovr_Room_GetName(IntPtr obj)
    {
      return Utf8.FromNative(ovr_Room_GetName_Native(obj));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_Room_GetName")]
    private static extern IntPtr ovr_Room_GetName_Native(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr ovr_Room_GetOwner(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern RoomType ovr_Room_GetType(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr ovr_Room_GetUsers(IntPtr obj);

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern uint ovr_Room_GetVersion(IntPtr obj);

    // Data store (key/value strings) of a room; borrowed from the room.
    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl)]
    public static extern UIntPtr ovr_DataStore_GetNumKeys(IntPtr obj);

    public static string ovr_DataStore_GetKey(IntPtr obj, int index)
    {
      return Utf8.FromNative(ovr_DataStore_GetKey_Native(obj, index));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_DataStore_GetKey")]
    private static extern IntPtr ovr_DataStore_GetKey_Native(IntPtr obj, int index);

    public static string ovr_DataStore_GetValue(IntPtr obj, string key)
    {
      return Utf8.FromNative(ovr_DataStore_GetValue_Native(obj, Utf8.ToNative(key)));
    }

    [DllImport(DLL_NAME, CallingConvention = CallingConvention.Cdecl, EntryPoint = "ovr_DataStore_GetValue")]
    private static extern IntPtr ovr_DataStore_GetValue_Native(IntPtr obj, byte[] key);
  }
}
