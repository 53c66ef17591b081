using System.Buffers.Binary;

namespace KvsProducer.Tests.Buffering;

/// <summary>
/// Parses a session's bytes as they arrive, like the service does (kvs-protocol.md §9 item 5): EBML header,
/// Segment of unknown size, Info, Tracks, then Tags and Clusters of unknown size. Throws
/// <see cref="InvalidDataException"/> at the first defect; an element cut at the end waits for more bytes.
/// </summary>
internal sealed class SessionParser
{
    private readonly List<byte> _bytes = [];
    private int _pos;
    private int _stage; // 0 EBML, 1 Segment, 2 Info, 3 Tracks, 4 clusters

    public List<WalkedCluster> Clusters { get; } = [];

    public void Feed(ReadOnlySpan<byte> data)
    {
        _bytes.AddRange(data);

        while (TryParseOne())
        {
        }
    }

    private bool TryParseOne()
    {
        var data = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_bytes);
        int pos = _pos;
        if (!TryReadId(data, ref pos, out uint id) || !TryReadSize(data, ref pos, out long size))
        {
            return false;
        }

        uint[] expected = [0x1A45DFA3, 0x18538067, 0x1549A966, 0x1654AE6B];
        if (_stage < 4 && id != expected[_stage])
        {
            throw new InvalidDataException($"Session byte {_pos}: expected element 0x{expected[_stage]:X} (header), found 0x{id:X}.");
        }

        switch (id)
        {
            case 0x18538067 or 0x1F43B675:
                if (size != -1)
                {
                    throw new InvalidDataException($"Session byte {_pos}: Segment and Cluster must have an unknown size.");
                }

                if (id == 0x1F43B675)
                {
                    Clusters.Add(new WalkedCluster(-1, []));
                }

                break;
            default:
                if (size < 0 || pos + size > data.Length)
                {
                    return false;
                }

                var payload = data.Slice(pos, (int)size);
                if (id == 0xE7)
                {
                    if (Clusters.Count == 0 || Clusters[^1].Timecode != -1)
                    {
                        throw new InvalidDataException($"Session byte {_pos}: Timecode outside the start of a Cluster.");
                    }

                    long timecode = 0;
                    foreach (byte b in payload)
                    {
                        timecode = (timecode << 8) | b;
                    }

                    Clusters[^1] = Clusters[^1] with { Timecode = timecode };
                }
                else if (id == 0xA3)
                {
                    if (_stage < 4 || Clusters.Count == 0 || Clusters[^1].Timecode == -1)
                    {
                        throw new InvalidDataException($"Session byte {_pos}: SimpleBlock outside a Cluster with a Timecode.");
                    }

                    var frame = payload[4..];
                    long frameId = BinaryPrimitives.ReadInt64LittleEndian(frame);
                    for (int i = TestMkv.MinPayload; i < frame.Length; i++)
                    {
                        if (frame[i] != TestMkv.PatternByte(frameId, i))
                        {
                            throw new InvalidDataException($"Session byte {_pos}: payload of frame {frameId} is corrupt at byte {i} (a freed segment was read).");
                        }
                    }

                    Clusters[^1].FrameIds.Add(frameId);
                }
                else if (_stage == 4 && id is not (0xA7 or 0x1254C367))
                {
                    throw new InvalidDataException($"Session byte {_pos}: unexpected element 0x{id:X}.");
                }

                pos += (int)size;
                break;
        }

        if (_stage < 4)
        {
            _stage++;
        }

        _pos = pos;
        return true;
    }

    private static bool TryReadId(ReadOnlySpan<byte> data, ref int pos, out uint id)
    {
        id = 0;
        if (pos >= data.Length)
        {
            return false;
        }

        byte first = data[pos];
        int length = first >= 0x80 ? 1 : first >= 0x40 ? 2 : first >= 0x20 ? 3 : first >= 0x10 ? 4 : throw new InvalidDataException($"Invalid element id byte 0x{first:X2} at {pos}.");
        if (pos + length > data.Length)
        {
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            id = (id << 8) | data[pos++];
        }

        return true;
    }

    private static bool TryReadSize(ReadOnlySpan<byte> data, ref int pos, out long size)
    {
        size = 0;
        if (pos >= data.Length)
        {
            return false;
        }

        byte first = data[pos];
        int length = System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 23;
        if (length is < 1 or > 8)
        {
            throw new InvalidDataException($"Invalid size byte 0x{first:X2} at {pos}.");
        }

        if (pos + length > data.Length)
        {
            return false;
        }

        long value = first & ((1 << (8 - length)) - 1);
        bool allOnes = value == (1 << (8 - length)) - 1;
        pos++;
        for (int i = 1; i < length; i++)
        {
            allOnes &= data[pos] == 0xFF;
            value = (value << 8) | data[pos++];
        }

        size = allOnes ? -1 : value;
        return true;
    }
}
