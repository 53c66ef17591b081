using KvsProducer.LocalEndpoint;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Issue 11 "exactly once": a connection cut after the service acknowledged a fragment RECEIVED but before its
/// PERSISTED. The service stores what it received, so the next session must not send that fragment again.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class ReceivedNotResentTests
{
    private const int Frames = 250; // 10 s, 10 fragments of 1 s

    [TestCase(StreamingMode.Realtime), TestCase(StreamingMode.Offline)]
    [CancelAfter(90_000)]
    public async Task A_fragment_received_before_the_connection_was_cut_is_stored_once_and_counted_persisted_unconfirmed(StreamingMode mode, CancellationToken cancellationToken)
    {
        // Every session is cut right after its 3rd RECEIVED: that fragment's PERSISTED never reaches the producer.
        await using var local = await LocalKvsFixture.StartAsync(o => o with { Faults = new LocalKvsFaults { DropPutMediaAfterReceivedAcks = 3 } });
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("cut-" + mode.ToString().ToLowerInvariant()) { CreateIfMissing = true, Mode = mode }, cancellationToken);
        var run = StreamRun.Of(stream);

        await run.PutAsync(Frames, TimeSpan.FromMilliseconds(40), cancellationToken);
        local.Kvs.Faults = LocalKvsFaults.None; // the last fragments end the stream without a cut
        await stream.StopAsync(cancellationToken);

        var stored = await StoredFrames.ReadAsync(local, stream.Name);
        var metrics = stream.GetMetrics();
        TestContext.Out.WriteLine($"{mode}: put {Frames}, persisted {metrics.PersistedFrames} ({metrics.PersistedUnconfirmedFrames} unconfirmed), dropped {run.Drops.Sum(d => d.FrameCount)}, " +
            $"stored {stored.Count} ({stored.Distinct().Count()} distinct), sessions {metrics.TotalSessions}");
        Assert.That(metrics.TotalSessions, Is.GreaterThanOrEqualTo(3), "the fault cut sessions");
        Assert.That(stored.Count - stored.Distinct().Count(), Is.Zero, "no frame stored twice");
        Assert.That(stored, Has.Count.EqualTo(Frames), "every frame stored");
        Assert.That(metrics.PersistedUnconfirmedFrames, Is.GreaterThanOrEqualTo(50), "the cut fragments count as persisted, unconfirmed");
        Assert.That(metrics.PersistedFrames, Is.EqualTo(Frames), "persisted (confirmed or not) = accepted, nothing dropped");
        Assert.That(run.Drops, Is.Empty);
    }
}
