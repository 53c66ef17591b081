using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static System.FormattableString;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>kvs-protocol.md §7 and §6.7: ListFragments, GetMedia and GetMediaForFragmentList.</summary>
[TestFixture]
public sealed class ReadBackTests
{
    private const long T0 = MkvSample.StartMs;
    private LocalKvs _kvs = null!;
    private KvsApi _api = null!;
    private List<string> _numbers = null!;

    [SetUp]
    public async Task Start()
    {
        _kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        _api = new KvsApi(_kvs.Url);
        await _api.CreateStreamAsync("cam");
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");
        await upload.SendAsync(MkvSample.Header(), MkvSample.Tags(("motion", "yes")), MkvSample.Cluster(T0), MkvSample.Cluster(T0 + 2000), MkvSample.Cluster(T0 + 4000));
        await upload.EndAsync();
        _numbers = [.. (await upload.AcksUntilEndAsync()).Where(a => a.EventType == "PERSISTED").Select(a => a.Number!)];
        Assert.That(_numbers, Has.Count.EqualTo(3));
    }

    [TearDown]
    public async Task Stop()
    {
        _api.Dispose();
        await _kvs.DisposeAsync();
    }

    [Test]
    public async Task ListFragments_lists_every_persisted_fragment_with_timestamps_and_sizes()
    {
        ApiResult result = await _api.CallAsync("listFragments", """{"StreamName":"cam"}""");
        JsonElement[] fragments = [.. result.Body.GetProperty("Fragments").EnumerateArray()];

        Assert.That(fragments.Select(f => f.GetProperty("FragmentNumber").GetString()), Is.EqualTo(_numbers));
        Assert.That(fragments[1].GetProperty("ProducerTimestamp").GetDouble(), Is.EqualTo((T0 + 2000) / 1000.0));
        Assert.That(fragments[1].GetProperty("FragmentLengthInMilliseconds").GetInt64(), Is.EqualTo(66));
        Assert.That(fragments[1].GetProperty("FragmentSizeInBytes").GetInt64(), Is.EqualTo(MkvSample.Cluster(T0 + 2000).Length));
        Assert.That(fragments[1].GetProperty("ServerTimestamp").GetDouble(), Is.GreaterThan(1_700_000_000));
    }

    [Test]
    public async Task ListFragments_filters_by_producer_timestamp_range()
    {
        string range = Invariant($"\"StartTimestamp\":{(T0 + 1000) / 1000.0},\"EndTimestamp\":{(T0 + 4000) / 1000.0}");
        ApiResult result = await _api.CallAsync("listFragments", "{\"StreamName\":\"cam\",\"FragmentSelector\":{\"FragmentSelectorType\":\"PRODUCER_TIMESTAMP\",\"TimestampRange\":{" + range + "}}}");

        Assert.That(result.Body.GetProperty("Fragments").EnumerateArray().Select(f => f.GetProperty("FragmentNumber").GetString()), Is.EqualTo(_numbers[1..]));
    }

    [Test]
    public async Task ListFragments_pages_with_NextToken()
    {
        ApiResult first = await _api.CallAsync("listFragments", """{"StreamName":"cam","MaxResults":2}""");
        string token = first.Body.GetProperty("NextToken").GetString()!;
        ApiResult second = await _api.CallAsync("listFragments", $$"""{"StreamName":"cam","MaxResults":2,"NextToken":"{{token}}"}""");

        Assert.That(first.Body.GetProperty("Fragments").GetArrayLength(), Is.EqualTo(2));
        Assert.That(second.Body.GetProperty("Fragments").EnumerateArray().Select(f => f.GetProperty("FragmentNumber").GetString()), Is.EqualTo(new[] { _numbers[2] }));
    }

    [Test]
    public async Task GetMediaForFragmentList_returns_one_self_contained_chunk_per_fragment_with_service_tags()
    {
        byte[] media = await PostForBytesAsync("getMediaForFragmentList", $$"""{"StreamName":"cam","Fragments":["{{_numbers[0]}}","{{_numbers[2]}}"]}""", 2);
        string text = Encoding.Latin1.GetString(media);

        Assert.That(media[..4], Is.EqualTo(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }));
        Assert.That(Count(text, "\x1A\x45\xDF\xA3"), Is.EqualTo(2));
        Assert.That(text, Does.Contain("AWS_KINESISVIDEO_FRAGMENT_NUMBER").And.Contain(_numbers[0]).And.Contain(_numbers[2]).And.Not.Contain(_numbers[1]));
        Assert.That(text, Does.Contain("AWS_KINESISVIDEO_PRODUCER_TIMESTAMP\u0044\u0087\u0010\u0000\u0000\u000E1700000000.000"));
        Assert.That(text, Does.Contain("AWS_KINESISVIDEO_CONTINUATION_TOKEN"));
        Assert.That(text, Does.Contain(Encoding.Latin1.GetString(MkvSample.Cluster(T0 + 4000))));
        Assert.That(text, Does.Contain("motion"), "producer tags travel with their fragment");
    }

    [Test]
    public async Task A_GetMedia_chunk_is_a_valid_matroska_file_for_mkvinfo()
    {
        byte[] media = await PostForBytesAsync("getMediaForFragmentList", "{\"StreamName\":\"cam\",\"Fragments\":[\"" + _numbers[1] + "\"]}", 1);
        string file = Path.Combine(Path.GetTempPath(), $"kvs-chunk-{Guid.NewGuid():N}.mkv");
        await File.WriteAllBytesAsync(file, media);
        try
        {
            using var mkvinfo = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkvinfo", [file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string report = await mkvinfo.StandardOutput.ReadToEndAsync();
            await mkvinfo.WaitForExitAsync();

            Assert.That(mkvinfo.ExitCode, Is.EqualTo(0), report);
            Assert.That(report, Does.Contain("Cluster").And.Contain("AWS_KINESISVIDEO_FRAGMENT_NUMBER").And.Contain(_numbers[1]).And.Contain("V_MPEG4/ISO/AVC"));
            Assert.That(report, Does.Not.Contain("Error").And.Not.Contain("unknown element"), report);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task GetMediaForFragmentList_with_an_unknown_number_is_404()
    {
        ApiResult result = await _api.CallAsync("getMediaForFragmentList", """{"StreamName":"cam","Fragments":["91343852333000000000000000000000000000000000001"]}""");

        Assert.That(result.Status, Is.EqualTo(404));
    }

    [Test]
    public async Task GetMedia_earliest_streams_every_fragment_in_order()
    {
        byte[] media = await PostForBytesAsync("getMedia", """{"StreamName":"cam","StartSelector":{"StartSelectorType":"EARLIEST"}}""", 3);
        string text = Encoding.Latin1.GetString(media);

        int[] positions = [.. _numbers.Select(n => text.IndexOf(n, StringComparison.Ordinal))];
        Assert.That(positions, Is.All.GreaterThan(0));
        Assert.That(positions, Is.Ordered.Ascending);
    }

    [Test]
    public async Task GetMedia_after_a_fragment_number_starts_with_the_next_fragment()
    {
        byte[] media = await PostForBytesAsync("getMedia", "{\"StreamName\":\"cam\",\"StartSelector\":{\"StartSelectorType\":\"FRAGMENT_NUMBER\",\"AfterFragmentNumber\":\"" + _numbers[0] + "\"}}", 2);
        string text = Encoding.Latin1.GetString(media);

        Assert.That(text, Does.Not.Contain(_numbers[0]).And.Contain(_numbers[1]).And.Contain(_numbers[2]));
    }

    [Test]
    public async Task GetMedia_from_a_producer_timestamp_starts_with_the_fragment_containing_it()
    {
        byte[] media = await PostForBytesAsync("getMedia", "{\"StreamName\":\"cam\",\"StartSelector\":{\"StartSelectorType\":\"PRODUCER_TIMESTAMP\",\"StartTimestamp\":" + Invariant($"{(T0 + 2010) / 1000.0}") + "}}", 2);
        string text = Encoding.Latin1.GetString(media);

        Assert.That(text.IndexOf("AWS_KINESISVIDEO_FRAGMENT_NUMBER", StringComparison.Ordinal), Is.LessThan(text.IndexOf(_numbers[1], StringComparison.Ordinal)));
        Assert.That(text, Does.Not.Contain(_numbers[0]));
    }

    [Test]
    public async Task GetMedia_now_delivers_fragments_uploaded_after_the_request()
    {
        Task<byte[]> reading = PostForBytesAsync("getMedia", """{"StreamName":"cam","StartSelector":{"StartSelectorType":"NOW"}}""", 1);
        await Task.Delay(200);
        await using PutMediaUpload upload = await PutMediaUpload.StartAsync(_kvs.Url, "cam");
        await upload.SendAsync(MkvSample.Header(), MkvSample.Cluster(T0 + 6000));
        await upload.EndAsync();
        string live = (await upload.AcksUntilEndAsync()).First(a => a.EventType == "PERSISTED").Number!;

        string text = Encoding.Latin1.GetString(await reading);

        Assert.That(text, Does.Contain(live).And.Not.Contain(_numbers[2]));
    }

    [Test]
    public async Task GetMedia_without_a_start_selector_is_rejected()
    {
        ApiResult result = await _api.CallAsync("getMedia", """{"StreamName":"cam"}""");

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"));
    }

    private static int Count(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Posts and reads the streamed body until it holds <paramref name="chunks"/> continuation tokens (the end of each chunk).</summary>
    private async Task<byte[]> PostForBytesAsync(string operation, string json, int chunks)
    {
        using var http = new HttpClient { BaseAddress = _kvs.Url, Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + operation) { Content = new StringContent(json) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("video/webm"));
        await using Stream body = await response.Content.ReadAsStreamAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var collected = new MemoryStream();
        byte[] buffer = new byte[8192];
        while (Count(Encoding.Latin1.GetString(collected.ToArray()), "AWS_KINESISVIDEO_CONTINUATION_TOKEN") < chunks)
        {
            int n = await body.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                break;
            }

            collected.Write(buffer, 0, n);
        }

        // Let a final partial tag finish arriving.
        await Task.Delay(50);
        return collected.ToArray();
    }
}
