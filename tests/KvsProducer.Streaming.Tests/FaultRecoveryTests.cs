using KvsProducer.LocalEndpoint;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// Each fault the local endpoint can inject, met by the producer: it reconnects, rolls back, resends or
/// skips as kvs-protocol.md §4.4 says, and every frame it accepted ends persisted (or reported dropped).
/// </summary>
[Parallelizable(ParallelScope.All)]
public class FaultRecoveryTests
{
    private const int Frames = 125; // 5 fragments of 1 s

    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(10);

    /// <summary>Streams the clip while <paramref name="fault"/> is in force until the producer has recovered from it at least once, then clears it.</summary>
    private static async Task<(StreamRun Run, List<double> Stored)> StreamThroughFaultAsync(LocalKvsFaults fault, CancellationToken cancellationToken, StreamDefinition? definition = null)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(definition ?? new StreamDefinition("faulty") { CreateIfMissing = true }, cancellationToken);
        var run = StreamRun.Of(stream);

        local.Kvs.Faults = fault;
        var feeding = run.PutAsync(Frames, Pace, cancellationToken);
        await run.WaitUntilAsync(() => !run.Errors.IsEmpty, cancellationToken);
        local.Kvs.Faults = LocalKvsFaults.None;
        await feeding;
        await stream.StopAsync(cancellationToken);

        var stored = (await local.ListFragmentsAsync(stream.Name)).Select(f => Math.Round(f.GetProperty("ProducerTimestamp").GetDouble() * 1000)).ToList();
        return (run, stored);
    }

    private static void AssertNothingLost(StreamRun run, List<double> stored)
    {
        Assert.That(run.Drops, Is.Empty, "no frame reported dropped");
        Assert.That(stored.Distinct(), Is.EquivalentTo(run.ExpectedFragmentTimes(Frames / 25)), "every fragment stored");
        Assert.That(run.Accepted, Is.EqualTo(Frames), "every frame accepted");
        Assert.That(run.Stream.GetMetrics().PersistedFrames, Is.EqualTo(Frames), "every frame persisted exactly once");
        Assert.That(run.Errors.All(e => !e.IsFatal), Is.True);
    }

    [Test, CancelAfter(60_000)]
    public async Task A_connection_reset_mid_stream_is_recovered_without_loss(CancellationToken cancellationToken)
    {
        var (run, stored) = await StreamThroughFaultAsync(new LocalKvsFaults { DropPutMediaAfterBytes = 60_000, DropMode = FaultDropMode.Reset }, cancellationToken);
        AssertNothingLost(run, stored);
        Assert.That(run.Stream.Definition.Name, Is.EqualTo("faulty"));
    }

    [Test, CancelAfter(60_000)]
    public async Task An_orderly_close_mid_stream_is_recovered_without_loss(CancellationToken cancellationToken)
    {
        var (run, stored) = await StreamThroughFaultAsync(new LocalKvsFaults { DropPutMediaAfterBytes = 60_000, DropMode = FaultDropMode.Close }, cancellationToken);
        AssertNothingLost(run, stored);
    }

    [Test, CancelAfter(60_000)]
    public async Task A_retriable_error_ack_resends_the_fragment_on_a_new_connection(CancellationToken cancellationToken)
    {
        // kvs-protocol.md §4.4: 5000 INTERNAL_ERROR → resend.
        var (run, stored) = await StreamThroughFaultAsync(new LocalKvsFaults { ErrorAckId = 5000, ErrorAckAtFragment = 2 }, cancellationToken);
        AssertNothingLost(run, stored);
        Assert.That(run.Acks.Any(a => a.EventType == FragmentAckEventType.Error && a.ErrorId == 5000), Is.True);
    }

    [Test, CancelAfter(60_000)]
    public async Task A_skip_error_ack_reports_that_fragment_dropped_and_keeps_the_rest(CancellationToken cancellationToken)
    {
        // kvs-protocol.md §4.4: 4002 MAX_FRAGMENT_DURATION_REACHED → skip the fragment, tell the app.
        await using var local = await LocalKvsFixture.StartAsync();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("skipping") { CreateIfMissing = true }, cancellationToken);
        var run = StreamRun.Of(stream);
        local.Kvs.Faults = new LocalKvsFaults { ErrorAckId = 4002, ErrorAckAtFragment = 2 };
        var feeding = run.PutAsync(Frames, Pace, cancellationToken);
        await run.WaitUntilAsync(() => !run.Drops.IsEmpty, cancellationToken);
        local.Kvs.Faults = LocalKvsFaults.None;
        await feeding;
        await stream.StopAsync(cancellationToken);

        // The fault hits fragment 2 of every session until it is cleared. The frames of a skipped fragment
        // already buffered are reported with the error id; frames of it still arriving are refused
        // (PutFrame returns false) or reported as belonging to a dropped fragment start, until the next key frame.
        Assert.That(run.Drops.Select(d => d.Reason), Is.All.AnyOf(FrameDropReason.ErrorAcknowledgement, FrameDropReason.FragmentStartDropped));
        var errorDrops = run.Drops.Where(d => d.Reason == FrameDropReason.ErrorAcknowledgement).ToList();
        Assert.That(errorDrops, Is.Not.Empty);
        Assert.That(errorDrops.Select(d => d.ErrorId), Is.All.EqualTo(4002));
        Assert.That(stream.GetMetrics().PersistedFrames + run.Drops.Sum(d => d.FrameCount), Is.EqualTo(run.Accepted + run.RefusedByBuffer),
            "every frame persisted or reported dropped, exactly once");
        Assert.That(run.Accepted, Is.LessThan(Frames));
        var stored = await local.ListFragmentsAsync(stream.Name);
        Assert.That(stored, Has.Count.LessThan(Frames / 25), "a skipped fragment is not stored");
    }

    [Test, CancelAfter(60_000)]
    public async Task Acknowledgements_that_stop_make_the_connection_stale_and_it_is_replaced(CancellationToken cancellationToken)
    {
        // A short grace: the endpoint stores but never answers, so the grace expires and the session is reset.
        var definition = new StreamDefinition("stale") { CreateIfMissing = true, ConnectionStaleAfter = TimeSpan.FromSeconds(1), StaleConnectionGrace = TimeSpan.FromSeconds(1) };
        var (run, stored) = await StreamThroughFaultAsync(new LocalKvsFaults { StopAcks = true }, cancellationToken, definition);
        AssertNothingLost(run, stored);
        Assert.That(run.Errors.First().Error.Message, Does.Contain("stale"));
        var resent = run.Stream.GetMetrics().ResentUnconfirmedFrames;
        TestContext.Out.WriteLine($"stored {stored.Count} fragments ({stored.Distinct().Count()} distinct), resent unconfirmed {resent} frames");
        Assert.That(resent, Is.GreaterThan(0), "the fragments the silent session carried were resent unconfirmed");
        Assert.That((stored.Count - stored.Distinct().Count()) * 25, Is.LessThanOrEqualTo(resent), "every fragment stored twice is reported as resent unconfirmed");
    }

    [Test, CancelAfter(60_000)]
    public async Task Refused_connections_are_retried_until_the_endpoint_is_back(CancellationToken cancellationToken)
    {
        var (run, stored) = await StreamThroughFaultAsync(new LocalKvsFaults { RefuseConnectionsFor = TimeSpan.FromSeconds(1) }, cancellationToken);
        AssertNothingLost(run, stored);
    }

    [Test, CancelAfter(60_000)]
    public async Task Control_plane_throttling_and_server_errors_are_retried_when_the_stream_starts(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        local.Kvs.Faults = new LocalKvsFaults { Seed = 7, ThrottleRate = 0.4, ServerErrorRate = 0.3 };
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("throttled") { CreateIfMissing = true }, cancellationToken);
        var run = StreamRun.Of(stream);
        await run.PutAsync(50, TimeSpan.Zero, cancellationToken);
        await stream.StopAsync(cancellationToken);

        Assert.That(stream.GetMetrics().PersistedFrames, Is.EqualTo(50));
    }
}
