using KvsProducer.Cli;

namespace KvsProducer.Streaming.Tests;

/// <summary><c>kvs stream</c> and <c>kvs upload</c> against the local endpoint, through the real command line.</summary>
[Parallelizable(ParallelScope.All)]
public class CliStreamingTests
{
    private static Task<int> Kvs(params string[] arguments) => Program.BuildRoot().Parse(arguments).InvokeAsync();

    [Test, CancelAfter(60_000)]
    public async Task Kvs_stream_sends_a_test_pattern_in_real_time_and_every_fragment_is_stored()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var exit = await Kvs("stream", "--source", "testsrc:?size=320x240&rate=25", "--duration", "3s", "--stream", "cli-live", "--create",
            "--fragment-duration", "1s", "--endpoint", local.Kvs.Url.ToString(), "--access-key", "AKIDTEST", "--secret-key", "secret");

        Assert.That(exit, Is.Zero);
        var fragments = await local.ListFragmentsAsync("cli-live");
        Assert.That(fragments, Has.Count.EqualTo(3), "3 s of media in 1 s fragments");
        var producerTimes = fragments.Select(f => f.GetProperty("ProducerTimestamp").GetDouble()).Order().ToList();
        Assert.That(producerTimes[0], Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).Within(30), "stamped with the wall clock");
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_upload_keeps_the_given_start_time()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var clip = RecordedClip.PathOf("h264-640x480.h264");
        var exit = await Kvs("upload", "--source", $"file:{clip}?fps=25", "--stream", "cli-upload", "--create",
            "--start-time", "2026-11-24T10:00:00Z", "--endpoint", local.Kvs.Url.ToString(), "--access-key", "AKIDTEST", "--secret-key", "secret");

        Assert.That(exit, Is.Zero);
        var fragments = await local.ListFragmentsAsync("cli-upload");
        Assert.That(fragments.Select(f => f.GetProperty("ProducerTimestamp").GetDouble()).Order(),
            Is.EqualTo(new[] { 0.0, 1.0, 2.0 }.Select(s => DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds() + s)));
    }

    [Test, CancelAfter(60_000)]
    public async Task Kvs_stream_to_a_missing_stream_without_create_fails_with_the_services_advice()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var exit = await Kvs("stream", "--source", "testsrc:?size=320x240&rate=25", "--duration", "1s", "--stream", "nowhere",
            "--endpoint", local.Kvs.Url.ToString(), "--access-key", "AKIDTEST", "--secret-key", "secret");

        Assert.That(exit, Is.EqualTo(1));
    }
}
