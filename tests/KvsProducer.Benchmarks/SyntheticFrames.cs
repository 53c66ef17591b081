namespace KvsProducer.Benchmarks;

/// <summary>
/// Annex-B access units of realistic sizes for a resolution, made once per benchmark: the SPS/PPS of a
/// recorded clip, then slice NAL units of seeded random bytes with emulation prevention applied (so the
/// only start codes are the real ones, as in encoder output). One key frame every 25 frames, 4x larger.
/// </summary>
internal static class SyntheticFrames
{
    /// <summary>Typical frame sizes at 25 fps: (P frame bytes, key frame bytes).</summary>
    public static (int Inter, int Key) SizesFor(string resolution) => resolution switch
    {
        "640x480" => (12_000, 48_000),     // ~2.4 Mbit/s
        "1920x1080" => (50_000, 200_000),  // ~10 Mbit/s
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Use 640x480 or 1920x1080."),
    };

    public static byte[][] Create(string resolution, int count)
    {
        var (inter, key) = SizesFor(resolution);
        var random = new Random(2026);
        var parameterSets = ParameterSetsFromRecordedClip();
        var frames = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var isKey = i % 25 == 0;
            var slice = Slice(random, isKey ? key : inter, isKey ? (byte)0x65 : (byte)0x41);
            frames[i] = isKey ? [.. parameterSets, 0, 0, 0, 1, .. slice] : [0, 0, 0, 1, .. slice];
        }

        return frames;
    }

    public static long TotalBytes(byte[][] frames) => frames.Sum(f => (long)f.Length);

    private static byte[] Slice(Random random, int length, byte header)
    {
        var raw = new byte[length];
        random.NextBytes(raw);
        raw[0] = header;
        var escaped = new List<byte>(length + length / 1000);
        var zeros = 0;
        foreach (var b in raw)
        {
            if (zeros >= 2 && b <= 3)
            {
                escaped.Add(3); // emulation_prevention_three_byte
                zeros = 0;
            }

            escaped.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        if (escaped[^1] == 0)
        {
            escaped[^1] = 0x80; // a NAL unit ends with its rbsp_stop_bit, never with a zero byte
        }

        return [.. escaped];
    }

    /// <summary>SPS + PPS (with start codes) from the first frame of tests/data/h264-640x480.</summary>
    private static byte[] ParameterSetsFromRecordedClip()
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "KvsProducer.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("Run the benchmarks from a checkout (no KvsProducer.sln above the binaries).");
        }

        var first = File.ReadAllBytes(Directory.GetFiles(Path.Combine(directory, "tests", "data", "h264-640x480")).Order(StringComparer.Ordinal).First());
        var idr = first.AsSpan().IndexOf((ReadOnlySpan<byte>)[0, 0, 1, 0x65]);
        var end = idr > 0 && first[idr - 1] == 0 ? idr - 1 : idr;
        return first[..end];
    }
}
