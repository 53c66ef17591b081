namespace KvsProducer.LocalEndpoint.Tests.Support;

/// <summary>
/// Builds PutMedia bodies the way the C producer (PIC) writes them, kvs-protocol.md §8.3:
/// 40-byte EBML header, unknown-size Segment, Info, Tracks, unknown-size Clusters of SimpleBlocks,
/// Tags with 8-byte sizes.
/// </summary>
internal static class MkvSample
{
    public const long StartMs = 1_700_000_000_000;

    public static byte[] Header(int tracks = 1, string docType = "matroska", ulong timecodeScale = 1_000_000, bool nulPadded = false)
    {
        var w = new EbmlWriter();
        w.Master(0x1A45DFA3, e => e
            .Uint(0x4286, 1).Uint(0x42F7, 1).Uint(0x42F2, 4).Uint(0x42F3, 8)
            .String(0x4282, nulPadded ? docType + "\0" : docType)
            .Uint(0x4287, 2).Uint(0x4285, 2));
        w.UnknownSize(0x18538067);
        w.Master(0x1549A966, info => info
            .Element(0x73A4, [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F])
            .Uint(0x2AD7B1, timecodeScale, width: 8)
            .String(0x7BA9, nulPadded ? "Kinesis Video SDK\0" : "Kinesis Video SDK")
            .String(0x4D80, "Kinesis Video SDK 1.1.0")
            .String(0x5741, "Kinesis Video SDK 1.1.0"), sizeWidth: 2);
        w.Master(0x1654AE6B, t =>
        {
            for (int i = 1; i <= tracks; i++)
            {
                int number = i;
                t.Master(0xAE, e => e
                    .Uint(0xD7, (ulong)number)
                    .Uint(0x73C5, (ulong)number, width: 8)
                    .Uint(0x83, number == 1 ? 1UL : 2UL)
                    .String(0x536E, number == 1 ? (nulPadded ? "kvs_video_track".PadRight(32, '\0') : "kvs_video_track") : "kvs_audio_track")
                    .String(0x86, number == 1 ? "V_MPEG4/ISO/AVC" : "A_AAC")
                    .Element(0x63A2, [0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1F, 0x01, 0x00, 0x02, 0x68, 0xEE]), sizeWidth: 4);
            }
        }, sizeWidth: 4);
        return w.ToArray();
    }

    /// <summary>One fragment: unknown-size Cluster with Timecode, Position and one frame per (track, offset ms).</summary>
    public static byte[] Cluster(long timecode, params (int Track, short Offset)[] frames)
    {
        var w = new EbmlWriter();
        w.UnknownSize(0x1F43B675).Uint(0xE7, (ulong)timecode, width: 8).Uint(0xA7, 0);
        if (frames.Length == 0)
        {
            frames = [(1, 0), (1, 33), (1, 66)];
        }

        foreach ((int track, short offset) in frames)
        {
            w.SimpleBlock(track, offset, offset == 0, Frame(64));
        }

        return w.ToArray();
    }

    /// <summary>A Cluster with one key frame of <paramref name="frameBytes"/> bytes.</summary>
    public static byte[] BigCluster(long timecode, int frameBytes)
    {
        var w = new EbmlWriter();
        w.UnknownSize(0x1F43B675).Uint(0xE7, (ulong)timecode, width: 8).SimpleBlock(1, 0, true, Frame(frameBytes));
        return w.ToArray();
    }

    /// <summary>kvs-protocol.md §6.6: Tags{Tag{SimpleTag{TagName, TagString}…}} with every size as an 8-byte vint.</summary>
    public static byte[] Tags(params (string Name, string Value)[] tags)
    {
        var w = new EbmlWriter();
        w.Master(0x1254C367, t => t.Master(0x7373, tag =>
        {
            foreach ((string name, string value) in tags)
            {
                tag.Master(0x67C8, s => s.String(0x45A3, name, 8).String(0x4487, value, 8), 8);
            }
        }, 8), 8);
        return w.ToArray();
    }

    public static byte[] EndOfFragment() => Tags(("AWS_KINESISVIDEO_END_OF_FRAGMENT", string.Empty));

    /// <summary>An AVCC-looking frame: 4-byte length prefix then an IDR-typed NAL of filler bytes.</summary>
    public static byte[] Frame(int size)
    {
        byte[] frame = new byte[size];
        if (size >= 5)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame, size - 4);
            frame[4] = 0x65;
            for (int i = 5; i < size; i++)
            {
                frame[i] = (byte)(i * 7);
            }
        }

        return frame;
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
