using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KvsProducer.Media;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Passthrough path (issue 6 §6, target &lt; 2 % of one core for 1080p at 4 Mbit/s): 300 frames
/// (10 s at 30 fps) of a 1080p 4 Mbit/s MPEG-TS clip — Annex-B H.264 as an RTSP camera sends it —
/// demuxed into Frames, against <c>ffmpeg -c copy -f null</c>. Per-frame cost × 30 fps gives the
/// share of one core a live camera costs. The clip is made once in setup (not committed: ~5 MB).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 10)]
[MemoryDiagnoser]
public class MediaPassthroughBenchmarks
{
    private string _clip = string.Empty;

    [GlobalSetup]
    public void MakeClip()
    {
        _clip = Path.Combine(Path.GetTempPath(), "kvsmedia-bench-1080p-4mbit.ts");
        if (!File.Exists(_clip))
        {
            MediaFfmpegCommand.Run(
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30,noise=alls=8:allf=t",
                "-frames:v", "300", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "4M", "-maxrate", "4M", "-bufsize", "4M",
                "-g", "60", "-bf", "0", "-pix_fmt", "yuv420p", _clip);
        }
    }

    [Benchmark(Baseline = true)]
    public void Ffmpeg_command_copies_1080p_ts() =>
        MediaFfmpegCommand.Run("-v", "error", "-i", _clip, "-map", "0:v", "-c", "copy", "-f", "null", "-");

    [Benchmark]
    public async Task<long> MediaSource_reads_1080p_ts_frames()
    {
        using MediaSource source = MediaSource.Open("file:" + _clip);
        long bytes = 0;
        await foreach (Frame frame in source.ReadFramesAsync())
        {
            bytes += frame.Data.Length;
        }

        return bytes;
    }
}
