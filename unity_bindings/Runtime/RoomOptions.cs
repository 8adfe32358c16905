using System;
using System.Threading;

namespace Oculus.Platform
{
  // Options for Rooms.CreateAndJoinPrivate2 / Join2, backed by a native options object. The
  // library reads the options during the request call, so they may be disposed right after it.
  // Dispose is idempotent; the finalizer destroys the native object for code that never
  // disposes (as in the original SDK).
  public class RoomOptions : IDisposable
  {
    private IntPtr handle;

    public RoomOptions()
    {
      handle = CAPI.ovr_RoomOptions_Create();
    }

    // A key/value pair for the room's data store (create only).
    public void SetDataStore(string key, string value)
    {
      CAPI.ovr_RoomOptions_SetDataStoreString(Live(), key, value);
    }

    public void ClearDataStore()
    {
      CAPI.ovr_RoomOptions_ClearDataStore(Live());
    }

    public void SetRoomId(ulong value)
    {
      CAPI.ovr_RoomOptions_SetRoomId(Live(), value);
    }

    // True: this member gets no RoomUpdate notifications.
    public void SetTurnOffUpdates(bool value)
    {
      CAPI.ovr_RoomOptions_SetTurnOffUpdates(Live(), value);
    }

    public static explicit operator IntPtr(RoomOptions options)
    {
      return options != null ? options.handle : IntPtr.Zero;
    }

    ~RoomOptions()
    {
      Release();
    }

    public void Dispose()
    {
      Release();
      GC.SuppressFinalize(this);
    }

    private IntPtr Live()
    {
      IntPtr h = handle;
      if (h == IntPtr.Zero)
      {
        throw new ObjectDisposedException("RoomOptions");
      }
      return h;
    }

    private void Release()
    {
      IntPtr h = Interlocked.Exchange(ref handle, IntPtr.Zero);
      if (h != IntPtr.Zero)
      {
        CAPI.ovr_RoomOptions_Destroy(h);
      }
    }
  }
}
