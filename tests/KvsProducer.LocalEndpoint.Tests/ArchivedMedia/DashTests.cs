using System.Xml.Linq;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

/// <summary>GetDASHStreamingSessionURL and its manifest, init and media fragments, read by ffprobe.</summary>
[TestFixture]
[NonParallelizable]
public sealed class DashTests
{
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";
    private RecordedStream _stream = null!;

    [OneTimeSetUp]
    public async Task Start() => _stream = await RecordedStream.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _stream.DisposeAsync();

    [Test]
    public async Task On_demand_manifest_opens_in_ffprobe_as_h264_video()
    {
        string url = await _stream.SessionUrlAsync("getDASHStreamingSessionURL", $$$"""{"StreamName":"camera","PlaybackMode":"ON_DEMAND","DASHFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{_stream.OnDemandRange}}}}}""", "DASHStreamingSessionURL");

        Assert.That(url, Does.Match(@"/dash/v1/getDASHManifest\.mpd\?SessionToken=[A-Za-z0-9_-]+$"));
        Assert.That(await Ffprobe.VideoStreamAsync(url), Is.EqualTo("h264,640,480"));
    }

    // FFmpeg 5.1's DASH reader stops one segment early on any SegmentList manifest (its own
    // `ffmpeg -f dash -use_template 0` output included: 50 of 75 frames), so the frame count is
    // taken from the resources the manifest names, concatenated as a player appends them.
    [Test]
    public async Task On_demand_manifest_names_an_init_and_segments_holding_every_frame()
    {
        string url = await _stream.SessionUrlAsync("getDASHStreamingSessionURL", $$$"""{"StreamName":"camera","PlaybackMode":"ON_DEMAND","DASHFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{_stream.OnDemandRange}}}}}""", "DASHStreamingSessionURL");
        using var http = new HttpClient();
        XDocument manifest = XDocument.Parse(await http.GetStringAsync(url));
        string[] resources =
        [
            manifest.Descendants(Mpd + "Initialization").Single().Attribute("sourceURL")!.Value,
            .. manifest.Descendants(Mpd + "SegmentURL").Select(s => s.Attribute("media")!.Value),
        ];
        string file = Path.Combine(Path.GetTempPath(), $"dash-{Guid.NewGuid():N}.mp4");
        try
        {
            await using (FileStream output = File.Create(file))
            {
                foreach (string resource in resources)
                {
                    await output.WriteAsync(await http.GetByteArrayAsync(new Uri(new Uri(url), resource)));
                }
            }

            Assert.That(manifest.Root!.Attribute("type")!.Value, Is.EqualTo("static"));
            Assert.That(await Ffprobe.CountFramesAsync(file), Is.EqualTo(RecordedStream.Frames));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task Live_manifest_is_dynamic_with_one_segment_per_newest_fragment()
    {
        string url = await _stream.SessionUrlAsync("getDASHStreamingSessionURL", """{"StreamName":"camera","PlaybackMode":"LIVE","MaxManifestFragmentResults":2}""", "DASHStreamingSessionURL");
        using var http = new HttpClient();
        XDocument manifest = XDocument.Parse(await http.GetStringAsync(url));

        Assert.That(manifest.Root!.Attribute("type")!.Value, Is.EqualTo("dynamic"));
        Assert.That(manifest.Descendants(Mpd + "SegmentURL").Count(), Is.EqualTo(2));
        Assert.That(manifest.Descendants(Mpd + "Representation").Single().Attribute("codecs")!.Value, Does.StartWith("avc1."));
    }

    [Test]
    public async Task Dash_session_serves_no_ts_fragments()
    {
        string url = await _stream.SessionUrlAsync("getDASHStreamingSessionURL", """{"StreamName":"camera"}""", "DASHStreamingSessionURL");
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.GetAsync(url.Replace("getDASHManifest.mpd", "getTSFragment.ts", StringComparison.Ordinal));

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task Missing_stream_answers_ResourceNotFoundException()
    {
        ApiResult result = await _stream.Api.CallAsync("getDASHStreamingSessionURL", """{"StreamName":"nowhere"}""");

        Assert.That(result.ErrorType, Does.StartWith("ResourceNotFoundException"));
    }
}
