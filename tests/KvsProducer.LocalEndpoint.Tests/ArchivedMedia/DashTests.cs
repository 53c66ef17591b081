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
    public async Task On_demand_manifest_plays_every_frame_in_ffprobe()
    {
        string url = await _stream.SessionUrlAsync("getDASHStreamingSessionURL", $$$"""{"StreamName":"camera","PlaybackMode":"ON_DEMAND","DASHFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{_stream.OnDemandRange}}}}}""", "DASHStreamingSessionURL");

        Assert.That(url, Does.Match(@"/dash/v1/getDASHManifest\.mpd\?SessionToken=[A-Za-z0-9_-]+$"));
        Assert.That(await Ffprobe.CountFramesAsync(url), Is.EqualTo(RecordedStream.Frames));
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
