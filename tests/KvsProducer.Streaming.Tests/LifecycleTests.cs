namespace KvsProducer.Streaming.Tests;

/// <summary>Starting, stopping and disposing in any order is safe and says what happened to unsent frames.</summary>
public class LifecycleTests
{
    [Test, CancelAfter(60_000)]
    public async Task Disposing_the_producer_before_its_stream_is_safe(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var producer = new KinesisVideoProducer(local.ProducerOptions);
        var stream = await producer.StartStreamAsync(new StreamDefinition("order") { CreateIfMissing = true }, cancellationToken);
        await StreamRun.Of(stream).PutAsync(10, TimeSpan.Zero, cancellationToken);

        await producer.DisposeAsync();
        Assert.DoesNotThrowAsync(async () => await stream.DisposeAsync());
    }

    [Test, CancelAfter(60_000)]
    public async Task Frames_put_after_stop_are_refused_with_advice(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("stopped") { CreateIfMissing = true }, cancellationToken);
        await StreamRun.Of(stream).PutAsync(25, TimeSpan.Zero, cancellationToken);
        await stream.StopAsync(cancellationToken);

        var frame = RecordedClip.Frames(TimeSpan.FromDays(20_000), 1).Single();
        Assert.That(() => stream.PutFrame(frame), Throws.InvalidOperationException.With.Message.Contains("start a new stream"));
    }

    [Test, CancelAfter(60_000)]
    public async Task A_stream_disposed_without_stop_reports_its_unsent_frames_as_closed(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync(options => options with { Faults = new LocalEndpoint.LocalKvsFaults { StopAcks = true } });
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        var stream = await producer.StartStreamAsync(new StreamDefinition("closed") { CreateIfMissing = true, ConnectionStaleAfter = TimeSpan.Zero }, cancellationToken);
        var run = StreamRun.Of(stream);
        await run.PutAsync(30, TimeSpan.Zero, cancellationToken);

        await stream.DisposeAsync();

        Assert.That(run.Drops.Where(d => d.Reason == FrameDropReason.StreamClosed).Sum(d => d.FrameCount), Is.EqualTo(30), "nothing was acknowledged, so all 30 are reported");
    }
}
