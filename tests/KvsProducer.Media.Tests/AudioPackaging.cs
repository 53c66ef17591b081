using System.Buffers;

namespace KvsProducer.Media.Tests;

/// <summary>Reads every frame of a source and packages them with the core's MkvFragmenter into a temporary MKV.</summary>
internal sealed class AudioPackaging : IDisposable
{
    private AudioPackaging(string path, List<FrameRecord> frames, long written)
    {
        Path = path;
        Frames = frames;
        Written = written;
    }

    /// <summary>Frames the fragmenter wrote (audio before the first video key frame is skipped).</summary>
    public long Written { get; }

    public string Path { get; }

    public List<FrameRecord> Frames { get; }

    public static async Task<AudioPackaging> PackageAsync(MediaSource source, int maxFrames = int.MaxValue)
    {
        var fragmenter = new MkvFragmenter(new MkvFragmenterOptions { Tracks = source.Tracks, FragmentDuration = TimeSpan.FromSeconds(1) });
        var output = new ArrayBufferWriter<byte>();
        var frames = new List<FrameRecord>();
        await foreach (Frame frame in source.ReadFramesAsync())
        {
            fragmenter.Write(frame, output);
            frames.Add(FrameRecord.Of(frame));
            if (frames.Count >= maxFrames)
            {
                break;
            }
        }

        fragmenter.CompleteFragment(output);
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"kvsmedia-audio-{Guid.NewGuid():N}.mkv");
        await File.WriteAllBytesAsync(path, output.WrittenMemory.ToArray());
        return new AudioPackaging(path, frames, fragmenter.FramesWritten);
    }

    public void Dispose() => File.Delete(Path);
}
