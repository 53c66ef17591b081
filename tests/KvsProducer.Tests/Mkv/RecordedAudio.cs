namespace KvsProducer.Tests.Mkv;

/// <summary>Recorded audio frames from tests/data (see its README.md): AAC access units and G.711 samples.</summary>
internal static class RecordedAudio
{
    /// <summary>AAC-LC frame length at 48 kHz: 1024 samples.</summary>
    public static readonly TimeSpan AacFrameDuration = TimeSpan.FromTicks(1024 * TimeSpan.TicksPerSecond / 48000);

    /// <summary>The raw AAC access units of aac-48k-stereo.adts: each ADTS frame without its 7-byte header.</summary>
    public static byte[][] AacFrames { get; } = LoadAdts("aac-48k-stereo.adts");

    /// <summary>20 ms G.711 A-law frames (160 samples at 8 kHz mono) of g711a-8k-mono.alaw.</summary>
    public static byte[][] ALawFrames { get; } = File.ReadAllBytes(TestData.PathOf("g711a-8k-mono.alaw")).Chunk(160).ToArray();

    /// <summary>Frames of <paramref name="units"/> on <paramref name="track"/>, each a key frame, from <paramref name="start"/>.</summary>
    public static Frame[] Frames(byte[][] units, TimeSpan start, TimeSpan duration, int track) =>
        units.Select((unit, i) => new Frame(unit, start + (duration * i), duration, FrameFlags.KeyFrame, track)).ToArray();

    private static byte[][] LoadAdts(string name)
    {
        var bytes = File.ReadAllBytes(TestData.PathOf(name));
        var frames = new List<byte[]>();
        for (var offset = 0; offset < bytes.Length;)
        {
            // ISO 14496-3 ADTS: 13-bit frame length (header included) at bits 30..42; protection_absent=1 → 7-byte header.
            var length = ((bytes[offset + 3] & 0x03) << 11) | (bytes[offset + 4] << 3) | (bytes[offset + 5] >> 5);
            frames.Add(bytes[(offset + 7)..(offset + length)]);
            offset += length;
        }

        return frames.ToArray();
    }
}
