using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KvsProducer.Media;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Encode path (issue 6 §6, target ratio ≤ 1.05): 150 frames of a 1280x720 test pattern through
/// MediaSource → Frame (lavfi → swscale → libx264 ultrafast/zerolatency, GOP 60, no B-frames)
/// against the <c>ffmpeg</c> command doing the same work into the null muxer. Both use one encoder
/// and one filter thread, so wall time is CPU time and the two compare on the 2-core machine.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class MediaEncodeBenchmarks
{
    private const int Frames = 150;

    private static readonly MediaSourceOptions Options = new()
    {
        Encoder = H264Encoder.Libx264,
        Preset = "ultrafast",
        EncoderThreads = 1,
        KeyFrameInterval = TimeSpan.FromSeconds(2),
    };

    [Benchmark(Baseline = true)]
    public void Ffmpeg_command_encodes_testsrc() => MediaFfmpegCommand.Run(
        "-v", "error", "-filter_threads", "1", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
        "-frames:v", Frames.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-crf", "23", "-g", "60", "-keyint_min", "60",
        "-bf", "0", "-x264-params", "scenecut=0:repeat-headers=1", "-threads", "1", "-pix_fmt", "yuv420p", "-f", "null", "-");

    [Benchmark]
    public async Task<long> MediaSource_encodes_testsrc_to_frames()
    {
        using MediaSource source = MediaSource.Open("testsrc:?size=1280x720&rate=30", Options);
        long bytes = 0;
        int count = 0;
        await foreach (Frame frame in source.ReadFramesAsync())
        {
            bytes += frame.Data.Length;
            if (++count == Frames)
            {
                break;
            }
        }

        return bytes;
    }
}
