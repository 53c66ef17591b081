using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvsProducer.LocalEndpoint.Tests.ArchivedMedia;

namespace KvsProducer.LocalEndpoint.Tests.WebConsole;

/// <summary>The web console at the endpoint's root, in headless Chromium and over HTTP.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ConsoleTests
{
    [Test, CancelAfter(90_000)]
    public async Task Console_plays_a_live_stream_in_headless_chromium_with_decoded_pixels()
    {
        Assume.That(HeadlessChromium.Installed, "Debian package chromium (build.sh installs it)");
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        await using LiveCamera camera = LiveCamera.Start(kvs.Url, "front-door");
        await WaitForFragmentsAsync(kvs.Url, "front-door", 2);

        await using HeadlessChromium browser = await HeadlessChromium.OpenAsync(new Uri(kvs.Url, "/?stream=front-door"));
        JsonNode? state = null;
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(40))
        {
            state = await browser.EvaluateAsync("window.kvsConsole ? window.kvsConsole.state() : null");
            if (state?["currentTime"]?.GetValue<double>() > 1.5)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.That(state?["error"]?.GetValue<string>(), Is.Null, () => state?.ToJsonString() ?? "no state");
        Assert.That(state?["currentTime"]?.GetValue<double>(), Is.GreaterThan(1.5), () => "playback time advanced: " + (state?.ToJsonString() ?? "no state"));
        JsonNode box = (await browser.EvaluateAsync("(() => { const r = document.getElementById('player').getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; })()"))!;
        byte[] png = await browser.ScreenshotAsync(box["x"]!.GetValue<double>(), box["y"]!.GetValue<double>(), box["w"]!.GetValue<double>(), box["h"]!.GetValue<double>());
        string shot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "console-live-player.png");
        await File.WriteAllBytesAsync(shot, png);
        TestContext.AddTestAttachment(shot);

        (double mean, double deviation) = await GrayStatisticsAsync(shot);
        Assert.That(deviation, Is.GreaterThan(20), $"the player shows a picture, not a uniform area (mean {mean:F1}, deviation {deviation:F1}): {shot}");
    }

    [Test]
    public async Task Console_page_and_vendored_hls_js_are_served_at_the_root()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions());
        using var http = new HttpClient { BaseAddress = kvs.Url };

        string page = await http.GetStringAsync("/");
        using HttpResponseMessage script = await http.GetAsync("/console/hls.min.js");
        string license = await http.GetStringAsync("/console/hls.js.LICENSE");

        Assert.That(page, Does.Contain("<video id=\"player\"").And.Contain("/console/hls.min.js"));
        Assert.That(script.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
        Assert.That((await script.Content.ReadAsByteArrayAsync()).Length, Is.GreaterThan(100_000));
        Assert.That(license, Does.Contain("Apache License").Or.Contain("Copyright"));
    }

    [Test]
    public async Task Console_lists_streams_with_tags_and_newest_fragments()
    {
        await using RecordedStream stream = await RecordedStream.StartAsync("garage");
        await stream.Api.CallAsync("tagStream", """{"StreamName":"garage","Tags":{"site":"home"}}""");
        using var http = new HttpClient { BaseAddress = stream.Kvs.Url };

        using JsonDocument streams = JsonDocument.Parse(await http.GetStringAsync("/console/api/streams"));
        using JsonDocument details = JsonDocument.Parse(await http.GetStringAsync("/console/api/stream?name=garage"));

        Assert.That(streams.RootElement.EnumerateArray().Select(s => s.GetProperty("StreamName").GetString()), Is.EqualTo(new[] { "garage" }));
        Assert.That(details.RootElement.GetProperty("Tags").GetProperty("site").GetString(), Is.EqualTo("home"));
        Assert.That(details.RootElement.GetProperty("Fragments").GetArrayLength(), Is.EqualTo(3));
    }

    private static async Task WaitForFragmentsAsync(Uri endpoint, string stream, int count)
    {
        using var http = new HttpClient { BaseAddress = endpoint };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            using HttpResponseMessage response = await http.GetAsync("/console/api/stream?name=" + stream);
            if (response.IsSuccessStatusCode && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("FragmentCount").GetInt32() >= count)
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{stream}: fewer than {count} fragments after 20 s");
    }

    // ffmpeg decodes the PNG to 8-bit gray (an independent decoder); the statistics are computed here.
    private static async Task<(double Mean, double Deviation)> GrayStatisticsAsync(string png)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "-v", "error", "-i", png, "-f", "rawvideo", "-pix_fmt", "gray", "-" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        using var pixels = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(pixels);
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await copy;
        byte[] gray = pixels.ToArray();
        Assert.That(gray, Is.Not.Empty, "ffmpeg decoded the screenshot");
        double mean = gray.Average(b => (double)b);
        double deviation = Math.Sqrt(gray.Average(b => (b - mean) * (b - mean)));
        return (mean, deviation);
    }
}
