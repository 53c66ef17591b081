using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

/// <summary>GetClip: a fragmented MP4 of a time range, read by ffprobe.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ClipTests
{
    private RecordedStream _stream = null!;

    [OneTimeSetUp]
    public async Task Start() => _stream = await RecordedStream.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _stream.DisposeAsync();

    [Test]
    public async Task Clip_of_the_whole_range_is_an_mp4_ffprobe_decodes_frame_by_frame()
    {
        using var http = new HttpClient();
        using var content = new StringContent($$$"""{"StreamName":"camera","ClipFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{{{_stream.OnDemandRange}}}}}""", System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await http.PostAsync(new Uri(_stream.Kvs.Url, "/getClip"), content);
        string file = Path.Combine(Path.GetTempPath(), $"clip-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
        try
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("video/mp4"));
            Assert.That(await Ffprobe.CountFramesAsync(file), Is.EqualTo(RecordedStream.Frames));
            Assert.That(await Ffprobe.VideoStreamAsync(file), Is.EqualTo("h264,640,480"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task Clip_of_a_range_without_media_answers_ResourceNotFoundException()
    {
        ApiResult result = await _stream.Api.CallAsync("getClip", """{"StreamName":"camera","ClipFragmentSelector":{"FragmentSelectorType":"SERVER_TIMESTAMP","TimestampRange":{"StartTimestamp":1000,"EndTimestamp":1060}}}""");

        Assert.That(result.Status, Is.EqualTo(404));
        Assert.That(result.ErrorType, Does.StartWith("ResourceNotFoundException"));
    }

    [Test]
    public async Task Clip_without_a_selector_answers_InvalidArgumentException()
    {
        ApiResult result = await _stream.Api.CallAsync("getClip", """{"StreamName":"camera"}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
        Assert.That(result.Body.GetProperty("Message").GetString(), Does.Contain("ClipFragmentSelector"));
    }
}
