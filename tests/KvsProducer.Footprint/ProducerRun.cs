using System.Globalization;
using KvsProducer.Auth;

namespace KvsProducer.Footprint;

/// <summary>
/// The measured device: one producer, one stream, looped frames at 25 fps. Realtime paces frames to the
/// wall clock with a plain sleep (as the C SDK's sample does); Offline puts them as fast as the buffer takes them.
/// Prints one RESULT line with this process's CPU-s and peak RSS at the end.
/// </summary>
internal static class ProducerRun
{
    private static readonly TimeSpan FrameDuration = TimeSpan.FromSeconds(1.0 / LoopedFrames.FramesPerSecond);

    public static async Task<int> RunAsync(HarnessArguments arguments)
    {
        LoopedFrames loop = LoopedFrames.Load(arguments.FramesDirectory, arguments.BitsPerSecond);
        var options = new ProducerOptions
        {
            ServiceUrl = new Uri(arguments.Endpoint ?? throw new ArgumentException("--endpoint is required.")),
            CaBundlePath = arguments.CaBundle,
            Credentials = new StaticCredentialsProvider("AKIDFOOTPRINT", "footprint-secret"),
            Region = "us-west-2",
        };
        if (arguments.StorageMegabytes > 0)
        {
            options = options with { StorageSize = arguments.StorageMegabytes * 1024L * 1024 };
        }

        string name = arguments.StreamName;
        int frameCount = arguments.Seconds * LoopedFrames.FramesPerSecond;
        long bytes = 0;
        long pooled;
        await using (var producer = new KinesisVideoProducer(options))
        {
            await using KinesisVideoStream stream = await producer.StartStreamAsync(
                new StreamDefinition(name) { CreateIfMissing = true, Mode = arguments.Mode }).ConfigureAwait(false);
            if (arguments.Mode == StreamingMode.Realtime)
            {
                bytes = PutPaced(stream, loop, frameCount);
            }
            else
            {
                bytes = await PutAllAsync(stream, loop, frameCount).ConfigureAwait(false);
            }

            await stream.StopAsync().ConfigureAwait(false);
            pooled = producer.GetMetrics().ContentStorePooledSize;
        }

        GCMemoryInfo gc = GC.GetGCMemoryInfo();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT mode={arguments.Mode} media_s={arguments.Seconds} bytes={bytes} cpu_s={ProcessFootprint.CpuSeconds():F3} rss_mb={ProcessFootprint.PeakRssMegabytes():F1} gc_committed_mb={gc.TotalCommittedBytes / 1e6:F1} gc_heap_mb={gc.HeapSizeBytes / 1e6:F1} store_pooled_mb={pooled / 1e6:F1} gcs={GC.CollectionCount(0)}"));
        return 0;
    }

    private static long PutPaced(KinesisVideoStream stream, LoopedFrames loop, int frameCount)
    {
        TimeSpan start = DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch;
        long startTicks = Environment.TickCount64;
        long bytes = 0;
        for (int i = 0; i < frameCount; i++)
        {
            long due = startTicks + (long)(i * FrameDuration.TotalMilliseconds);
            long wait = due - Environment.TickCount64;
            if (wait > 0)
            {
                Thread.Sleep((int)wait);
            }

            bytes += Put(stream, loop, i, start);
        }

        return bytes;
    }

    private static async Task<long> PutAllAsync(KinesisVideoStream stream, LoopedFrames loop, int frameCount)
    {
        // Offline media lies in the past: the upload of N seconds of it takes far less than N seconds.
        TimeSpan start = DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch - (FrameDuration * frameCount);
        long bytes = 0;
        for (int i = 0; i < frameCount; i++)
        {
            int index = i % loop.Frames.Length;
            TimeSpan time = start + (FrameDuration * i);
            await stream.PutFrameAsync(new Frame(loop.Frames[index], time, FrameDuration, loop.KeyFrames[index] ? FrameFlags.KeyFrame : FrameFlags.None)).ConfigureAwait(false);
            bytes += loop.Frames[index].Length;
        }

        return bytes;
    }

    private static int Put(KinesisVideoStream stream, LoopedFrames loop, int i, TimeSpan start)
    {
        int index = i % loop.Frames.Length;
        TimeSpan time = start + (FrameDuration * i);
        stream.PutFrame(new Frame(loop.Frames[index], time, FrameDuration, loop.KeyFrames[index] ? FrameFlags.KeyFrame : FrameFlags.None));
        return loop.Frames[index].Length;
    }
}
