using System.Text.Json;
using KvsProducer.Auth;
using KvsProducer.LocalEndpoint.Tests.Support;
using KvsProducer.Sources;

namespace KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

/// <summary>
/// A local endpoint holding a real H.264 recording (tests/data/h264-640x480.h264: 75 frames at
/// 25 fps, key frames every 25) streamed by the producer SDK: three 1-second fragments.
/// </summary>
internal sealed class RecordedStream : IAsyncDisposable
{
    public const int Frames = 75;
    private readonly string _directory;

    private RecordedStream(LocalKvs kvs, string directory, string name, double firstProducerTimestamp, double lastProducerTimestamp)
    {
        Kvs = kvs;
        _directory = directory;
        Name = name;
        FirstProducerTimestamp = firstProducerTimestamp;
        LastProducerTimestamp = lastProducerTimestamp;
        Api = new KvsApi(kvs.Url);
    }

    public LocalKvs Kvs { get; }

    public KvsApi Api { get; }

    public string Name { get; }

    /// <summary>Epoch seconds of the first fragment's producer timestamp.</summary>
    public double FirstProducerTimestamp { get; }

    public double LastProducerTimestamp { get; }

    public static string DataPath(string name)
    {
        var root = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "KvsProducer.sln")))
        {
            root = root.Parent;
        }

        return Path.Combine(root?.FullName ?? throw new DirectoryNotFoundException("KvsProducer.sln not found above the test directory."), "tests", "data", name);
    }

    public static async Task<RecordedStream> StartAsync(string name = "camera", int retentionHours = 24, bool withAudio = false)
    {
        string directory = Path.Combine(Path.GetTempPath(), "kvs-archived-" + Guid.NewGuid().ToString("N"));
        LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { DataDirectory = directory });
        if (withAudio)
        {
            await StreamAudioVideoAsync(kvs.Url, name);
        }
        else
        {
            await StreamClipAsync(kvs.Url, name, retentionHours);
        }

        using var api = new KvsApi(kvs.Url);
        ApiResult listed = await api.CallAsync("listFragments", $$"""{"StreamName":"{{name}}"}""");
        double[] times = [.. listed.Body.GetProperty("Fragments").EnumerateArray().Select(f => f.GetProperty("ProducerTimestamp").GetDouble()).Order()];
        return new RecordedStream(kvs, directory, name, times.Length == 0 ? 0 : times[0], times.Length == 0 ? 0 : times[^1]);
    }

    /// <summary>Streams the recording once through the producer SDK, stamped with the wall clock.</summary>
    public static async Task StreamClipAsync(Uri endpoint, string name, int retentionHours)
    {
        await using var producer = new KinesisVideoProducer(new ProducerOptions
        {
            Region = "us-west-2",
            ServiceUrl = endpoint,
            Credentials = new StaticCredentialsProvider("AKIDLOCALTEST", "local-secret"),
            StorageSize = 16 * 1024 * 1024,
        });
        await using IFrameSource source = ElementaryStreamSources.Open(SourceUri.Parse($"file:{DataPath("h264-640x480.h264")}?fps=25"), TimeSpan.Zero);
        await using KinesisVideoStream stream = await producer.StartStreamAsync(new StreamDefinition(name)
        {
            CreateIfMissing = true,
            Retention = TimeSpan.FromHours(retentionHours),
            Tracks = [source.Track],
        });
        await source.CopyToAsync(stream);
        await stream.StopAsync(CancellationToken.None);
    }

    /// <summary>AAC frames streamed next to the video by <see cref="StreamAudioVideoAsync"/>: 3 s at 48 kHz (1024 samples each).</summary>
    public const int AudioFrames = 140;

    /// <summary>
    /// The 75 recorded video frames (tests/data/h264-640x480, 25 fps) and 140 AAC-LC frames of
    /// tests/data/aac-48k-stereo.adts (ADTS headers stripped) on track 2, interleaved by time, through the producer SDK.
    /// </summary>
    public static async Task StreamAudioVideoAsync(Uri endpoint, string name)
    {
        await using var producer = new KinesisVideoProducer(new ProducerOptions
        {
            Region = "us-west-2",
            ServiceUrl = endpoint,
            Credentials = new StaticCredentialsProvider("AKIDLOCALTEST", "local-secret"),
            StorageSize = 16 * 1024 * 1024,
        });
        await using KinesisVideoStream stream = await producer.StartStreamAsync(new StreamDefinition(name)
        {
            CreateIfMissing = true,
            Retention = TimeSpan.FromHours(24),
            Tracks = [TrackDefinition.H264Video(), TrackDefinition.AacAudio(48000, 2)],
        });
        var start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        byte[][] video = [.. Directory.GetFiles(DataPath("h264-640x480")).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
        var frames = video.Take(Frames).Select((data, i) => new Frame(data, start + TimeSpan.FromMilliseconds(40 * i), TimeSpan.FromMilliseconds(40), i % 25 == 0 ? FrameFlags.KeyFrame : FrameFlags.None, 1)).ToList();
        var aacDuration = TimeSpan.FromTicks(1024 * TimeSpan.TicksPerSecond / 48000);
        frames.AddRange(AacUnits().Take(AudioFrames).Select((unit, i) => new Frame(unit, start + (aacDuration * i), aacDuration, FrameFlags.None, 2)));
        foreach (Frame frame in frames.OrderBy(f => f.DecodingTime).ThenBy(f => f.TrackNumber))
        {
            Assert.That(stream.PutFrame(frame), Is.True);
        }

        await stream.StopAsync(CancellationToken.None);
    }

    private static List<byte[]> AacUnits()
    {
        byte[] bytes = File.ReadAllBytes(DataPath("aac-48k-stereo.adts"));
        var units = new List<byte[]>();
        for (int at = 0; at < bytes.Length;)
        {
            // ISO/IEC 14496-3 ADTS: 13-bit frame length at bits 30..42; protection_absent=1 → 7-byte header.
            int length = ((bytes[at + 3] & 0x03) << 11) | (bytes[at + 4] << 3) | (bytes[at + 5] >> 5);
            units.Add(bytes[(at + 7)..(at + length)]);
            at += length;
        }

        return units;
    }

    public async Task<string> SessionUrlAsync(string operation, string json, string property)
    {
        ApiResult result = await Api.CallAsync(operation, json);
        Assert.That(result.Status, Is.EqualTo(200), () => $"{operation}: {result.ErrorType} {System.Text.Encoding.UTF8.GetString(result.Raw)}");
        return result.Body.GetProperty(property).GetString()!;
    }

    public string OnDemandRange => JsonSerializer.Serialize(new { StartTimestamp = FirstProducerTimestamp - 1, EndTimestamp = LastProducerTimestamp + 5 });

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Kvs.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
