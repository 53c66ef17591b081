namespace KvsProducer.FaultTests;

/// <summary>
/// A recorded clip (tests/data, 3 s, key frame every second, no B-frames) repeated end to end into one raw
/// H.264 file long enough for a scenario. Every copy starts with SPS, PPS and an IDR, so the result is a
/// valid stream; the producer stamps each frame by its index, so every stored frame has its own timestamp.
/// </summary>
internal static class SourceClip
{
    private const int ClipSeconds = 3;
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), $"kvs-fault-clips-{Environment.ProcessId}");
    private static readonly Lock Gate = new();

    public static string Covering(string clip, int seconds)
    {
        int copies = (seconds + ClipSeconds - 1) / ClipSeconds;
        string path = Path.Combine(Folder, $"{Path.GetFileNameWithoutExtension(clip)}-x{copies}.h264");
        lock (Gate)
        {
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Folder);
                byte[] bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "clips", clip));
                using var output = File.Create(path + ".part");
                for (int i = 0; i < copies; i++)
                {
                    output.Write(bytes);
                }

                output.Close();
                File.Move(path + ".part", path);
            }
        }

        return path;
    }
}
