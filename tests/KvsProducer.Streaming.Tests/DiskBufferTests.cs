using KvsProducer.LocalEndpoint;

namespace KvsProducer.Streaming.Tests;

/// <summary>
/// The disk buffer (docs/disk-buffer.md) against the local endpoint: frames a run could not deliver are uploaded
/// by the next run from disk, and frames a Realtime stream dropped from memory during an outage arrive after it.
/// Stored frames are counted by ffprobe on the read-back: each exactly once.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class DiskBufferTests
{
    [Test, CancelAfter(90_000)]
    public async Task Frames_a_run_left_on_disk_are_uploaded_once_by_the_next_run_before_its_live_frames(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var spool = Directory.CreateTempSubdirectory("kvs-disk-buffer-").FullName;
        var definition = new StreamDefinition("restart") { CreateIfMissing = true, FragmentDuration = TimeSpan.FromSeconds(1), DiskBuffer = new DiskBufferOptions(spool) };
        var start = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) - TimeSpan.FromSeconds(20);

        await using (var producer = new KinesisVideoProducer(local.ProducerOptions))
        {
            var stream = await producer.StartStreamAsync(definition, cancellationToken);
            local.Kvs.Faults = new LocalKvsFaults { RefuseConnectionsFor = TimeSpan.FromMinutes(5) }; // the service is out of reach for this run
            foreach (var frame in RecordedClip.Frames(start, 100))
            {
                Assert.That(stream.PutFrame(frame), Is.True);
            }

            Assert.That(stream.GetDiskBufferMetrics()!.Records, Is.EqualTo(100));
        } // disposed without StopAsync: the process ends with nothing delivered

        local.Kvs.Faults = LocalKvsFaults.None;
        DiskBufferMetrics metrics;
        await using (var producer = new KinesisVideoProducer(local.ProducerOptions))
        {
            var stream = await producer.StartStreamAsync(definition, cancellationToken);
            foreach (var frame in RecordedClip.Frames(start + TimeSpan.FromSeconds(10), 50))
            {
                stream.PutFrame(frame);
            }

            await stream.StopAsync(cancellationToken);
            metrics = stream.GetDiskBufferMetrics()!;
        }

        var stored = await StoredFrames.ReadAsync(local, "restart");
        TestContext.Out.WriteLine($"stored {stored.Count} frames ({stored.Distinct().Count()} distinct); disk buffer: {metrics}");
        Assert.That(metrics.ReplayedFrames, Is.EqualTo(100));
        Assert.That(stored, Has.Count.EqualTo(150), "100 from disk + 50 live");
        Assert.That(stored, Is.Unique, "none twice");
        Assert.That(metrics.Records, Is.Zero, "everything persisted is released");
        var arrival = (await local.ListFragmentsAsync("restart")).OrderBy(f => f.GetProperty("ServerTimestamp").GetDouble()).Select(f => f.GetProperty("ProducerTimestamp").GetDouble());
        Assert.That(arrival, Is.Ordered, "the frames from disk arrived before the live ones (Offline order)");
        Assert.That(Directory.GetFiles(Path.Combine(spool, "restart"), "segment-*"), Is.Empty, "released segments deleted");
        Directory.Delete(spool, recursive: true);
    }

    [Test, CancelAfter(90_000)]
    public async Task Frames_of_two_failed_runs_whose_timestamps_go_back_are_all_uploaded_once(CancellationToken cancellationToken)
    {
        // A device whose clock was set back between runs: the backlog's timestamps are not in order, and one
        // session cannot carry them (decreasing fragment timecodes, 4004). The replay starts a session per run.
        await using var local = await LocalKvsFixture.StartAsync();
        var spool = Directory.CreateTempSubdirectory("kvs-disk-buffer-").FullName;
        var definition = new StreamDefinition("clock-back") { CreateIfMissing = true, FragmentDuration = TimeSpan.FromSeconds(1), DiskBuffer = new DiskBufferOptions(spool) };
        var later = TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) - TimeSpan.FromSeconds(20);
        await LeaveOnDiskAsync(local, definition, later, 50, cancellationToken);
        await LeaveOnDiskAsync(local, definition, later - TimeSpan.FromSeconds(60), 50, cancellationToken);

        DiskBufferMetrics metrics;
        await using (var producer = new KinesisVideoProducer(local.ProducerOptions))
        {
            var stream = await producer.StartStreamAsync(definition, cancellationToken);
            foreach (var frame in RecordedClip.Frames(later + TimeSpan.FromSeconds(10), 25))
            {
                stream.PutFrame(frame);
            }

            await stream.StopAsync(cancellationToken);
            metrics = stream.GetDiskBufferMetrics()!;
        }

        var stored = await StoredFrames.ReadAsync(local, "clock-back");
        TestContext.Out.WriteLine($"stored {stored.Count} frames ({stored.Distinct().Count()} distinct); disk buffer: {metrics}");
        Assert.That(metrics.ReplayedFrames, Is.EqualTo(100));
        Assert.That(stored, Has.Count.EqualTo(125), "both runs' 100 from disk + 25 live");
        Assert.That(stored, Is.Unique);
        Directory.Delete(spool, recursive: true);
    }

    [Test, CancelAfter(90_000)]
    public async Task A_realtime_stream_keeps_on_disk_what_memory_dropped_during_an_outage_and_uploads_it_on_stop(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var spool = Directory.CreateTempSubdirectory("kvs-disk-buffer-").FullName;
        var definition = new StreamDefinition("spill")
        {
            CreateIfMissing = true,
            FragmentDuration = TimeSpan.FromSeconds(1),
            BufferDuration = TimeSpan.FromSeconds(2), // memory holds 2 s: a 5 s outage overflows it
            ReplayDuration = TimeSpan.FromSeconds(2),
            DiskBuffer = new DiskBufferOptions(spool),
        };
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        var stream = await producer.StartStreamAsync(definition, cancellationToken);
        var run = StreamRun.Of(stream);
        local.Kvs.Faults = new LocalKvsFaults { RefuseConnectionsFor = TimeSpan.FromSeconds(5) };

        await run.PutAsync(250, TimeSpan.FromMilliseconds(40), cancellationToken);
        await stream.StopAsync(cancellationToken);

        var metrics = stream.GetDiskBufferMetrics()!;
        var dropped = run.Drops.Sum(d => d.FrameCount);
        var stored = await StoredFrames.ReadAsync(local, "spill");
        TestContext.Out.WriteLine($"accepted {run.Accepted}, dropped from memory {dropped}, stored {stored.Count} ({stored.Distinct().Count()} distinct); disk buffer: {metrics}");
        Assert.That(dropped, Is.GreaterThan(0), "the outage overflowed memory");
        Assert.That(metrics.SpilledFrames, Is.EqualTo(dropped), "every frame memory dropped was on disk");
        Assert.That(metrics.ReplayedFrames, Is.EqualTo(dropped), "and uploaded from there");
        Assert.That(stored, Has.Count.EqualTo(run.Accepted), "every accepted frame stored");
        Assert.That(stored, Is.Unique, "none twice");
        await stream.DisposeAsync();
        Directory.Delete(spool, recursive: true);
    }

    /// <summary>A run that cannot reach the service: puts <paramref name="count"/> frames from <paramref name="start"/>, then ends without draining.</summary>
    private static async Task LeaveOnDiskAsync(LocalKvsFixture local, StreamDefinition definition, TimeSpan start, int count, CancellationToken cancellationToken)
    {
        var producer = new KinesisVideoProducer(local.ProducerOptions);
        try
        {
            var stream = await producer.StartStreamAsync(definition, cancellationToken);
            local.Kvs.Faults = new LocalKvsFaults { RefuseConnectionsFor = TimeSpan.FromMinutes(5) };
            foreach (var frame in RecordedClip.Frames(start, count))
            {
                Assert.That(stream.PutFrame(frame), Is.True);
            }
        }
        finally
        {
            await producer.DisposeAsync(); // without StopAsync: nothing delivered
            local.Kvs.Faults = LocalKvsFaults.None;
        }
    }
}
