using System.Globalization;
using System.Text.Json;
using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

/// <summary>GetImages: stills decoded from the stored H.264, checked by ffprobe.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ImagesTests
{
    private RecordedStream _stream = null!;

    [OneTimeSetUp]
    public async Task Start() => _stream = await RecordedStream.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _stream.DisposeAsync();

    private string Request(string format, double start, double end, string extra = "") => string.Create(CultureInfo.InvariantCulture,
        $$"""{"StreamName":"camera","ImageSelectorType":"PRODUCER_TIMESTAMP","StartTimestamp":{{start}},"EndTimestamp":{{end}},"SamplingInterval":500,"Format":"{{format}}"{{extra}}}""");

    [TestCase("JPEG", "mjpeg")]
    [TestCase("PNG", "png")]
    public async Task Images_at_the_sampling_interval_decode_at_the_asked_size(string format, string codec)
    {
        ApiResult result = await _stream.Api.CallAsync("getImages", Request(format, _stream.FirstProducerTimestamp, _stream.FirstProducerTimestamp + 2, ""","WidthPixels":320,"HeightPixels":240"""));
        JsonElement[] images = [.. result.Body.GetProperty("Images").EnumerateArray()];

        Assert.That(result.Status, Is.EqualTo(200), () => result.Body.ToString());
        Assert.That(images, Has.Length.EqualTo(5), "0, 0.5, 1, 1.5, 2 s");
        Assert.That(images.Select(i => i.GetProperty("TimeStamp").GetDouble()), Is.EqualTo(new[] { 0, 0.5, 1, 1.5, 2 }.Select(s => _stream.FirstProducerTimestamp + s)).Within(0.0005));
        foreach (JsonElement image in images)
        {
            Assert.That(image.TryGetProperty("Error", out _), Is.False, () => image.ToString());
            Assert.That(await ProbeAsync(Convert.FromBase64String(image.GetProperty("ImageContent").GetString()!)), Is.EqualTo($"{codec},320,240"));
        }
    }

    [Test]
    public async Task Width_alone_keeps_the_aspect_ratio()
    {
        ApiResult result = await _stream.Api.CallAsync("getImages", Request("JPEG", _stream.FirstProducerTimestamp + 1, _stream.FirstProducerTimestamp + 1, ""","WidthPixels":160"""));
        JsonElement image = result.Body.GetProperty("Images")[0];

        Assert.That(await ProbeAsync(Convert.FromBase64String(image.GetProperty("ImageContent").GetString()!)), Is.EqualTo("mjpeg,160,120"));
    }

    [Test]
    public async Task Sample_times_without_media_carry_error_NO_MEDIA()
    {
        ApiResult result = await _stream.Api.CallAsync("getImages", Request("JPEG", _stream.LastProducerTimestamp + 10, _stream.LastProducerTimestamp + 11));
        JsonElement[] images = [.. result.Body.GetProperty("Images").EnumerateArray()];

        Assert.That(images, Has.Length.EqualTo(3));
        Assert.That(images.Select(i => i.GetProperty("Error").GetString()), Is.All.EqualTo("NO_MEDIA"));
        Assert.That(images.Any(i => i.TryGetProperty("ImageContent", out _)), Is.False);
    }

    [Test]
    public async Task MaxResults_pages_with_NextToken()
    {
        ApiResult first = await _stream.Api.CallAsync("getImages", Request("JPEG", _stream.FirstProducerTimestamp, _stream.FirstProducerTimestamp + 2, ""","MaxResults":3"""));
        string token = first.Body.GetProperty("NextToken").GetString()!;
        ApiResult second = await _stream.Api.CallAsync("getImages", Request("JPEG", _stream.FirstProducerTimestamp, _stream.FirstProducerTimestamp + 2, $$""","MaxResults":3,"NextToken":"{{token}}" """));

        Assert.That(first.Body.GetProperty("Images").GetArrayLength(), Is.EqualTo(3));
        Assert.That(second.Body.GetProperty("Images").GetArrayLength(), Is.EqualTo(2));
        Assert.That(second.Body.TryGetProperty("NextToken", out _), Is.False);
    }

    [TestCase(100, "", "SamplingInterval")]
    [TestCase(500, ""","FormatConfig":{"JPEGQuality":"101"}""", "JPEGQuality")]
    [TestCase(500, ""","WidthPixels":4000""", "WidthPixels")]
    public async Task Out_of_range_parameters_answer_InvalidArgumentException(int interval, string extra, string named)
    {
        string json = Request("JPEG", _stream.FirstProducerTimestamp, _stream.FirstProducerTimestamp + 1, extra).Replace("\"SamplingInterval\":500", "\"SamplingInterval\":" + interval.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        ApiResult result = await _stream.Api.CallAsync("getImages", json);

        Assert.That(result.ErrorType, Does.StartWith("InvalidArgumentException"), () => json);
        Assert.That(result.Body.GetProperty("Message").GetString(), Does.Contain(named));
    }

    private static async Task<string> ProbeAsync(byte[] image)
    {
        string file = Path.Combine(Path.GetTempPath(), $"image-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(file, image);
        try
        {
            return await Ffprobe.VideoStreamAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
