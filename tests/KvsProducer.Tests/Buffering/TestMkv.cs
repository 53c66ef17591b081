using System.Buffers;
using System.Buffers.Binary;

namespace KvsProducer.Tests.Buffering;

/// <summary>
/// Packages frames the way the MKV writer does (kvs-protocol.md §6.3, §6.5): element headers through
/// GetSpan(≤ 64), payload copied in whatever pieces GetSpan(1) returns. Payloads carry the frame id and a
/// pattern derived from it, so any byte read from a reused segment shows.
/// </summary>
internal static class TestMkv
{
    public const int ClusterHeaderSize = 18;
    public const int BlockHeaderSize = 13;
    public const int MinPayload = 8;

    /// <summary>EBML header, Segment of unknown size, Info (TimecodeScale 1 ms) and one video track.</summary>
    public static byte[] Header()
    {
        var bytes = new List<byte>();
        byte[] docType = [0x42, 0x82, 0x88, .. "matroska"u8];
        bytes.AddRange([0x1A, 0x45, 0xDF, 0xA3, (byte)(0x80 | docType.Length)]);
        bytes.AddRange(docType);
        bytes.AddRange([0x18, 0x53, 0x80, 0x67, 0xFF]);
        byte[] scale = [0x2A, 0xD7, 0xB1, 0x83, 0x0F, 0x42, 0x40];
        bytes.AddRange([0x15, 0x49, 0xA9, 0x66, (byte)(0x80 | scale.Length)]);
        bytes.AddRange(scale);
        byte[] entry = [0xD7, 0x81, 0x01, 0x83, 0x81, 0x01, 0x86, 0x8F, .. "V_MPEG4/ISO/AVC"u8];
        bytes.AddRange([0x16, 0x54, 0xAE, 0x6B, (byte)(0x80 | (entry.Length + 2)), 0xAE, (byte)(0x80 | entry.Length)]);
        bytes.AddRange(entry);
        return [.. bytes];
    }

    public static int PackagedSize(bool startsFragment, int payloadLength)
        => (startsFragment ? ClusterHeaderSize : 0) + BlockHeaderSize + payloadLength;

    public static byte[] Payload(long frameId, int length)
    {
        var payload = new byte[Math.Max(length, MinPayload)];
        BinaryPrimitives.WriteInt64LittleEndian(payload, frameId);
        for (int i = MinPayload; i < payload.Length; i++)
        {
            payload[i] = PatternByte(frameId, i);
        }

        return payload;
    }

    public static byte PatternByte(long frameId, int index) => (byte)((frameId * 31) + (index * 7));

    /// <summary>Writes one frame: Cluster header when it starts a fragment, then the SimpleBlock.</summary>
    public static void WriteFrame(IBufferWriter<byte> output, bool startsFragment, long clusterTimecode, short relativeTimecode, bool keyFrame, ReadOnlySpan<byte> payload)
    {
        if (startsFragment)
        {
            // Cluster (unknown size) · Timecode (8 bytes) · Position 0
            var span = output.GetSpan(ClusterHeaderSize);
            ReadOnlySpan<byte> cluster = [0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xE7, 0x88];
            cluster.CopyTo(span);
            BinaryPrimitives.WriteInt64BigEndian(span[7..], clusterTimecode);
            span[15] = 0xA7;
            span[16] = 0x81;
            span[17] = 0x00;
            output.Advance(ClusterHeaderSize);
        }

        // SimpleBlock · 8-byte size · track 1 · relative timecode · flags
        var header = output.GetSpan(64);
        header[0] = 0xA3;
        header[1] = 0x01;
        long size = payload.Length + 4;
        for (int i = 0; i < 7; i++)
        {
            header[2 + i] = (byte)(size >> (8 * (6 - i)));
        }

        header[9] = 0x81;
        BinaryPrimitives.WriteInt16BigEndian(header[10..], relativeTimecode);
        header[12] = keyFrame ? (byte)0x80 : (byte)0x00;
        output.Advance(BlockHeaderSize);

        while (!payload.IsEmpty)
        {
            var target = output.GetSpan(1);
            int n = Math.Min(target.Length, payload.Length);
            payload[..n].CopyTo(target);
            output.Advance(n);
            payload = payload[n..];
        }
    }
}
