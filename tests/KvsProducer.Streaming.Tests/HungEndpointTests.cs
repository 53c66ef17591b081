namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Issue 11 defect 1: an endpoint that hangs for 20 s (kill -STOP, played by a proxy that freezes) made the
/// producer give connections up gracefully and write whole fragments into every new connection the hung endpoint's
/// kernel accepted, so all of it arrived after the new session resent it: silent duplicates. Now a stale session
/// sends nothing new and keeps reading answers for StaleConnectionGrace: an endpoint that resumes within it answers
/// what it held and nothing is sent twice. Only a hang longer than the grace resets the session, and then the
/// fragments resent without any answer are counted (ResentUnconfirmedFrames): the only ones that may be stored twice.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class HungEndpointTests
{
    private const int Frames = 750; // 30 s at the clip's 40 ms

    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(40);

    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(20.5);

    [TestCase(2), TestCase(20)]
    [CancelAfter(120_000)]
    public async Task A_hang_longer_than_the_staleness_limit_but_within_the_grace_stores_every_frame_once(int staleAfterSeconds, CancellationToken cancellationToken)
    {
        var definition = new StreamDefinition("hung") { CreateIfMissing = true, ConnectionStaleAfter = TimeSpan.FromSeconds(staleAfterSeconds) };
        var (run, stored, metrics) = await StreamThroughHangAsync(definition, TimeSpan.FromSeconds(4), cancellationToken);

        Assert.That(metrics.PersistedFrames + run.Drops.Sum(d => d.FrameCount), Is.EqualTo(run.Accepted + run.RefusedByBuffer), "every frame persisted or reported dropped, once");
        Assert.That(stored.Distinct().Count(), Is.EqualTo((int)(metrics.PersistedFrames / 25)), "what the producer calls persisted is what is stored");
        Assert.That(stored, Is.Unique, "the endpoint answered what it held within the grace: nothing was sent twice");
        Assert.That(metrics.ResentUnconfirmedFrames, Is.Zero);
    }

    [Test, CancelAfter(120_000)]
    public async Task A_hang_longer_than_the_grace_stores_every_frame_and_reports_every_frame_that_may_be_stored_twice(CancellationToken cancellationToken)
    {
        var definition = new StreamDefinition("hung-past-grace")
        {
            CreateIfMissing = true,
            ConnectionStaleAfter = TimeSpan.FromSeconds(2),
            StaleConnectionGrace = TimeSpan.FromSeconds(1),
        };
        var (run, stored, metrics) = await StreamThroughHangAsync(definition, TimeSpan.FromSeconds(4), cancellationToken);

        Assert.That(metrics.PersistedFrames + run.Drops.Sum(d => d.FrameCount), Is.EqualTo(run.Accepted + run.RefusedByBuffer), "every frame persisted or reported dropped, once");
        Assert.That(metrics.ResentUnconfirmedFrames, Is.GreaterThan(0), "the hung session's fragments were resent without an answer");
        Assert.That((stored.Count - stored.Distinct().Count()) * 25, Is.LessThanOrEqualTo(metrics.ResentUnconfirmedFrames), "every fragment stored twice is reported");
    }

    [Test, CancelAfter(120_000)]
    public async Task An_offline_upload_waits_through_a_hang_longer_than_the_old_15_s_wait_and_stores_every_frame(CancellationToken cancellationToken)
    {
        // Issue 11 defect 3: OfflineWaitTimeout (15 s) fired before staleness reconnected and frames were lost.
        var definition = new StreamDefinition("offline-hung")
        {
            CreateIfMissing = true,
            Mode = StreamingMode.Offline,
            BufferDuration = TimeSpan.FromSeconds(3), // full within the hang: PutFrameAsync must wait
            ReplayDuration = TimeSpan.FromSeconds(3),
            ConnectionStaleAfter = TimeSpan.FromSeconds(2),
        };
        var (run, stored, metrics) = await StreamThroughHangAsync(definition, TimeSpan.FromSeconds(3), cancellationToken);

        Assert.That(run.Accepted, Is.EqualTo(Frames), "every frame accepted after waiting");
        Assert.That(run.Drops, Is.Empty);
        Assert.That(stored, Is.Unique, "the endpoint resumed within the grace: nothing was sent twice");
        Assert.That(stored.Distinct(), Is.EquivalentTo(run.ExpectedFragmentTimes(Frames / 25)), "every fragment stored");
        Assert.That(metrics.PersistedFrames, Is.EqualTo(Frames));
    }

    /// <summary>Streams the clip through a proxy that freezes <paramref name="freezeAt"/> in, for <see cref="Hang"/>; returns what was stored (fragment start times, ms).</summary>
    private static async Task<(StreamRun Run, List<double> Stored, StreamBufferMetrics Metrics)> StreamThroughHangAsync(StreamDefinition definition, TimeSpan freezeAt, CancellationToken cancellationToken)
    {
        await using var proxy = new FreezableProxy();
        await using var local = await LocalKvsFixture.StartAsync(o => o with { AdvertisedDataEndpoint = proxy.Url });
        proxy.TargetPort = local.Kvs.Url.Port;
        proxy.Start();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(definition, cancellationToken);
        var run = StreamRun.Of(stream);

        var feeding = run.PutAsync(Frames, Pace, cancellationToken);
        await Task.Delay(freezeAt, cancellationToken);
        proxy.Freeze();
        await Task.Delay(Hang, cancellationToken);
        proxy.Thaw();
        await feeding;
        await stream.StopAsync(cancellationToken);

        var stored = (await local.ListFragmentsAsync(stream.Name)).Select(f => Math.Round(f.GetProperty("ProducerTimestamp").GetDouble() * 1000)).ToList();
        var metrics = stream.GetMetrics();
        TestContext.Out.WriteLine($"{definition.Name} ({definition.Mode}, stale after {definition.ConnectionStaleAfter.TotalSeconds} s): put {Frames}, accepted {run.Accepted}, " +
            $"persisted {metrics.PersistedFrames}, reported dropped {run.Drops.Sum(d => d.FrameCount)}, fragments stored {stored.Count} ({stored.Distinct().Count()} distinct, {Frames / 25} put), " +
            $"sessions {metrics.TotalSessions}, proxy connections {proxy.Connections}, resent unconfirmed {metrics.ResentUnconfirmedFrames} frames");
        return (run, stored, metrics);
    }
}
