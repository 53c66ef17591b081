using System.Buffers;
using KvsProducer.Buffering.Spool;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Tests.Buffering.Spool;

/// <summary>
/// Spilled frames (dropped from memory, kept on disk) are followed to their end: persisted from disk, lost from disk
/// too (segment deleted over MaxBytes, or refused by the service), or still waiting; the three always add up.
/// </summary>
public class SpillAccountingTests
{
    private static readonly ReadOnlySequence<byte> SomeBytes = new([1]);

    /// <summary>Fragments of 25 frames, Cluster Timecode 1000 × (n + 1), records appended in order.</summary>
    private static SpoolFragmentTracker Fragments(FrameSpool spool, int fragments, int frameBytes = 1000)
    {
        var tracker = new SpoolFragmentTracker(spool, keepsData: true);
        for (int i = 0; i < 25 * fragments; i++)
        {
            var frame = SpoolDirectory.FrameNumber(i, frameBytes);
            long sequence = spool.Append(frame);
            tracker.Stored(sequence, i % 25 == 0, 1000 * (1 + (i / 25)), frame.PresentationTime.Ticks);
        }

        return tracker;
    }

    private static FramesDroppedEventArgs MemoryDrop(int fragment) => new(
        FrameDropReason.BufferDurationExceeded, 25, SpoolDirectory.FrameNumber(25 * fragment).PresentationTime, SpoolDirectory.FrameNumber((25 * fragment) + 24).PresentationTime, false, 0, SomeBytes);

    [Test]
    public void A_fragment_kept_on_disk_is_spilled_and_waiting_and_its_drop_is_not_a_loss()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open();
        var tracker = Fragments(spool, 2);

        bool kept = tracker.OnDropped(MemoryDrop(0));

        var metrics = spool.GetMetrics();
        Assert.That(kept, Is.True, "every frame of the drop is on disk: the stream does not report it as dropped");
        Assert.That((metrics.SpilledFrames, metrics.SpilledWaitingFrames, metrics.SpilledPersistedFrames, metrics.SpilledLostFrames), Is.EqualTo((25L, 25L, 0L, 0L)));
    }

    [Test]
    public void Spilled_frames_replayed_and_PERSISTED_count_as_spilled_persisted()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open();
        var tracker = Fragments(spool, 2);
        tracker.OnDropped(MemoryDrop(0));

        var replay = new SpoolFragmentTracker(spool, keepsData: true, countsSpills: false);
        using (var reader = spool.ReadSpilled())
        {
            while (reader.TryRead(out var header, out _))
            {
                replay.Stored(header.Sequence, header.Sequence == 0, 5000, header.PresentationTicks);
            }
        }

        replay.OnAcknowledged(new FragmentAck(FragmentAckEventType.Persisted, 5000, "9"));

        var metrics = spool.GetMetrics();
        Assert.That((metrics.SpilledFrames, metrics.SpilledWaitingFrames, metrics.SpilledPersistedFrames, metrics.SpilledLostFrames), Is.EqualTo((25L, 0L, 25L, 0L)));
        Assert.That(metrics.Records, Is.EqualTo(25), "the second fragment is still the live stream's");
    }

    [Test]
    public void The_spilled_reader_reads_only_spilled_records_not_those_still_in_memory()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open();
        var tracker = Fragments(spool, 3);
        tracker.OnDropped(MemoryDrop(1));

        var read = new List<long>();
        using (var reader = spool.ReadSpilled())
        {
            while (reader.TryRead(out var header, out _))
            {
                read.Add(header.Sequence);
            }
        }

        Assert.That(read, Is.EqualTo(Enumerable.Range(25, 25).Select(i => (long)i)));
    }

    [Test]
    public void Spilled_frames_deleted_over_MaxBytes_are_lost_and_reported_once()
    {
        using var directory = new SpoolDirectory();
        // 64 KiB segments, 128 KiB bound; 1056-byte records: 62 to a segment, 124 within the bound.
        using var spool = directory.Open(directory.Options(maxBytes: 128 * 1024, segmentBytes: 64 * 1024));
        var tracker = Fragments(spool, 2); // records 0–49, all in the first segment
        tracker.OnDropped(MemoryDrop(0));
        tracker.OnDropped(MemoryDrop(1));

        for (int i = 50; i < 200; i++)
        {
            spool.Append(SpoolDirectory.FrameNumber(i)); // the first segment goes over the bound
        }

        var metrics = spool.GetMetrics();
        Assert.That((metrics.SpilledFrames, metrics.SpilledWaitingFrames, metrics.SpilledPersistedFrames, metrics.SpilledLostFrames), Is.EqualTo((50L, 0L, 0L, 50L)));
        Assert.That(spool.TakeSpilledLost(), Is.EqualTo(50), "the stream hears of them (DiskBufferFull)");
        Assert.That(spool.TakeSpilledLost(), Is.Zero, "once");
    }

    [Test]
    public void A_drop_whose_records_are_gone_from_disk_is_not_spilled()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open(directory.Options(maxBytes: 128 * 1024, segmentBytes: 64 * 1024));
        var tracker = Fragments(spool, 8); // 200 records: records 0–123 are deleted over the bound

        bool kept = tracker.OnDropped(MemoryDrop(0));

        Assert.That(kept, Is.False, "its frames are lost: the stream reports the drop");
        Assert.That(spool.GetMetrics().SpilledFrames, Is.Zero);
    }

    [Test]
    public void A_drop_with_only_part_of_its_records_on_disk_is_not_spilled_and_the_rest_is_released()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open(directory.Options(maxBytes: 128 * 1024, segmentBytes: 64 * 1024));
        // 1056-byte records, 62 to a segment, 124 within the bound: of 200, records 0–123 are deleted, so fragment 4
        // (records 100–124) keeps only its last record.
        var tracker = Fragments(spool, 8);

        bool kept = tracker.OnDropped(MemoryDrop(4));

        Assert.That(kept, Is.False, "a fragment without its start cannot be sent: the drop is a loss, reported once by the stream");
        Assert.That(spool.GetMetrics().SpilledFrames, Is.Zero, "and not counted again as spilled, nor later as lost from disk");
        Assert.That(SpoolDirectory.Backlog(spool).First().Sequence, Is.EqualTo(125), "its tail left on disk is released: it would only be skipped");
    }

    [Test]
    public void Directory_sync_of_a_real_directory_logs_nothing_and_of_a_missing_one_logs_without_throwing()
    {
        using var directory = new SpoolDirectory();
        var logger = new ListLogger();

        DirectorySync.Sync(directory.Root, "s", logger);
        Assert.That(logger.Messages, Is.Empty);

        DirectorySync.Sync(Path.Combine(directory.Root, "missing"), "s", logger);
        Assert.That(logger.Messages, Has.Count.EqualTo(1).And.Some.Contains("could not sync directory"));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Messages.Add(formatter(state, exception));
    }
}
