namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Issue 11 defect 1: an endpoint that hangs for 20 s (kill -STOP, played by a proxy that freezes) made the
/// producer give connections up gracefully, so what they had queued arrived after the new session resent it:
/// silent duplicates. Every fragment must be stored once, and the producer's counts must agree with the store.
/// </summary>
public class HungEndpointTests
{
    private const int Frames = 750; // 30 s at the clip's 40 ms

    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(40);

    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(20.5);

    [TestCase(2), TestCase(20)]
    [CancelAfter(120_000)]
    public async Task A_hang_longer_than_the_staleness_limit_stores_every_frame_once(int staleAfterSeconds, CancellationToken cancellationToken)
    {
        await using var proxy = new FreezableProxy();
        await using var local = await LocalKvsFixture.StartAsync(o => o with { AdvertisedDataEndpoint = proxy.Url });
        proxy.TargetPort = local.Kvs.Url.Port;
        proxy.Start();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        var definition = new StreamDefinition("hung") { CreateIfMissing = true, ConnectionStaleAfter = TimeSpan.FromSeconds(staleAfterSeconds) };
        await using var stream = await producer.StartStreamAsync(definition, cancellationToken);
        var run = StreamRun.Of(stream);

        var feeding = run.PutAsync(Frames, Pace, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
        proxy.Freeze();
        await Task.Delay(Hang, cancellationToken);
        proxy.Thaw();
        await feeding;
        await stream.StopAsync(cancellationToken);

        var stored = (await local.ListFragmentsAsync(stream.Name)).Select(f => Math.Round(f.GetProperty("ProducerTimestamp").GetDouble() * 1000)).ToList();
        var dropped = run.Drops.Sum(d => d.FrameCount);
        var metrics = stream.GetMetrics();
        TestContext.Out.WriteLine($"put {Frames}, accepted {run.Accepted}, persisted {metrics.PersistedFrames}, reported dropped {dropped}, " +
            $"fragments stored {stored.Count} ({stored.Distinct().Count()} distinct, {Frames / 25} put), sessions {metrics.TotalSessions}, proxy connections {proxy.Connections}");

        Assert.That(stored, Is.Unique, "no fragment stored twice");
        Assert.That(metrics.PersistedFrames + dropped, Is.EqualTo(run.Accepted + run.RefusedByBuffer), "every frame persisted or reported dropped, once");
        Assert.That(stored, Has.Count.EqualTo((int)(metrics.PersistedFrames / 25)), "what the producer calls persisted is what is stored");
    }
}
