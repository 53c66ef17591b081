using System.Buffers;
using System.Buffers.Binary;

namespace KvsProducer.Mkv;

/// <summary>
/// The per-frame elements: Cluster start and SimpleBlock header. Fixed-width
/// encodings so every header is a few bytes requested with one <c>GetSpan</c>.
/// </summary>
internal static class MkvClusterWriter
{
    /// <summary>Bytes a cluster start takes: ID (4) + unknown size (1) + Timecode element (1 + 1 + 8).</summary>
    public const int ClusterStartLength = 15;

    /// <summary>Bytes a SimpleBlock header takes: ID (1) + 4-byte size + track (1) + timecode (2) + flags (1).</summary>
    public const int SimpleBlockHeaderLength = 9;

    /// <summary>The largest frame payload the 4-byte SimpleBlock size can carry.</summary>
    public const int MaxBlockPayload = (1 << 28) - 2 - 4;

    public const byte KeyFrameFlag = 0x80;
    public const byte InvisibleFlag = 0x08;
    public const byte DiscardableFlag = 0x01;

    // §6.5: Cluster = 1F43B675 · FF (unknown size) · E7 88 <8-byte big-endian timecode>
    public static void WriteClusterStart(IBufferWriter<byte> output, ulong timecode)
    {
        var span = output.GetSpan(ClusterStartLength);
        span[0] = 0x1F;
        span[1] = 0x43;
        span[2] = 0xB6;
        span[3] = 0x75;
        span[4] = EbmlEncoding.UnknownSize;
        span[5] = 0xE7;
        span[6] = 0x88;
        BinaryPrimitives.WriteUInt64BigEndian(span[7..], timecode);
        output.Advance(ClusterStartLength);
    }

    // §6.5: SimpleBlock = A3 · size (4-byte vint) · track (vint) · relative timecode (int16 BE) · flags · frame
    public static void WriteSimpleBlockHeader(IBufferWriter<byte> output, int trackNumber, short relativeTimecode, byte flags, int payloadLength)
    {
        var span = output.GetSpan(SimpleBlockHeaderLength);
        span[0] = 0xA3;
        EbmlEncoding.WriteSize(span[1..], (ulong)payloadLength + 4, 4);
        span[5] = (byte)(0x80 | trackNumber);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], relativeTimecode);
        span[8] = flags;
        output.Advance(SimpleBlockHeaderLength);
    }

    /// <summary>The SimpleBlock flags byte for <paramref name="flags"/>.</summary>
    public static byte BlockFlags(FrameFlags flags)
    {
        byte result = 0;
        if ((flags & FrameFlags.KeyFrame) != 0)
        {
            result |= KeyFrameFlag;
        }

        if ((flags & FrameFlags.Invisible) != 0)
        {
            result |= InvisibleFlag;
        }

        if ((flags & FrameFlags.Discardable) != 0)
        {
            result |= DiscardableFlag;
        }

        return result;
    }
}
