using System.Buffers;
using KvsProducer.Buffering.Spool;

namespace KvsProducer.Tests.Buffering.Spool;

/// <summary>Which acknowledgements and drops release a fragment's records, and which leave them on disk.</summary>
public class SpoolFragmentTrackerTests
{
    private static readonly ReadOnlySequence<byte> SomeBytes = new([1]);

    /// <summary>Two fragments of 25 frames (records 0–24 and 25–49), Cluster Timecodes 1000 and 2000.</summary>
    private static SpoolFragmentTracker TwoFragments(FrameSpool spool, bool keepsData = true)
    {
        var tracker = new SpoolFragmentTracker(spool, keepsData);
        for (int i = 0; i < 50; i++)
        {
            var frame = SpoolDirectory.FrameNumber(i);
            long sequence = spool.Append(frame);
            tracker.Stored(sequence, i % 25 == 0, 1000 * (1 + (i / 25)), frame.PresentationTime.Ticks);
        }

        return tracker;
    }

    [Test]
    public void PERSISTED_releases_exactly_the_records_of_its_fragment()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open();
        var tracker = TwoFragments(spool);

        tracker.OnAcknowledged(new FragmentAck(FragmentAckEventType.Persisted, 2000, "2"));

        Assert.That(SpoolDirectory.Backlog(spool).Select(r => r.Sequence), Is.EqualTo(Enumerable.Range(0, 25).Select(i => (long)i)));
    }

    [Test]
    public void BUFFERING_and_RECEIVED_release_nothing_on_a_stream_that_keeps_data()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open();
        var tracker = TwoFragments(spool);

        tracker.OnAcknowledged(new FragmentAck(FragmentAckEventType.Buffering, 1000, "1"));
        tracker.OnAcknowledged(new FragmentAck(FragmentAckEventType.Received, 1000, "1"));

        Assert.That(spool.GetMetrics().Records, Is.EqualTo(50));
    }

    [Test]
    public void RECEIVED_releases_on_a_stream_that_keeps_no_data()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open();
        var tracker = TwoFragments(spool, keepsData: false);

        tracker.OnAcknowledged(new FragmentAck(FragmentAckEventType.Received, 1000, "1"));

        Assert.That(spool.GetMetrics().Records, Is.EqualTo(25));
    }

    [Test]
    public void A_fragment_dropped_from_memory_stays_on_disk_and_is_counted_as_spilled()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open();
        var tracker = TwoFragments(spool);

        tracker.OnDropped(new FramesDroppedEventArgs(FrameDropReason.BufferDurationExceeded, 25, SpoolDirectory.FrameNumber(0).PresentationTime, SpoolDirectory.FrameNumber(24).PresentationTime, false, 0, SomeBytes));

        Assert.That(spool.GetMetrics().Records, Is.EqualTo(50));
        Assert.That(spool.GetMetrics().SpilledFrames, Is.EqualTo(25));
    }

    [Test]
    public void A_fragment_the_service_refused_for_good_is_released()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open();
        var tracker = TwoFragments(spool);

        tracker.OnDropped(new FramesDroppedEventArgs(FrameDropReason.ErrorAcknowledgement, 25, SpoolDirectory.FrameNumber(25).PresentationTime, SpoolDirectory.FrameNumber(49).PresentationTime, true, 4002, SomeBytes));

        Assert.That(SpoolDirectory.Backlog(spool).Select(r => r.Sequence), Is.EqualTo(Enumerable.Range(0, 25).Select(i => (long)i)));
        Assert.That(spool.GetMetrics().SpilledFrames, Is.Zero);
    }
}
