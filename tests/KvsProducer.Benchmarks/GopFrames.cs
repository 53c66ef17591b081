namespace KvsProducer.Benchmarks;

/// <summary>
/// One group of pictures (a key frame then 24 P frames, 1 s at 25 fps) whose sizes give a chosen bit
/// rate, the key frame 4x a P frame as in <see cref="SyntheticFrames"/>: its 640x480 frames (real
/// SPS/PPS, escaped random slices) cut to length, each cut slice ending with a non-zero byte as a NAL
/// unit must.
/// </summary>
internal static class GopFrames
{
    public const int FramesPerSecond = 25;

    public static readonly TimeSpan FrameDuration = TimeSpan.FromSeconds(1.0 / FramesPerSecond);

    /// <summary>25 Annex-B frames averaging <paramref name="bitsPerSecond"/> / 8 / 25 bytes; frame 0 is the key frame.</summary>
    public static byte[][] ForBitRate(int bitsPerSecond)
    {
        var bytesPerGop = bitsPerSecond / 8;
        var inter = bytesPerGop / (FramesPerSecond - 1 + 4);
        var source = SyntheticFrames.Create("640x480", FramesPerSecond);
        var frames = new byte[FramesPerSecond][];
        for (var i = 0; i < FramesPerSecond; i++)
        {
            var length = i == 0 ? bytesPerGop - (inter * (FramesPerSecond - 1)) : inter;
            if (length > source[i].Length || length < 64)
            {
                throw new ArgumentOutOfRangeException(nameof(bitsPerSecond), bitsPerSecond, $"Frames of {length} bytes are outside what the 640x480 synthetic frames can give: use 0.1–2.6 Mbit/s.");
            }

            var frame = source[i][..length];
            frame[^1] = 0x80; // rbsp_stop_bit: a NAL unit never ends with a zero byte
            frames[i] = frame;
        }

        return frames;
    }

    public static long Bytes(byte[][] frames) => frames.Sum(f => (long)f.Length);
}
