using System.Buffers.Binary;

namespace KvsProducer.Tests.Buffering;

/// <summary>A cluster found in a byte stream: its timecode and its SimpleBlocks' frame ids.</summary>
internal sealed record WalkedCluster(long Timecode, List<long> FrameIds);

/// <summary>
/// A small EBML walker for the buffer's tests (kvs-protocol.md §6.1, §6.2): checks that bytes are a KVS
/// upload (EBML header, Segment of unknown size, Info, Tracks, then Tags/Clusters of unknown size holding
/// Timecode, Position and SimpleBlocks) and that every SimpleBlock's payload is intact.
/// </summary>
internal static class EbmlWalker
{
    private const uint Ebml = 0x1A45DFA3;
    private const uint Segment = 0x18538067;
    private const uint Info = 0x1549A966;
    private const uint Tracks = 0x1654AE6B;
    private const uint Tags = 0x1254C367;
    private const uint Cluster = 0x1F43B675;
    private const uint Timecode = 0xE7;
    private const uint Position = 0xA7;
    private const uint SimpleBlock = 0xA3;

    /// <summary>Walks a whole session; throws <see cref="InvalidDataException"/> at the first defect.</summary>
    public static List<WalkedCluster> WalkSession(ReadOnlySpan<byte> data)
    {
        int pos = 0;
        Expect(ReadId(data, ref pos), Ebml, pos);
        long ebmlSize = ReadSize(data, ref pos);
        pos += (int)ebmlSize;
        Expect(ReadId(data, ref pos), Segment, pos);
        if (ReadSize(data, ref pos) != -1)
        {
            throw new InvalidDataException("The Segment must have an unknown size.");
        }

        int infoAt = pos;
        Expect(ReadId(data, ref pos), Info, infoAt);
        long infoSize = ReadSize(data, ref pos);
        pos += (int)infoSize;
        int tracksAt = pos;
        Expect(ReadId(data, ref pos), Tracks, tracksAt);
        long tracksSize = ReadSize(data, ref pos);
        pos += (int)tracksSize;
        return WalkClusters(data, pos);
    }

    /// <summary>Walks Tags and Clusters only (the packaged bytes of frames, as a drop event hands them out).</summary>
    public static List<WalkedCluster> WalkClusters(ReadOnlySpan<byte> data, int pos = 0, bool allowLeadingBlocks = false)
    {
        var clusters = new List<WalkedCluster>();
        WalkedCluster? open = allowLeadingBlocks ? new WalkedCluster(-1, []) : null;
        if (open is not null)
        {
            clusters.Add(open);
        }

        while (pos < data.Length)
        {
            int at = pos;
            uint id = ReadId(data, ref pos);
            long size = ReadSize(data, ref pos);
            switch (id)
            {
                case Cluster:
                    if (size != -1)
                    {
                        throw new InvalidDataException($"Cluster at {at} must have an unknown size.");
                    }

                    int tcAt = pos;
                    Expect(ReadId(data, ref pos), Timecode, tcAt);
                    long tcSize = ReadSize(data, ref pos);
                    long timecode = 0;
                    for (int i = 0; i < tcSize; i++)
                    {
                        timecode = (timecode << 8) | data[pos++];
                    }

                    open = new WalkedCluster(timecode, []);
                    clusters.Add(open);
                    break;
                case Position:
                case Tags:
                    pos += (int)size;
                    break;
                case SimpleBlock:
                    if (open is null)
                    {
                        throw new InvalidDataException($"SimpleBlock at {at} lies outside any Cluster.");
                    }

                    if (pos + size > data.Length)
                    {
                        throw new InvalidDataException($"SimpleBlock at {at} is truncated: {size} bytes declared, {data.Length - pos} left.");
                    }

                    var payload = data.Slice(pos + 4, (int)size - 4);
                    open.FrameIds.Add(CheckPayload(payload, at));
                    pos += (int)size;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected element 0x{id:X} at offset {at}.");
            }
        }

        return clusters;
    }

    private static long CheckPayload(ReadOnlySpan<byte> payload, int at)
    {
        long frameId = BinaryPrimitives.ReadInt64LittleEndian(payload);
        for (int i = TestMkv.MinPayload; i < payload.Length; i++)
        {
            if (payload[i] != TestMkv.PatternByte(frameId, i))
            {
                throw new InvalidDataException($"Payload of frame {frameId} (block at {at}) is corrupt at byte {i}: a segment was reused while still read.");
            }
        }

        return frameId;
    }

    private static void Expect(uint actual, uint expected, int at)
    {
        if (actual != expected)
        {
            throw new InvalidDataException($"Expected element 0x{expected:X} at offset {at}, found 0x{actual:X}.");
        }
    }

    private static uint ReadId(ReadOnlySpan<byte> data, ref int pos)
    {
        byte first = data[pos];
        int length = first >= 0x80 ? 1 : first >= 0x40 ? 2 : first >= 0x20 ? 3 : first >= 0x10 ? 4 : throw new InvalidDataException($"Invalid element id byte 0x{first:X2} at offset {pos}.");
        uint id = 0;
        for (int i = 0; i < length; i++)
        {
            id = (id << 8) | data[pos++];
        }

        return id;
    }

    /// <summary>Reads a size vint; -1 for "unknown".</summary>
    private static long ReadSize(ReadOnlySpan<byte> data, ref int pos)
    {
        byte first = data[pos];
        int length = System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 23;
        if (length is < 1 or > 8)
        {
            throw new InvalidDataException($"Invalid size byte 0x{first:X2} at offset {pos}.");
        }

        long value = first & ((1 << (8 - length)) - 1);
        bool allOnes = value == (1 << (8 - length)) - 1;
        pos++;
        for (int i = 1; i < length; i++)
        {
            allOnes &= data[pos] == 0xFF;
            value = (value << 8) | data[pos++];
        }

        return allOnes ? -1 : value;
    }
}
