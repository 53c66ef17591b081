using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Issue 5 §9 target: 50 concurrent Realtime streams at 2 Mbit/s each (25 fps, ~10 KB frames: a
/// 35.7 KB key frame and 24 P frames of 8.9 KB per second) for 10 s use under 10 % of one core on the
/// producer side. The endpoint is <c>kvs local</c> in a child process (data on /tmp, retention 2 h, so
/// every fragment is fsynced and PERSISTED), so this process's CPU time is the producer's alone; the
/// endpoint's is reported beside it. Key frames are staggered across the streams (<see cref="PacedStreamsRun"/>).
/// One operation = start 50 streams, 10 s of paced frames, stop
/// all (each waits for its last PERSISTED). CPU is counted from the first put to the last stop.
/// The two warm-up operations (JIT, tier-1 recompilation, first connections) are not recorded: in
/// earlier runs with one warm-up, the first measured run still cost twice the later ones.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 5)]
[Config(typeof(ConcurrentStreamsConfig))]
public class ConcurrentStreamsBenchmarks
{
    private const int BitsPerSecond = 2_000_000;
    private const int WarmupRuns = 2; // as the job's warmupCount
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    private LocalKvsProcess _endpoint = null!;
    private KinesisVideoProducer _producer = null!;
    private byte[][] _gop = [];
    private string _key = string.Empty;
    private int _runs;

    [Params(50)]
    public int Streams { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _key = MeasuredFigures.KeyOf(typeof(ConcurrentStreamsBenchmarks), nameof(Stream_for_10_s), Streams);
        MeasuredFigures.Reset(_key);
        _gop = GopFrames.ForBitRate(BitsPerSecond);
        _endpoint = LocalKvsProcess.Start(Path.GetTempPath());
        _producer = new KinesisVideoProducer(new ProducerOptions
        {
            Region = "us-west-2",
            ServiceUrl = _endpoint.Url,
            Credentials = new Auth.StaticCredentialsProvider("AKIDLOCALBENCH", "local-secret"),
        });
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _producer.DisposeAsync();
        _endpoint.Dispose();
    }

    [Benchmark]
    public async Task<long> Stream_for_10_s()
    {
        var run = _runs++;
        var names = Enumerable.Range(0, Streams).Select(i => $"camera-{run}-{i}").ToArray();
        var result = await PacedStreamsRun.RunAsync(_producer, _endpoint, names, _gop, Duration);
        result.ThrowIfFramesLost();
        Console.WriteLine($"// {Streams} streams at {BitsPerSecond / 1e6:0.#} Mbit/s, run {run}{(run < WarmupRuns ? " (warm-up, not recorded)" : string.Empty)}: {result}");
        if (run >= WarmupRuns)
        {
            MeasuredFigures.Record(_key, "producerCpu", [result.ProducerCorePercent]);
            MeasuredFigures.Record(_key, "producerCpuFullRate", [result.ProducerCorePercentAt(Streams * GopFrames.FramesPerSecond)]);
            MeasuredFigures.Record(_key, "endpointCpu", [result.EndpointCorePercent]);
            MeasuredFigures.Record(_key, "keyToPersisted", result.KeyFrameToPersistedMs);
            MeasuredFigures.Record(_key, "closedToPersisted", result.ClosingKeyFrameToPersistedMs);
        }

        return result.FramesPersisted;
    }
}
