namespace KvsProducer.Tests.Mkv;

/// <summary>Real encoded frames from tests/data frame directories, for tests that give them their own timestamps.</summary>
internal static class RecordedFrames
{
    /// <summary>The access units of <paramref name="directory"/> (inside tests/data), in decoding order.</summary>
    public static byte[][] Load(string directory) =>
        Directory.GetFiles(TestData.PathOf(directory)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();

    /// <summary>640x480 H.264 without B-frames: frame 0 is an IDR with SPS/PPS, a key frame every 25.</summary>
    public static byte[][] H264Vga { get; } = Load("h264-640x480");

    /// <summary>Frames of <see cref="H264Vga"/> at 25 fps from <paramref name="start"/>, key flag on every 25th.</summary>
    public static Frame[] H264VgaFrames(TimeSpan start, int count)
    {
        var frames = new Frame[count];
        for (var i = 0; i < count; i++)
        {
            var data = H264Vga[i % H264Vga.Length];
            frames[i] = new Frame(data, start + TimeSpan.FromMilliseconds(40 * i), TimeSpan.FromMilliseconds(40), i % 25 == 0 ? FrameFlags.KeyFrame : FrameFlags.None);
        }

        return frames;
    }

    /// <summary>The NAL units of an Annex-B access unit, without start codes.</summary>
    public static List<byte[]> NalUnits(byte[] accessUnit)
    {
        var units = new KvsProducer.Mkv.FrameNalUnits();
        units.Scan(accessUnit, NalUnitFormat.AnnexB);
        return Enumerable.Range(0, units.Count).Select(i => accessUnit.AsSpan(units.Offsets[i], units.Lengths[i]).ToArray()).ToList();
    }

    /// <summary>NAL units joined back into an Annex-B access unit with 4-byte start codes.</summary>
    public static byte[] AnnexB(IEnumerable<byte[]> nalUnits) => nalUnits.SelectMany(nal => (byte[])[0, 0, 0, 1, .. nal]).ToArray();
}
