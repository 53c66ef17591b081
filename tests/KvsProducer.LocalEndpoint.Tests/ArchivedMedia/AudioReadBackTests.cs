using System.Xml.Linq;

namespace KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

/// <summary>
/// An H.264 + AAC stream read back through HLS (fMP4 and MPEG-TS), DASH and GetClip: ffprobe finds both
/// streams (h264 640x480, aac 48 kHz stereo) and every video frame and audio packet.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AudioReadBackTests
{
    private RecordedStream _stream = null!;

    [OneTimeSetUp]
    public async Task Start() => _stream = await RecordedStream.StartAsync("av", withAudio: true);

    [OneTimeTearDown]
    public async Task Stop() => await _stream.DisposeAsync();

    /// <summary>(codec, sample rate or size, packets) of each stream ffprobe reads, once per stream.</summary>
    private static async Task<List<string>> StreamsAsync(string input)
    {
        string output = await Ffprobe.RunAsync(["-v", "error", "-count_packets", "-show_entries", "stream=codec_name,sample_rate,channels,width,height,nb_read_packets", "-of", "csv=p=0", input]);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Distinct()];
    }

    private static readonly string[] Expected = [$"h264,640,480,{RecordedStream.Frames}", $"aac,48000,2,{RecordedStream.AudioFrames}"];

    [Test]
    public async Task A_clip_carries_the_aac_track_with_every_packet()
    {
        using var http = new HttpClient();
        using var content = new StringContent($$$"""{"StreamName":"av","ClipFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{_stream.OnDemandRange}}}}}""", System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await http.PostAsync(new Uri(_stream.Kvs.Url, "/getClip"), content);
        string file = Path.Combine(Path.GetTempPath(), $"clip-av-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
        try
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(await StreamsAsync(file), Is.EqualTo(Expected));
            Assert.That(await Ffprobe.CountFramesAsync(file), Is.EqualTo(RecordedStream.Frames));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestCase("FRAGMENTED_MP4")]
    [TestCase("MPEG_TS")]
    public async Task Hls_carries_the_aac_track_with_every_packet(string container)
    {
        string url = await _stream.SessionUrlAsync("getHLSStreamingSessionURL", $$$"""{"StreamName":"av","PlaybackMode":"ON_DEMAND","ContainerFormat":"{{{container}}}","HLSFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{_stream.OnDemandRange}}}}}""", "HLSStreamingSessionURL");

        string master = await new HttpClient().GetStringAsync(url);

        Assert.That(master, Does.Contain("CODECS=\"avc1.").And.Contain(",mp4a.40.2\""));
        Assert.That(await StreamsAsync(url), Is.EqualTo(Expected));
    }

    [Test]
    public async Task Dash_carries_the_aac_track_with_every_packet()
    {
        string url = await _stream.SessionUrlAsync("getDASHStreamingSessionURL", $$$"""{"StreamName":"av","PlaybackMode":"ON_DEMAND","DASHFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{_stream.OnDemandRange}}}}}""", "DASHStreamingSessionURL");

        using var http = new HttpClient();
        XDocument manifest = XDocument.Parse(await http.GetStringAsync(url));
        var sets = manifest.Descendants(Mpd + "AdaptationSet").ToList();

        Assert.That(sets.Select(s => s.Attribute("mimeType")!.Value), Is.EqualTo(new[] { "video/mp4", "audio/mp4" }));
        Assert.That(sets[1].Element(Mpd + "Representation")!.Attribute("codecs")!.Value, Is.EqualTo("mp4a.40.2"));
        Assert.That((await StreamsAsync(url)).Select(s => s.Split(',')[0]), Is.EqualTo(new[] { "h264", "aac" }));
        // FFmpeg's DASH reader plays one SegmentList segment less (see DashTests): count packets in what each
        // adaptation set names, concatenated as a player appends them.
        Assert.That(await StreamsAsync(await DownloadAsync(http, url, sets[0])), Is.EqualTo(new[] { Expected[0] }));
        Assert.That(await StreamsAsync(await DownloadAsync(http, url, sets[1])), Is.EqualTo(new[] { Expected[1] }));
    }

    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";

    private static async Task<string> DownloadAsync(HttpClient http, string url, XElement set)
    {
        string[] resources =
        [
            set.Descendants(Mpd + "Initialization").Single().Attribute("sourceURL")!.Value,
            .. set.Descendants(Mpd + "SegmentURL").Select(s => s.Attribute("media")!.Value),
        ];
        string file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"dash-{Guid.NewGuid():N}.mp4");
        await using FileStream output = File.Create(file);
        foreach (string resource in resources)
        {
            await output.WriteAsync(await http.GetByteArrayAsync(new Uri(new Uri(url), resource)));
        }

        return file;
    }
}
