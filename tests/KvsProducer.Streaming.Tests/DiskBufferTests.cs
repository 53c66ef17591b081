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
        var definition = SpillingStream("spill", spool) with
        {
            DiskBuffer = new DiskBufferOptions(spool) { SpillReplayHealthyFor = Timeout.InfiniteTimeSpan }, // the old behaviour: spilled frames only at stop
        };
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        var stream = await producer.StartStreamAsync(definition, cancellationToken);
        var run = StreamRun.Of(stream);
        local.Kvs.Faults = new LocalKvsFaults { RefuseConnectionsFor = TimeSpan.FromSeconds(5) };

        await run.PutAsync(250, TimeSpan.FromMilliseconds(40), cancellationToken);
        var beforeStop = stream.GetDiskBufferMetrics()!;
        await stream.StopAsync(cancellationToken);

        var metrics = stream.GetDiskBufferMetrics()!;
        var buffer = stream.GetMetrics();
        var stored = await StoredFrames.ReadAsync(local, "spill");
        TestContext.Out.WriteLine($"accepted {run.Accepted}, spilled {buffer.SpilledFrames}, stored {stored.Count} ({stored.Distinct().Count()} distinct); disk buffer: {metrics}");
        Assert.That(buffer.SpilledFrames, Is.GreaterThan(0), "the outage overflowed memory");
        Assert.That(beforeStop.SpilledWaitingFrames, Is.EqualTo(buffer.SpilledFrames), "with SpillReplayHealthyFor infinite, nothing spilled goes up while the stream runs");
        Assert.That(metrics.SpilledFrames, Is.EqualTo(buffer.SpilledFrames), "every frame memory dropped was on disk");
        Assert.That(metrics.ReplayedFrames, Is.EqualTo(buffer.SpilledFrames), "and uploaded from there");
        Assert.That(stored, Has.Count.EqualTo(run.Accepted), "every accepted frame stored");
        Assert.That(stored, Is.Unique, "none twice");
        AssertEveryFrameAccountedFor(run, buffer, metrics);
        await stream.DisposeAsync();
        Directory.Delete(spool, recursive: true);
    }

    [Test, CancelAfter(120_000)]
    public async Task Spilled_frames_are_stored_while_the_stream_keeps_running_once_the_link_is_healthy_again(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var spool = Directory.CreateTempSubdirectory("kvs-disk-buffer-").FullName;
        var definition = SpillingStream("spill-live", spool) with
        {
            DiskBuffer = new DiskBufferOptions(spool) { SpillReplayHealthyFor = TimeSpan.FromSeconds(1), SpillSliceDuration = TimeSpan.FromSeconds(2) },
        };
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        var stream = await producer.StartStreamAsync(definition, cancellationToken);
        var run = StreamRun.Of(stream);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var livePersisted = new System.Collections.Concurrent.ConcurrentQueue<TimeSpan>();
        stream.FragmentAcknowledged += (_, ack) =>
        {
            if (ack.EventType == FragmentAckEventType.Persisted)
            {
                livePersisted.Enqueue(clock.Elapsed);
            }
        };
        local.Kvs.Faults = new LocalKvsFaults { RefuseConnectionsFor = TimeSpan.FromSeconds(5) };

        var putting = run.PutAsync(750, TimeSpan.FromMilliseconds(40), cancellationToken); // 30 s of frames
        TimeSpan? allSpilledStored = null;
        while (!putting.IsCompleted)
        {
            var disk = stream.GetDiskBufferMetrics()!;
            if (disk.SpilledFrames > 0 && disk.SpilledWaitingFrames == 0 && allSpilledStored is null)
            {
                allSpilledStored = clock.Elapsed;
            }

            await Task.Delay(100, cancellationToken);
        }

        await putting;
        var putEnded = clock.Elapsed;
        var beforeStop = stream.GetDiskBufferMetrics()!;
        await stream.StopAsync(cancellationToken);

        var metrics = stream.GetDiskBufferMetrics()!;
        var buffer = stream.GetMetrics();
        var stored = await StoredFrames.ReadAsync(local, "spill-live");
        var persisted = livePersisted.ToArray();
        var gaps = persisted.Zip(persisted.Skip(1), (a, b) => b - a).ToArray();
        TestContext.Out.WriteLine($"accepted {run.Accepted}, spilled {buffer.SpilledFrames}, all spilled stored at {allSpilledStored?.TotalSeconds:0.0} s of {putEnded.TotalSeconds:0.0} s; "
            + $"live PERSISTED gaps after the outage: max {gaps.Max().TotalSeconds:0.00} s; stored {stored.Count} ({stored.Distinct().Count()} distinct); disk buffer before stop: {beforeStop}");
        Assert.That(buffer.SpilledFrames, Is.GreaterThan(0), "the outage overflowed memory");
        Assert.That(allSpilledStored, Is.Not.Null.And.LessThan(putEnded), "every spilled frame was stored while the stream was still taking frames");
        Assert.That(beforeStop.SpilledPersistedFrames, Is.EqualTo(buffer.SpilledFrames));
        Assert.That(beforeStop.SpilledWaitingFrames, Is.Zero);
        Assert.That(gaps.Max(), Is.LessThan(TimeSpan.FromSeconds(4)), "a slice (2 s of media) holds the live upload back only briefly (1 s fragments: 1 s between PERSISTED normally)");
        Assert.That(stored, Has.Count.EqualTo(run.Accepted), "every accepted frame stored");
        Assert.That(stored, Is.Unique, "none twice");
        var arrival = (await local.ListFragmentsAsync("spill-live")).Select(f => f.GetProperty("ProducerTimestamp").GetDouble()).Order().ToArray();
        Assert.That(arrival, Is.Unique, "no fragment stored twice");
        AssertEveryFrameAccountedFor(run, buffer, metrics);
        var meter = StreamInstruments("spill-live", "kvs.stream.dropped_frames", "kvs.stream.persisted_frames");
        Assert.That(meter, Is.EqualTo(new Dictionary<string, long> { ["kvs.stream.dropped_frames"] = buffer.DroppedFrames, ["kvs.stream.persisted_frames"] = buffer.PersistedFrames }),
            "the Meter counts spilled frames as the metrics do: not dropped, persisted once uploaded from disk");
        await stream.DisposeAsync();
        Directory.Delete(spool, recursive: true);
    }

    [Test, CancelAfter(120_000)]
    public async Task A_stop_while_a_spilled_slice_is_going_up_waits_for_it_then_drains_everything_once(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var spool = Directory.CreateTempSubdirectory("kvs-disk-buffer-").FullName;
        var definition = SpillingStream("spill-stop", spool) with
        {
            DiskBuffer = new DiskBufferOptions(spool) { SpillReplayHealthyFor = TimeSpan.FromSeconds(1), SpillSliceDuration = TimeSpan.FromSeconds(2) },
        };
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        var stream = await producer.StartStreamAsync(definition, cancellationToken);
        var run = StreamRun.Of(stream);
        local.Kvs.Faults = new LocalKvsFaults { RefuseConnectionsFor = TimeSpan.FromSeconds(5) };

        using var putting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var puts = run.PutAsync(1500, TimeSpan.FromMilliseconds(40), putting.Token);
        while (stream.GetDiskBufferMetrics()!.ReplayedFrames == 0)
        {
            Assert.That(puts.IsCompleted, Is.False, "no slice started while frames were put");
            await Task.Delay(5, cancellationToken);
        }

        var atStop = stream.GetDiskBufferMetrics()!; // the first slice is being put into its replay stream
        await putting.CancelAsync();
        await puts.ContinueWith(_ => { }, TaskScheduler.Default);
        await stream.StopAsync(cancellationToken);

        var metrics = stream.GetDiskBufferMetrics()!;
        var buffer = stream.GetMetrics();
        var stored = await StoredFrames.ReadAsync(local, "spill-stop");
        TestContext.Out.WriteLine($"at stop: {atStop}; accepted {run.Accepted}, stored {stored.Count} ({stored.Distinct().Count()} distinct); after: {metrics}");
        Assert.That(atStop.SpilledWaitingFrames, Is.GreaterThan(0), "stopped with spilled frames still on disk");
        Assert.That(stored, Has.Count.EqualTo(run.Accepted), "every accepted frame stored: the slice, the live frames waiting in memory, the rest spilled");
        Assert.That(stored, Is.Unique, "none twice: the slice was not cut short and resent");
        AssertEveryFrameAccountedFor(run, buffer, metrics);
        await stream.DisposeAsync();
        Directory.Delete(spool, recursive: true);
    }

    [Test, CancelAfter(90_000)]
    public async Task Spilled_frames_the_disk_bound_deletes_are_reported_dropped_with_DiskBufferFull_and_the_figures_still_add_up(CancellationToken cancellationToken)
    {
        await using var local = await LocalKvsFixture.StartAsync();
        var spool = Directory.CreateTempSubdirectory("kvs-disk-buffer-").FullName;
        var definition = SpillingStream("spill-lost", spool) with
        {
            // 128 KiB hold about 70 frames of the clip (2.8 s), memory 2 s: most of what a 5 s outage spills is deleted.
            DiskBuffer = new DiskBufferOptions(spool) { MaxBytes = 128 * 1024, SegmentBytes = 64 * 1024, SpillReplayHealthyFor = Timeout.InfiniteTimeSpan },
        };
        await using var producer = new KinesisVideoProducer(local.ProducerOptions);
        var stream = await producer.StartStreamAsync(definition, cancellationToken);
        var run = StreamRun.Of(stream);
        local.Kvs.Faults = new LocalKvsFaults { RefuseConnectionsFor = TimeSpan.FromSeconds(5) };

        await run.PutAsync(250, TimeSpan.FromMilliseconds(40), cancellationToken);
        await stream.StopAsync(cancellationToken);

        var disk = stream.GetDiskBufferMetrics()!;
        var buffer = stream.GetMetrics();
        var stored = await StoredFrames.ReadAsync(local, "spill-lost");
        var diskBufferFull = run.Drops.Where(d => d.Reason == FrameDropReason.DiskBufferFull).Sum(d => d.FrameCount);
        TestContext.Out.WriteLine($"accepted {run.Accepted}, persisted {buffer.PersistedFrames}, dropped {buffer.DroppedFrames} (DiskBufferFull events: {diskBufferFull}), spilled {buffer.SpilledFrames}, stored {stored.Count}; disk buffer: {disk}");
        Assert.That(disk.SpilledLostFrames, Is.GreaterThan(0), "the bound deleted spilled frames");
        Assert.That(diskBufferFull, Is.EqualTo(disk.SpilledLostFrames), "subscribers heard of each, once");
        Assert.That(buffer.DroppedFrames, Is.EqualTo(run.Drops.Sum(d => d.FrameCount)), "DroppedFrames is what FramesDropped reported, no more");
        Assert.That(disk.SpilledWaitingFrames, Is.Zero);
        Assert.That(buffer.PersistedFrames + buffer.DroppedFrames + buffer.SkippedFrames, Is.EqualTo(buffer.PutFrames), "persisted + dropped + skipped = accepted");
        Assert.That(stored, Has.Count.GreaterThanOrEqualTo(buffer.PersistedFrames).And.Count.LessThan(run.Accepted), "what is counted persisted is stored; the lost frames are not");
        Assert.That(stored, Is.Unique);
        await stream.DisposeAsync();
        Directory.Delete(spool, recursive: true);
    }

    /// <summary>
    /// Issue 11: persisted + reported dropped = accepted. Spilled frames are not dropped (no FramesDropped event, not in
    /// DroppedFrames); once uploaded from disk they count as persisted.
    /// </summary>
    private static void AssertEveryFrameAccountedFor(StreamRun run, StreamBufferMetrics buffer, DiskBufferMetrics disk)
    {
        Assert.That(run.Drops.Where(d => d.Reason is FrameDropReason.BufferDurationExceeded or FrameDropReason.StorageFull && !d.Data.IsEmpty), Is.Empty, "what the disk kept is not reported dropped");
        Assert.That(disk.SpilledWaitingFrames, Is.Zero, "drained");
        Assert.That(buffer.PersistedFrames + buffer.DroppedFrames + buffer.SkippedFrames, Is.EqualTo(buffer.PutFrames), "persisted + dropped + skipped = accepted");
        Assert.That(buffer.PutFrames, Is.EqualTo(run.Accepted));
        Assert.That(buffer.DroppedFrames, Is.Zero, "nothing lost: memory's drops were all on disk");
        Assert.That(buffer.DroppedFragments, Is.Zero, "nor counted as dropped fragments");
    }

    /// <summary>The producers' <c>kvs.stream.*</c> counters named <paramref name="names"/> for <paramref name="stream"/>, read once now.</summary>
    private static Dictionary<string, long> StreamInstruments(string stream, params string[] names)
    {
        var values = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == KinesisVideoProducer.MeterName && names.Contains(instrument.Name))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "kvs.stream" && (string?)tag.Value == stream)
                {
                    values[instrument.Name] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    /// <summary>A Realtime stream whose memory holds 2 s: a 5 s outage overflows it.</summary>
    private static StreamDefinition SpillingStream(string name, string spool) => new(name)
    {
        CreateIfMissing = true,
        FragmentDuration = TimeSpan.FromSeconds(1),
        BufferDuration = TimeSpan.FromSeconds(2),
        ReplayDuration = TimeSpan.FromSeconds(2),
        DiskBuffer = new DiskBufferOptions(spool),
    };

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
