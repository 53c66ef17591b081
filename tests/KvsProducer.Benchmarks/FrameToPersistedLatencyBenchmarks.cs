using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Issue 5 §9: frame-to-PERSISTED latency p50/p99 at a realistic rate: one Realtime stream of
/// 1080p-sized frames (<see cref="SyntheticFrames"/>: 200 KB key frames, 50 KB P frames, ~10 Mbit/s)
/// at 25 fps paced by a timer, 1 s fragments, 15 s per operation, into <c>kvs local</c> in a child
/// process whose data directory is on disk (/tmp: each fragment fsynced before PERSISTED) or on tmpfs
/// (/dev/shm: fsync costs next to nothing), so the fsync share of the latency shows. Latency as
/// <see cref="FragmentLatencyProbe"/> defines it; the warm-up operation (the first of the process) is not recorded.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[Config(typeof(FrameToPersistedLatencyConfig))]
public class FrameToPersistedLatencyBenchmarks
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    private LocalKvsProcess _endpoint = null!;
    private KinesisVideoProducer _producer = null!;
    private byte[][] _gop = [];
    private string _key = string.Empty;
    private int _runs;

    [Params("/tmp", "/dev/shm")]
    public string DataRoot { get; set; } = "/tmp";

    [GlobalSetup]
    public void Setup()
    {
        _key = MeasuredFigures.KeyOf(typeof(FrameToPersistedLatencyBenchmarks), nameof(Stream_1080p_for_15_s), DataRoot);
        MeasuredFigures.Reset(_key);
        _gop = SyntheticFrames.Create("1920x1080", GopFrames.FramesPerSecond);
        _endpoint = LocalKvsProcess.Start(DataRoot);
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
    public async Task<long> Stream_1080p_for_15_s()
    {
        var run = _runs++;
        var result = await PacedStreamsRun.RunAsync(_producer, _endpoint, [$"latency-{run}"], _gop, Duration);
        result.ThrowIfFramesLost();
        Console.WriteLine($"// 1 stream 1080p, data on {DataRoot}, run {run}{(run == 0 ? " (not recorded)" : string.Empty)}: {result}");
        if (run > 0)
        {
            MeasuredFigures.Record(_key, "producerCpu", [result.ProducerCorePercent]);
            MeasuredFigures.Record(_key, "keyToPersisted", result.KeyFrameToPersistedMs);
            MeasuredFigures.Record(_key, "closedToPersisted", result.ClosingKeyFrameToPersistedMs);
        }

        return result.FramesPersisted;
    }
}
