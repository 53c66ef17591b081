using System.Text.RegularExpressions;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

/// <summary>GetHLSStreamingSessionURL and the session's playlists and fragments, read by ffprobe.</summary>
[TestFixture]
[NonParallelizable]
public sealed class HlsTests
{
    private RecordedStream _stream = null!;

    [OneTimeSetUp]
    public async Task Start() => _stream = await RecordedStream.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _stream.DisposeAsync();

    [TestCase("FRAGMENTED_MP4")]
    [TestCase("MPEG_TS")]
    public async Task On_demand_session_plays_every_frame_in_ffprobe(string container)
    {
        string url = await _stream.SessionUrlAsync("getHLSStreamingSessionURL", $$$"""{"StreamName":"camera","PlaybackMode":"ON_DEMAND","ContainerFormat":"{{{container}}}","HLSFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{_stream.OnDemandRange}}}}}""", "HLSStreamingSessionURL");

        Assert.That(url, Does.Match(@"^http://127\.0\.0\.1:\d+/hls/v1/getHLSMasterPlaylist\.m3u8\?SessionToken=[A-Za-z0-9_-]+$"));
        Assert.That(await Ffprobe.CountFramesAsync(url), Is.EqualTo(RecordedStream.Frames));
        Assert.That(await Ffprobe.VideoStreamAsync(url), Is.EqualTo("h264,640,480"));
    }

    [Test]
    public async Task Live_media_playlist_lists_the_newest_fragments_without_endlist()
    {
        string url = await _stream.SessionUrlAsync("getHLSStreamingSessionURL", """{"StreamName":"camera","MaxMediaPlaylistFragmentResults":2}""", "HLSStreamingSessionURL");
        using var http = new HttpClient();
        string master = await http.GetStringAsync(url);
        string mediaUrl = new Uri(new Uri(url), master.Split('\n').First(l => l.StartsWith("getHLSMediaPlaylist.m3u8", StringComparison.Ordinal))).ToString();
        string media = await http.GetStringAsync(mediaUrl);

        Assert.That(master, Does.Contain("#EXT-X-STREAM-INF:").And.Contain("CODECS=\"avc1.").And.Contain("RESOLUTION=640x480"));
        Assert.That(Regex.Matches(media, "getMP4MediaFragment.mp4\\?FragmentNumber=").Count, Is.EqualTo(2));
        Assert.That(media, Does.Contain("#EXT-X-MAP:URI=\"getMP4InitFragment.mp4?SessionToken=").And.Contain("#EXT-X-MEDIA-SEQUENCE:1").And.Not.Contain("#EXT-X-ENDLIST"));
    }

    [TestCase("ALWAYS", 2)]
    [TestCase("NEVER", 0)]
    [TestCase("ON_DISCONTINUITY", 0)]
    public async Task Discontinuity_mode_decides_the_discontinuity_tags(string mode, int expected)
    {
        string url = await _stream.SessionUrlAsync("getHLSStreamingSessionURL", $$$"""{"StreamName":"camera","PlaybackMode":"ON_DEMAND","DiscontinuityMode":"{{{mode}}}","HLSFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{_stream.OnDemandRange}}}}}""", "HLSStreamingSessionURL");
        string media = await new HttpClient().GetStringAsync(url.Replace("getHLSMasterPlaylist", "getHLSMediaPlaylist", StringComparison.Ordinal));

        Assert.That(Regex.Matches(media, "#EXT-X-DISCONTINUITY\n").Count, Is.EqualTo(expected));
        Assert.That(media, Does.Contain("#EXT-X-ENDLIST").And.Contain("#EXT-X-PLAYLIST-TYPE:VOD"));
    }

    [Test]
    public async Task Live_replay_without_end_lists_from_the_start_and_stays_open()
    {
        string start = _stream.FirstProducerTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string media = await MediaPlaylistAsync("""{"StreamName":"camera","PlaybackMode":"LIVE_REPLAY","HLSFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{"StartTimestamp":""" + start + "}}}");

        Assert.That(Regex.Matches(media, "#EXTINF:").Count, Is.EqualTo(3));
        Assert.That(media, Does.Not.Contain("#EXT-X-ENDLIST"));
    }

    [Test]
    public async Task Live_replay_with_a_passed_end_lists_up_to_it_and_ends()
    {
        string range = System.Text.Json.JsonSerializer.Serialize(new { StartTimestamp = _stream.FirstProducerTimestamp, EndTimestamp = _stream.FirstProducerTimestamp + 1.5 });
        string media = await MediaPlaylistAsync($$$"""{"StreamName":"camera","PlaybackMode":"LIVE_REPLAY","HLSFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{range}}}}}""");

        Assert.That(Regex.Matches(media, "#EXTINF:").Count, Is.EqualTo(2));
        Assert.That(media, Does.Contain("#EXT-X-ENDLIST"));
    }

    [Test]
    public async Task DisplayFragmentTimestamp_ALWAYS_adds_program_date_time_per_fragment()
    {
        string media = await MediaPlaylistAsync("""{"StreamName":"camera","DisplayFragmentTimestamp":"ALWAYS","HLSFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP"}}""");
        string expected = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(_stream.LastProducerTimestamp * 1000)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(Regex.Matches(media, "#EXT-X-PROGRAM-DATE-TIME:").Count, Is.EqualTo(3));
        Assert.That(media, Does.Contain("#EXT-X-PROGRAM-DATE-TIME:" + expected));
    }

    private async Task<string> MediaPlaylistAsync(string request)
    {
        string url = await _stream.SessionUrlAsync("getHLSStreamingSessionURL", request, "HLSStreamingSessionURL");
        using var http = new HttpClient();
        return await http.GetStringAsync(url.Replace("getHLSMasterPlaylist", "getHLSMediaPlaylist", StringComparison.Ordinal));
    }

    [Test]
    public async Task Stream_without_retention_answers_NoDataRetentionException()
    {
        await _stream.Api.CallAsync("createStream", """{"StreamName":"no-retention","DataRetentionInHours":0}""");
        ApiResult result = await _stream.Api.CallAsync("getHLSStreamingSessionURL", """{"StreamName":"no-retention"}""");

        Assert.That(result.Status, Is.EqualTo(400));
        Assert.That(result.ErrorType, Does.StartWith("NoDataRetentionException"));
    }

    [Test]
    public async Task Stream_without_fragments_answers_ResourceNotFoundException_no_fragments_found()
    {
        await _stream.Api.CallAsync("createStream", """{"StreamName":"empty","DataRetentionInHours":2}""");
        ApiResult result = await _stream.Api.CallAsync("getHLSStreamingSessionURL", """{"StreamName":"empty"}""");

        Assert.That(result.Status, Is.EqualTo(404));
        Assert.That(result.ErrorType, Does.StartWith("ResourceNotFoundException"));
        Assert.That(result.Body.GetProperty("Message").GetString(), Does.StartWith("No fragments found"));
    }

    [TestCase("""{"StreamName":"camera","PlaybackMode":"ON_DEMAND"}""", "TimestampRange")]
    [TestCase("""{"StreamName":"camera","PlaybackMode":"LIVE","HLSFragmentSelector":{"TimestampRange":{"StartTimestamp":1}}}""", "must not be set")]
    [TestCase("""{"StreamName":"camera","Expires":100}""", "Expires")]
    [TestCase("""{"StreamName":"camera","ContainerFormat":"MKV"}""", "ContainerFormat")]
    [TestCase("""{"StreamName":"camera","MaxMediaPlaylistFragmentResults":5001}""", "MaxMediaPlaylistFragmentResults")]
    public async Task Invalid_request_answers_InvalidArgumentException_naming_the_field(string json, string named)
    {
        ApiResult result = await _stream.Api.CallAsync("getHLSStreamingSessionURL", json);

        Assert.That(result.Status, Is.EqualTo(400));
        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
        Assert.That(result.Body.GetProperty("Message").GetString(), Does.Contain(named));
    }

    [Test]
    public async Task Unknown_session_token_is_refused()
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.GetAsync(new Uri(_stream.Kvs.Url, "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=forged"));

        Assert.That((int)response.StatusCode, Is.EqualTo(401));
    }
}
