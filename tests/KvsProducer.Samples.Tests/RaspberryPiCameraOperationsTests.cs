using KvsProducer.Streaming.Tests;

namespace KvsProducer.Samples.Tests;

/// <summary>
/// samples/RaspberryPiCamera as an operated service: systemd's watchdog (a fake NOTIFY_SOCKET), fed only
/// while fragments are persisted, and its metrics exported over OTLP/HTTP to a receiver on loopback.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class RaspberryPiCameraOperationsTests
{
    private static Dictionary<string, string> Environment(LocalKvsFixture local, string stream) => new()
    {
        ["Camera__Source"] = "testsrc:?size=320x240&rate=25",
        ["Camera__Encoder"] = "Libx264",
        ["Camera__Bitrate"] = "0",
        ["Kvs__Producer__ServiceUrl"] = local.Kvs.Url.ToString(),
        ["Kvs__Producer__AccessKey"] = "AKIDSAMPLETEST",
        ["Kvs__Producer__SecretKey"] = "sample-secret",
        ["Kvs__Stream__Name"] = stream,
        ["Kvs__Stream__FragmentDuration"] = "1s",
    };

    [Test, CancelAfter(90_000)]
    public async Task The_watchdog_is_fed_while_fragments_persist_and_stops_when_they_go_stale()
    {
        var local = await LocalKvsFixture.StartAsync();
        using var notify = new NotifySocket();
        var environment = Environment(local, "pi-watchdog");
        environment["NOTIFY_SOCKET"] = notify.Path;
        environment["WATCHDOG_USEC"] = "1000000"; // WatchdogSec=1: a ping every 0.5 s
        environment["Health__StaleAfter"] = "00:00:03";
        using var sample = SampleProcess.Start("RaspberryPiCamera", [], environment);
        await local.WaitForFragmentsAsync("pi-watchdog", 2, sample, TimeSpan.FromSeconds(30));

        var whileStreaming = await notify.ReceiveForAsync(TimeSpan.FromSeconds(2));
        await local.DisposeAsync(); // the endpoint is gone: nothing persists any more
        await Task.Delay(TimeSpan.FromSeconds(4)); // past Health:StaleAfter
        var whileStale = await notify.ReceiveForAsync(TimeSpan.FromSeconds(2));

        Assert.Multiple(() =>
        {
            Assert.That(whileStreaming.Count(m => m.Message == "WATCHDOG=1"), Is.InRange(3, 6), "every 0.5 s while healthy: " + sample.Output);
            Assert.That(whileStale.Where(m => m.Message == "WATCHDOG=1"), Is.Empty, "no ping once no fragment was persisted for 3 s");
            Assert.That(sample.Output, Does.Contain("no fragment persisted for"));
        });
    }

    [Test, CancelAfter(90_000)]
    public async Task The_producer_metrics_reach_an_otlp_receiver()
    {
        await using var local = await LocalKvsFixture.StartAsync();
        using var receiver = new OtlpReceiver();
        var environment = Environment(local, "pi-metrics");
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Url.ToString().TrimEnd('/');
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        using var sample = SampleProcess.Start("RaspberryPiCamera", [], environment);
        await local.WaitForFragmentsAsync("pi-metrics", 2, sample, TimeSpan.FromSeconds(30));

        var exit = await sample.StopAsync("TERM", TimeSpan.FromSeconds(30)); // the host flushes the exporter when it stops

        Assert.That(exit, Is.Zero, sample.Output);
        Assert.That(receiver.Requests, Is.GreaterThan(0), sample.Output);
        Assert.That(receiver.MetricsText, Does.Contain("KvsProducer").And.Contain("kvs.client.total_frame_rate").And.Contain("kvs.stream."));
    }
}
