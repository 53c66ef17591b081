using System.Globalization;
using System.Text.Json;

namespace KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

/// <summary>awscli (a client we did not write) obtains HLS/DASH URLs and a clip; ffprobe plays them.</summary>
[TestFixture]
[NonParallelizable]
public sealed class AwsCliArchivedMediaTests
{
    private RecordedStream _stream = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        Assume.That(AwsCli.Installed, "Debian package awscli (build.sh installs it)");
        _stream = await RecordedStream.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }
    }

    private string Selector => string.Create(CultureInfo.InvariantCulture, $"FragmentSelectorType=PRODUCER_TIMESTAMP,TimestampRange={{StartTimestamp={_stream.FirstProducerTimestamp - 1},EndTimestamp={_stream.LastProducerTimestamp + 5}}}");

    [Test]
    public async Task Awscli_gets_an_hls_url_that_ffprobe_plays()
    {
        string output = await AwsCli.RunAsync(_stream.Kvs.Url, "kinesis-video-archived-media", "get-hls-streaming-session-url",
            "--stream-name", "camera", "--playback-mode", "ON_DEMAND", "--container-format", "MPEG_TS", "--hls-fragment-selector", Selector);
        string url = JsonDocument.Parse(output).RootElement.GetProperty("HLSStreamingSessionURL").GetString()!;

        Assert.That(await Ffprobe.CountFramesAsync(url), Is.EqualTo(RecordedStream.Frames));
    }

    [Test]
    public async Task Awscli_gets_a_dash_url_that_ffprobe_opens()
    {
        string output = await AwsCli.RunAsync(_stream.Kvs.Url, "kinesis-video-archived-media", "get-dash-streaming-session-url",
            "--stream-name", "camera", "--playback-mode", "ON_DEMAND", "--dash-fragment-selector", Selector);
        string url = JsonDocument.Parse(output).RootElement.GetProperty("DASHStreamingSessionURL").GetString()!;

        Assert.That(await Ffprobe.VideoStreamAsync(url), Is.EqualTo("h264,640,480"));
    }

    [Test]
    public async Task Awscli_get_clip_writes_an_mp4_ffprobe_reads()
    {
        string file = Path.Combine(Path.GetTempPath(), $"awscli-clip-{Guid.NewGuid():N}.mp4");
        try
        {
            string output = await AwsCli.RunAsync(_stream.Kvs.Url, "kinesis-video-archived-media", "get-clip",
                "--stream-name", "camera", "--clip-fragment-selector", Selector, file);

            Assert.That(JsonDocument.Parse(output).RootElement.GetProperty("ContentType").GetString(), Is.EqualTo("video/mp4"));
            Assert.That(await Ffprobe.CountFramesAsync(file), Is.EqualTo(RecordedStream.Frames));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
