using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KvsProducer.LocalEndpoint;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Issue 5 §9 target: one Offline upload ≥ 150 MB/s on loopback. One operation = 2500 frames of
/// 1080p-sized synthetic H.264 (<see cref="SyntheticFrames"/>: ~10 Mbit/s, 100 s of video, ~140 MB)
/// put with PutFrameAsync into a fresh Offline stream as fast as the buffer allows (128 MiB, so the
/// end of the upload waits for PERSISTED ACKs to free room), then StopAsync, which returns when the
/// last fragment is PERSISTED. MB/s = frame bytes / mean time (first put to last PERSISTED; the
/// stream is described, created and started before, in IterationSetup). The endpoint is an in-process
/// <see cref="LocalKvs"/> whose data directory is on disk (/tmp: every 1 s fragment is fsynced, with
/// its directory and index line, before PERSISTED) or on tmpfs (/dev/shm: the same calls, next to no
/// cost): the difference is the endpoint's fsync cost. Each stream is deleted after its upload.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[Config(typeof(StreamingUploadConfig))]
[MemoryDiagnoser]
public class StreamingUploadBenchmarks
{
    private const int Cycles = 10;
    private const int FramesPerCycle = 250;

    private static readonly Lazy<byte[][]> Frames = new(() => SyntheticFrames.Create("1920x1080", FramesPerCycle));

    private LocalKvs _kvs = null!;
    private HttpClient _http = null!;
    private KinesisVideoProducer _producer = null!;
    private KinesisVideoStream _stream = null!;
    private string _dataDirectory = string.Empty;
    private readonly ConcurrentDictionary<string, int> _exceptions = new();
    private int _uploads;

    /// <summary>Frame bytes put by one operation.</summary>
    public static double UploadBytes => Cycles * (double)SyntheticFrames.TotalBytes(Frames.Value);

    [Params("/tmp", "/dev/shm")]
    public string DataRoot { get; set; } = "/tmp";

    [GlobalSetup]
    public void Setup()
    {
        _ = Frames.Value;
        // BenchmarkDotNet counts first-chance exceptions; name them, so the log says what they were.
        AppDomain.CurrentDomain.FirstChanceException += (_, e) => _exceptions.AddOrUpdate(e.Exception.GetType().Name, 1, (_, n) => n + 1);
        _dataDirectory = Path.Combine(DataRoot, "kvs-bench-upload-" + Guid.NewGuid().ToString("N"));
        _kvs = LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = _dataDirectory }).GetAwaiter().GetResult();
        _http = new HttpClient { BaseAddress = _kvs.Url };
        _producer = new KinesisVideoProducer(new ProducerOptions
        {
            Region = "us-west-2",
            ServiceUrl = _kvs.Url,
            Credentials = new Auth.StaticCredentialsProvider("AKIDLOCALBENCH", "local-secret"),
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _producer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _http.Dispose();
        _kvs.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [IterationSetup]
    public void StartStream() =>
        _stream = _producer.StartStreamAsync(new StreamDefinition($"upload-{_uploads++}")
        {
            Mode = StreamingMode.Offline,
            CreateIfMissing = true,
            Retention = TimeSpan.FromHours(1),
        }).GetAwaiter().GetResult();

    [IterationCleanup]
    public void DeleteStream()
    {
        var name = _stream.Name;
        _stream.DisposeAsync().AsTask().GetAwaiter().GetResult();
        using var described = _http.PostAsJsonAsync("/describeStream", new Dictionary<string, string> { ["StreamName"] = name }).GetAwaiter().GetResult();
        described.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(described.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        var arn = document.RootElement.GetProperty("StreamInfo").GetProperty("StreamARN").GetString();
        using var deleted = _http.PostAsJsonAsync("/deleteStream", new Dictionary<string, string?> { ["StreamARN"] = arn }).GetAwaiter().GetResult();
        deleted.EnsureSuccessStatusCode();
        if (!_exceptions.IsEmpty)
        {
            Console.WriteLine($"// {name}: first-chance exceptions (producer and endpoint): {string.Join(", ", _exceptions.Select(e => $"{e.Key} x{e.Value}"))}");
            _exceptions.Clear();
        }
    }

    [Benchmark(Description = "Offline upload 1080p, put → last PERSISTED")]
    public async Task<long> Upload()
    {
        var frames = Frames.Value;
        var frameCount = Cycles * FramesPerCycle;
        // Recorded video: timestamps of the last 100 s, ending now (the service refuses future ones).
        var start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) - (GopFrames.FrameDuration * frameCount);
        for (var n = 0; n < frameCount; n++)
        {
            var flags = n % GopFrames.FramesPerSecond == 0 ? FrameFlags.KeyFrame : FrameFlags.None;
            if (!await _stream.PutFrameAsync(new Frame(frames[n % FramesPerCycle], start + (GopFrames.FrameDuration * n), GopFrames.FrameDuration, flags)))
            {
                throw new InvalidOperationException($"Frame {n} was not stored: an Offline upload must keep every frame.");
            }
        }

        await _stream.StopAsync();
        var metrics = _stream.GetMetrics();
        if (metrics.TotalSessions != 1)
        {
            Console.WriteLine($"// {_stream.Name}: {metrics.TotalSessions} PutMedia sessions (reconnects) in one upload");
        }

        var persisted = metrics.PersistedFrames;
        return persisted == frameCount ? persisted : throw new InvalidOperationException($"{persisted} of {frameCount} frames were PERSISTED.");
    }
}
