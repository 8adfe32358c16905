using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Oculus.Platform
{
  // A received packet. It owns a native packet until Dispose (or, for code that never disposes,
  // like the original samples, until the finalizer runs).
  //
  // Sender, size and policy are read once here, so they stay valid after Dispose; only the bytes
  // need the native packet. Releasing swaps the handle out atomically, so Dispose may be called
  // any number of times, from any thread, and races with the finalizer free the packet exactly
  // once. The library allows freeing a packet from any thread (docs/CAPI.md).
  public sealed class Packet : IDisposable
  {
    private IntPtr packetHandle;
    private readonly ulong size;
    private readonly ulong senderID;
    private readonly SendPolicy policy;

    public Packet(IntPtr packetHandle)
    {
      this.packetHandle = packetHandle;
      size = CAPI.ovr_Packet_GetSize(packetHandle).ToUInt64();
      senderID = CAPI.ovr_Packet_GetSenderID(packetHandle);
      policy = CAPI.ovr_Packet_GetSendPolicy(packetHandle);
    }

    public ulong SenderID { get { return senderID; } }
    public ulong Size { get { return size; } }
    public SendPolicy Policy { get { return policy; } }

    // Copies all Size bytes to the start of destination; returns Size.
    public ulong ReadBytes(byte[] destination)
    {
      return ReadBytes(destination, 0);
    }

    // Copies all Size bytes into destination starting at offset; returns Size. Lets a game read
    // every packet into one reusable buffer instead of allocating an array per packet.
    public ulong ReadBytes(byte[] destination, int offset)
    {
      if (destination == null)
      {
        throw new ArgumentNullException("destination");
      }
      if (offset < 0 || (ulong)offset > (ulong)destination.LongLength || (ulong)(destination.LongLength - offset) < size)
      {
        throw new ArgumentException(string.Format("Destination array was not big enough to hold {0} bytes at offset {1}", size, offset));
      }
      IntPtr handle = packetHandle;
      if (handle == IntPtr.Zero)
      {
        throw new ObjectDisposedException("Packet");
      }
      if (size > 0)
      {
        Marshal.Copy(CAPI.ovr_Packet_GetBytes(handle), destination, offset, (int)size);
      }
      // Without this the JIT may consider the packet dead once the handle is loaded, letting the
      // finalizer free the bytes while they are being copied.
      GC.KeepAlive(this);
      return size;
    }

    ~Packet()
    {
      Release();
    }

    public void Dispose()
    {
      Release();
      GC.SuppressFinalize(this);
    }

    private void Release()
    {
      IntPtr handle = Interlocked.Exchange(ref packetHandle, IntPtr.Zero);
      if (handle != IntPtr.Zero)
      {
        CAPI.ovr_Packet_Free(handle);
      }
    }
  }
}
