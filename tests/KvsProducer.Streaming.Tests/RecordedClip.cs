namespace KvsProducer.Streaming.Tests;

/// <summary>Frames of a tests/data frame directory, stamped from a wall-clock start at 25 fps.</summary>
internal static class RecordedClip
{
    private static readonly Lazy<byte[][]> Vga = new(() => Load("h264-640x480"));

    public static byte[][] H264Vga => Vga.Value;

    public static byte[][] Load(string directory)
    {
        var root = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "KvsProducer.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Run the tests from a checkout (no KvsProducer.sln above them)."), "tests", "data", directory);
        return Directory.GetFiles(path).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
    }

    /// <summary><paramref name="count"/> frames (the clip repeats), a key frame every 25, from <paramref name="start"/> (time since the Unix epoch).</summary>
    public static IEnumerable<Frame> Frames(TimeSpan start, int count, int offset = 0)
    {
        for (var i = offset; i < offset + count; i++)
        {
            var data = H264Vga[i % H264Vga.Length];
            yield return new Frame(data, start + TimeSpan.FromMilliseconds(40 * i), TimeSpan.FromMilliseconds(40), i % 25 == 0 ? FrameFlags.KeyFrame : FrameFlags.None);
        }
    }
}
