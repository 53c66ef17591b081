namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Issue 11 defect 4: on a link slower than the stream, reconnects for staleness restarted fragments the old
/// connection was still sending, and frames were reported dropped that the endpoint stored. The accounting must be
/// exact against what an independent reader (ffprobe) finds stored: persisted + reported dropped = accepted, and
/// what the producer calls persisted is what is stored, once.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class SlowLinkTests
{
    private const int Frames = 150; // 6 s at 25 fps, about 45 kB/s

    [Test, CancelAfter(120_000)]
    public async Task On_a_link_slower_than_the_stream_every_accepted_frame_is_stored_once_or_reported_dropped(CancellationToken cancellationToken)
    {
        await using var proxy = new FreezableProxy { UploadBytesPerSecond = 15_000 };
        await using var local = await LocalKvsFixture.StartAsync(o => o with { AdvertisedDataEndpoint = proxy.Url });
        proxy.TargetPort = local.Kvs.Url.Port;
        proxy.Start();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        var definition = new StreamDefinition("slow-link")
        {
            CreateIfMissing = true,
            BufferDuration = TimeSpan.FromSeconds(4), // the backlog outgrows it: the oldest fragments are dropped
            ReplayDuration = TimeSpan.FromSeconds(2),
            ConnectionStaleAfter = TimeSpan.FromSeconds(2),
        };
        await using var stream = await producer.StartStreamAsync(definition, cancellationToken);
        var run = StreamRun.Of(stream);

        await run.PutAsync(Frames, TimeSpan.FromMilliseconds(40), cancellationToken);
        await stream.StopAsync(new DrainOptions { NoProgressTimeout = TimeSpan.FromSeconds(30) }, cancellationToken);

        var stored = await StoredFrames.ReadAsync(local, stream.Name);
        var metrics = stream.GetMetrics();
        long dropped = run.Drops.Sum(d => d.FrameCount);
        TestContext.Out.WriteLine($"put {Frames}, accepted {run.Accepted}, persisted {metrics.PersistedFrames} ({metrics.PersistedUnconfirmedFrames} unconfirmed) in {metrics.PersistedFragments} fragments, " +
            $"reported dropped {dropped}, stored {stored.Count} ({stored.Distinct().Count()} distinct), sessions {metrics.TotalSessions}, errors: {string.Join(" / ", run.Errors.Select(e => e.Error.Message))}");
        Assert.That(metrics.PersistedFrames + dropped, Is.EqualTo(run.Accepted + run.RefusedByBuffer), "every accepted frame persisted or reported dropped, once");
        Assert.That(stored.Distinct().Count(), Is.EqualTo(metrics.PersistedFrames), "persisted means stored: no frame reported dropped was stored, none called persisted is missing");
        Assert.That(stored.Count - stored.Distinct().Count(), Is.Zero, "nothing stored twice");
    }
}
