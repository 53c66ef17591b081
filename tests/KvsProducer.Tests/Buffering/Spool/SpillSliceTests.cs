using KvsProducer.Buffering.Spool;

namespace KvsProducer.Tests.Buffering.Spool;

/// <summary>Where a slice of spilled frames ends: at the first fragment start past a bound, never inside a fragment.</summary>
public class SpillSliceTests
{
    /// <summary>Frame i of track 1, 40 ms apart, a key frame every 25 (a fragment per second), 1000 bytes.</summary>
    private static SpoolRecordHeader Record(int i, int track = 1, int bytes = 1000, bool? key = null) => new(
        i, track, 40L * i * TimeSpan.TicksPerMillisecond, 40L * i * TimeSpan.TicksPerMillisecond, 40 * TimeSpan.TicksPerMillisecond,
        key ?? (i % 25 == 0) ? FrameFlags.KeyFrame : FrameFlags.None, bytes);

    /// <summary>How many of frames 0..n-1 the slice takes.</summary>
    private static int Taken(SpillSlice slice, IEnumerable<SpoolRecordHeader> records)
    {
        int taken = 0;
        foreach (var record in records)
        {
            if (slice.EndsBefore(record))
            {
                break;
            }

            slice.Take(record);
            taken++;
        }

        return taken;
    }

    [Test]
    public void The_duration_bound_ends_the_slice_at_the_fragment_start_that_reaches_it()
    {
        var slice = new SpillSlice(TimeSpan.FromSeconds(2), 1L << 30);

        Assert.That(Taken(slice, Enumerable.Range(0, 250).Select(i => Record(i))), Is.EqualTo(50), "two fragments of 1 s; frame 50 starts the third");
    }

    [Test]
    public void The_bytes_bound_ends_the_slice_at_the_next_fragment_start()
    {
        var slice = new SpillSlice(TimeSpan.FromHours(1), 30_000);

        Assert.That(Taken(slice, Enumerable.Range(0, 250).Select(i => Record(i))), Is.EqualTo(50), "30 000 bytes are reached inside the second fragment, which is finished");
        Assert.That(slice.Bytes, Is.EqualTo(50_000));
    }

    [Test]
    public void A_fragment_larger_than_both_bounds_is_taken_whole()
    {
        var slice = new SpillSlice(TimeSpan.FromMilliseconds(100), 64 * 1024);

        Assert.That(Taken(slice, Enumerable.Range(0, 100).Select(i => Record(i, bytes: 100_000))), Is.EqualTo(25));
    }

    [Test]
    public void Key_frames_of_another_track_do_not_end_a_slice()
    {
        var slice = new SpillSlice(TimeSpan.FromMilliseconds(100), 64 * 1024);
        var records = new[] { Record(0), Record(1, track: 2, key: true), Record(2), Record(3, track: 2, key: true), Record(25) };

        Assert.That(Taken(slice, records), Is.EqualTo(4), "audio frames are key frames too, but fragments start at the video track's");
    }

    [Test]
    public void Within_the_bounds_everything_is_taken()
    {
        var slice = new SpillSlice(TimeSpan.FromSeconds(10), 8L << 20);

        Assert.That(Taken(slice, Enumerable.Range(0, 100).Select(i => Record(i))), Is.EqualTo(100));
        Assert.That(slice.Frames, Is.EqualTo(100));
    }
}
