using System;
using System.Runtime.InteropServices;

namespace OvrnetSamples.AvatarSync
{
  // Position and rotation of an avatar's body, independent of UnityEngine so the sync logic
  // runs (and is tested) outside Unity; AvatarSyncSample converts to and from Transform.
  public struct Pose
  {
    public float PX, PY, PZ;
    public float RX, RY, RZ, RW;

    public static readonly Pose Identity = new Pose { RW = 1 };

    public const int Bytes = 7 * 4;

    // Position: straight line. Rotation: normalised lerp along the shorter arc, which is
    // indistinguishable from slerp over the small steps between two 10 Hz updates.
    public static Pose Lerp(Pose a, Pose b, float t)
    {
      if (t <= 0) return a;
      if (t >= 1) return b;
      float sign = a.RX * b.RX + a.RY * b.RY + a.RZ * b.RZ + a.RW * b.RW < 0 ? -1f : 1f;
      var r = new Pose
      {
        PX = a.PX + (b.PX - a.PX) * t,
        PY = a.PY + (b.PY - a.PY) * t,
        PZ = a.PZ + (b.PZ - a.PZ) * t,
        RX = a.RX + (sign * b.RX - a.RX) * t,
        RY = a.RY + (sign * b.RY - a.RY) * t,
        RZ = a.RZ + (sign * b.RZ - a.RZ) * t,
        RW = a.RW + (sign * b.RW - a.RW) * t,
      };
      float length = (float)Math.Sqrt(r.RX * r.RX + r.RY * r.RY + r.RZ * r.RZ + r.RW * r.RW);
      if (length > 1e-6f)
      {
        r.RX /= length; r.RY /= length; r.RZ /= length; r.RW /= length;
      }
      return r;
    }

    // Little-endian floats without BitConverter, which would allocate an array per value.
    public void Write(byte[] buffer, int offset)
    {
      WriteFloat(buffer, offset, PX); WriteFloat(buffer, offset + 4, PY); WriteFloat(buffer, offset + 8, PZ);
      WriteFloat(buffer, offset + 12, RX); WriteFloat(buffer, offset + 16, RY);
      WriteFloat(buffer, offset + 20, RZ); WriteFloat(buffer, offset + 24, RW);
    }

    public static Pose Read(byte[] buffer, int offset)
    {
      return new Pose
      {
        PX = ReadFloat(buffer, offset), PY = ReadFloat(buffer, offset + 4), PZ = ReadFloat(buffer, offset + 8),
        RX = ReadFloat(buffer, offset + 12), RY = ReadFloat(buffer, offset + 16),
        RZ = ReadFloat(buffer, offset + 20), RW = ReadFloat(buffer, offset + 24),
      };
    }

    [StructLayout(LayoutKind.Explicit)]
    private struct FloatBits
    {
      [FieldOffset(0)] public float Float;
      [FieldOffset(0)] public uint Bits;
    }

    internal static void WriteUInt(byte[] b, int o, uint v)
    {
      b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); b[o + 2] = (byte)(v >> 16); b[o + 3] = (byte)(v >> 24);
    }

    internal static uint ReadUInt(byte[] b, int o)
    {
      return (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
    }

    private static void WriteFloat(byte[] b, int o, float v)
    {
      WriteUInt(b, o, new FloatBits { Float = v }.Bits);
    }

    private static float ReadFloat(byte[] b, int o)
    {
      return new FloatBits { Bits = ReadUInt(b, o) }.Float;
    }
  }
}
