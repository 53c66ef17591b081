namespace KvsProducer.Footprint;

/// <summary>
/// The access units of a tests/data frame directory, each padded with one H.264 filler-data NAL unit
/// (type 12, ITU-T H.264 §7.3.2.7) so that the loop runs at the requested bitrate: the clips are ~0.9 Mbit/s,
/// the measured device streams 4 Mbit/s. Filler data is legal after a picture and decoders skip it.
/// </summary>
internal sealed class LoopedFrames
{
    public const int FramesPerSecond = 25; // every tests/data clip is 25 fps (tests/data/README.md)

    private LoopedFrames(byte[][] frames, bool[] keyFrames)
    {
        Frames = frames;
        KeyFrames = keyFrames;
    }

    public byte[][] Frames { get; }

    public bool[] KeyFrames { get; }

    public long BytesPerLoop => Frames.Sum(f => (long)f.Length);

    public static LoopedFrames Load(string directory, long bitsPerSecond)
    {
        string[] files = Directory.GetFiles(directory, "frame-*.h264").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new ArgumentException($"No frame-*.h264 files in '{directory}'.");
        }

        byte[][] raw = files.Select(File.ReadAllBytes).ToArray();
        long perFrame = bitsPerSecond / 8 / FramesPerSecond;
        byte[][] frames = raw.Select(f => Pad(f, perFrame)).ToArray();
        bool[] keys = raw.Select(IsIdr).ToArray();
        return new LoopedFrames(frames, keys);
    }

    private static byte[] Pad(byte[] frame, long target)
    {
        long filler = target - frame.Length - 6; // start code (4) + NAL header (1) + trailing bits (1)
        if (filler <= 0)
        {
            return frame;
        }

        var padded = new byte[frame.Length + 6 + filler];
        frame.CopyTo(padded, 0);
        ((ReadOnlySpan<byte>)[0, 0, 0, 1, 12]).CopyTo(padded.AsSpan(frame.Length));
        padded.AsSpan(frame.Length + 5, (int)filler).Fill(0xFF);
        padded[^1] = 0x80;
        return padded;
    }

    private static bool IsIdr(byte[] frame)
    {
        for (int i = 0; i + 3 < frame.Length; i++)
        {
            if (frame[i] == 0 && frame[i + 1] == 0 && frame[i + 2] == 1 && (frame[i + 3] & 0x1F) == 5)
            {
                return true;
            }
        }

        return false;
    }
}
