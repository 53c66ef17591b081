using KvsProducer.Buffering.Spool;

namespace KvsProducer.Tests.Buffering.Spool;

/// <summary>The spool's files: appends survive a reopen; torn or damaged tails are cut without touching earlier records; releases are journaled; the bound drops whole segments and counts them.</summary>
public class FrameSpoolTests
{
    [Test]
    public void Frames_appended_are_read_back_after_a_reopen_with_their_timestamps_flags_track_and_bytes()
    {
        using var directory = new SpoolDirectory();
        using (var spool = directory.Open())
        {
            for (int i = 0; i < 10; i++)
            {
                Assert.That(spool.Append(SpoolDirectory.FrameNumber(i)), Is.EqualTo(i));
            }
        }

        using var reopened = directory.Open();
        using var reader = reopened.ReadBacklog(reopened.NextSequence);
        for (int i = 0; i < 10; i++)
        {
            Assert.That(reader.TryRead(out var header, out var payload), Is.True);
            var expected = SpoolDirectory.FrameNumber(i);
            var frame = header.ToFrame(payload);
            Assert.That((header.Sequence, frame.PresentationTime, frame.DecodingTime, frame.Duration, frame.Flags, frame.TrackNumber),
                Is.EqualTo(((long)i, expected.PresentationTime, expected.DecodingTime, expected.Duration, expected.Flags, 1)));
            Assert.That(payload.ToArray(), Is.EqualTo(expected.Data.ToArray()));
        }

        Assert.That(reader.TryRead(out _, out _), Is.False);
        Assert.That(reopened.OpenedAt, Is.EqualTo(10));
    }

    [Test]
    public void A_torn_tail_record_is_cut_on_open_and_every_record_before_it_is_kept()
    {
        using var directory = new SpoolDirectory();
        using (var spool = directory.Open())
        {
            for (int i = 0; i < 5; i++)
            {
                spool.Append(SpoolDirectory.FrameNumber(i));
            }
        }

        var segment = directory.Segments().Single();
        long whole = new FileInfo(segment).Length;
        using (var file = File.OpenWrite(segment))
        {
            file.SetLength(whole - 300); // a write cut short by a power loss or kill -9
        }

        using var reopened = directory.Open();

        Assert.That(SpoolDirectory.Backlog(reopened).Select(r => r.Value), Is.EqualTo(new byte[] { 0, 1, 2, 3 }));
        Assert.That(reopened.GetMetrics().TruncatedBytes, Is.EqualTo(SpoolRecord.HeaderSize + 1000 - 300), "the torn record's bytes, reported");
        Assert.That(new FileInfo(segment).Length, Is.EqualTo(4 * (SpoolRecord.HeaderSize + 1000)), "the file cut at the last whole record");
    }

    [Test]
    public void A_flipped_byte_in_a_record_drops_it_and_what_follows_in_its_segment_and_keeps_the_records_before_it()
    {
        using var directory = new SpoolDirectory();
        using (var spool = directory.Open())
        {
            for (int i = 0; i < 5; i++)
            {
                spool.Append(SpoolDirectory.FrameNumber(i));
            }
        }

        var segment = directory.Segments().Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[(3 * (SpoolRecord.HeaderSize + 1000)) + 500] ^= 0x10; // inside record 3's payload
        File.WriteAllBytes(segment, bytes);

        using var reopened = directory.Open();

        Assert.That(SpoolDirectory.Backlog(reopened).Select(r => r.Value), Is.EqualTo(new byte[] { 0, 1, 2 }));
        Assert.That(reopened.GetMetrics().TruncatedBytes, Is.EqualTo(2 * (SpoolRecord.HeaderSize + 1000)));
    }

    [Test]
    public void Appending_after_a_cut_tail_continues_the_numbering_in_a_new_segment()
    {
        using var directory = new SpoolDirectory();
        using (var spool = directory.Open())
        {
            for (int i = 0; i < 3; i++)
            {
                spool.Append(SpoolDirectory.FrameNumber(i));
            }
        }

        using (var file = File.OpenWrite(directory.Segments().Single()))
        {
            file.SetLength(file.Length - 1);
        }

        using var reopened = directory.Open();
        long next = reopened.Append(SpoolDirectory.FrameNumber(7));

        Assert.That(next, Is.EqualTo(2), "record 2 was torn, so 2 is free again");
        Assert.That(SpoolDirectory.Backlog(reopened).Select(r => r.Value), Is.EqualTo(new byte[] { 0, 1, 7 }));
        Assert.That(directory.Segments(), Has.Length.EqualTo(2));
    }

    [Test]
    public void Released_records_are_not_read_back_after_a_reopen()
    {
        using var directory = new SpoolDirectory();
        using (var spool = directory.Open())
        {
            for (int i = 0; i < 10; i++)
            {
                spool.Append(SpoolDirectory.FrameNumber(i));
            }

            spool.Release(0, 3);
            spool.Release(6, 7);
        }

        using var reopened = directory.Open();

        Assert.That(SpoolDirectory.Backlog(reopened).Select(r => r.Sequence), Is.EqualTo(new long[] { 4, 5, 8, 9 }));
        Assert.That(reopened.GetMetrics().Records, Is.EqualTo(4));
    }

    [Test]
    public void A_torn_release_journal_entry_is_cut_and_the_releases_before_it_hold()
    {
        using var directory = new SpoolDirectory();
        using (var spool = directory.Open())
        {
            for (int i = 0; i < 10; i++)
            {
                spool.Append(SpoolDirectory.FrameNumber(i));
            }

            spool.Release(0, 3);
            spool.Release(4, 5);
        }

        var journal = Path.Combine(directory.StreamDirectory, SpoolReleaseJournal.FileName);
        using (var file = File.OpenWrite(journal))
        {
            file.SetLength(file.Length - 5);
        }

        using var reopened = directory.Open();

        Assert.That(SpoolDirectory.Backlog(reopened).Select(r => r.Sequence), Is.EqualTo(new long[] { 4, 5, 6, 7, 8, 9 }), "the torn release is uploaded again: at least once, never lost");
    }

    [Test]
    public void A_closed_segment_whose_records_are_all_released_is_deleted()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open();
        for (int i = 0; i < 200; i++)
        {
            spool.Append(SpoolDirectory.FrameNumber(i)); // 64 KiB segments: 62 records each
        }

        Assert.That(directory.Segments(), Has.Length.EqualTo(4));
        spool.Release(0, 123);

        Assert.That(directory.Segments(), Has.Length.EqualTo(2));
        Assert.That(spool.GetMetrics().Records, Is.EqualTo(200 - 124));
    }

    [Test]
    public void Over_MaxBytes_the_oldest_segment_is_deleted_and_its_unreleased_frames_are_counted_as_dropped()
    {
        using var directory = new SpoolDirectory();
        var options = directory.Options(maxBytes: 128 * 1024, segmentBytes: 64 * 1024);
        using var spool = directory.Open(options);
        for (int i = 0; i < 200; i++)
        {
            spool.Append(SpoolDirectory.FrameNumber(i));
            Assert.That(spool.GetMetrics().Bytes, Is.LessThanOrEqualTo(options.MaxBytes));
        }

        var metrics = spool.GetMetrics();
        var backlog = SpoolDirectory.Backlog(spool);
        Assert.That(metrics.DroppedFrames + backlog.Count, Is.EqualTo(200), "every frame on disk or counted dropped");
        Assert.That(metrics.DroppedFrames, Is.GreaterThan(0));
        Assert.That(backlog[^1].Sequence, Is.EqualTo(199), "the newest are kept");
        Assert.That(backlog.Select(r => r.Sequence), Is.Ordered.And.Unique);
    }

    [Test]
    public void Released_frames_deleted_over_the_bound_are_not_counted_as_dropped()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open(directory.Options(maxBytes: 128 * 1024, segmentBytes: 64 * 1024));
        for (int i = 0; i < 200; i++)
        {
            long sequence = spool.Append(SpoolDirectory.FrameNumber(i));
            spool.Release(sequence, sequence);
        }

        Assert.That(spool.GetMetrics().DroppedFrames, Is.Zero);
    }

    [Test]
    public void A_frame_larger_than_MaxBytes_is_not_stored_and_is_counted_dropped()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open(directory.Options(maxBytes: 128 * 1024, segmentBytes: 64 * 1024));

        Assert.That(spool.Append(SpoolDirectory.FrameNumber(0, size: 200 * 1024)), Is.EqualTo(-1));
        Assert.That(spool.GetMetrics().DroppedFrames, Is.EqualTo(1));
    }

    [Test]
    public void Numbering_continues_after_a_reopen_even_when_every_segment_was_released_and_deleted()
    {
        using var directory = new SpoolDirectory();
        using (var spool = directory.Open())
        {
            for (int i = 0; i < 10; i++)
            {
                spool.Append(SpoolDirectory.FrameNumber(i));
            }

            spool.Release(0, 9);
        }

        Assert.That(directory.Segments(), Is.Empty);
        using var reopened = directory.Open();

        Assert.That(reopened.Append(SpoolDirectory.FrameNumber(10)), Is.EqualTo(10));
        Assert.That(SpoolDirectory.Backlog(reopened).Select(r => r.Sequence), Is.EqualTo(new long[] { 10 }));
    }

    [Test]
    public void Append_allocates_nothing_per_frame_in_steady_state()
    {
        using var directory = new SpoolDirectory();
        using var spool = directory.Open(directory.Options(maxBytes: 4 << 20, segmentBytes: 1 << 20));
        var frame = SpoolDirectory.FrameNumber(1, size: 20_000);
        spool.Append(frame); // first segment file and buffer

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 40; i++)
        {
            spool.Append(frame); // 40 × 20 kB stays inside the 1 MiB segment
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
