namespace KvsProducer.Streaming.Tests;

/// <summary>Frames put into a stream arrive at the local endpoint as stored fragments.</summary>
[Parallelizable(ParallelScope.All)]
public class StreamingTests
{
    [Test, CancelAfter(60_000)]
    public async Task Frames_put_into_a_new_stream_are_all_persisted_and_stop_waits_for_the_last_ack(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("front-door") { CreateIfMissing = true }, cancellationToken);
        var acks = new List<FragmentAck>();
        stream.FragmentAcknowledged += (_, ack) => { lock (acks) { acks.Add(ack); } };

        var start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        foreach (var frame in RecordedClip.Frames(start, 75))
        {
            Assert.That(stream.PutFrame(frame), Is.True);
        }

        await stream.StopAsync(cancellationToken);

        var fragments = await local.ListFragmentsAsync("front-door");
        Assert.That(fragments, Has.Count.EqualTo(3));
        lock (acks)
        {
            Assert.That(acks.Count(a => a.EventType == FragmentAckEventType.Persisted), Is.EqualTo(3));
            Assert.That(acks.Where(a => a.EventType == FragmentAckEventType.Persisted).Select(a => a.FragmentTimecode),
                Is.EqualTo(new[] { 0, 1000, 2000 }.Select(ms => (ulong)(start.TotalMilliseconds + ms))));
        }

        Assert.That(stream.GetMetrics().PersistedFrames, Is.EqualTo(75));
        Assert.That(stream.GetMetrics().TotalSessions, Is.EqualTo(1), "a clean stop ends the one session: no reconnect, nothing resent");
    }

    [Test, CancelAfter(60_000)]
    public async Task CopyToAsync_streams_a_source_stamped_with_the_wall_clock(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        await using var source = KvsProducer.Sources.ElementaryStreamSources.Open(KvsProducer.Sources.SourceUri.Parse($"file:{RecordedClip.PathOf("h264-640x480.h264")}?fps=25"), TimeSpan.Zero);
        await using var stream = await producer.StartStreamAsync(new StreamDefinition("copied") { CreateIfMissing = true, Tracks = [source.Track] }, cancellationToken);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        var stored = await KvsProducer.Sources.FrameSourceExtensions.CopyToAsync(source, stream, cancellationToken: cancellationToken);
        await stream.StopAsync(cancellationToken);

        Assert.That(stored, Is.EqualTo(75));
        var first = (await local.ListFragmentsAsync("copied")).Min(f => f.GetProperty("ProducerTimestamp").GetDouble());
        Assert.That(first, Is.EqualTo(before).Within(5), "the first frame carries the time it was put");
    }
}
