using System.Buffers;
using System.Runtime.InteropServices;
using KvsProducer.Buffering;

namespace KvsProducer.Tests.Buffering;

public class ContentViewWriterTests
{
    [Test]
    public void A_frame_spanning_segments_is_read_back_as_one_sequence_over_the_store_memory()
    {
        using var fixture = new ViewFixture(segmentSize: 256);
        long id = fixture.Put(startsFragment: true, payloadLength: 600);
        int session = fixture.View.StartSession();
        Assert.That(fixture.View.TryRead(session, int.MaxValue, out var header), Is.True);
        fixture.View.AdvanceSent(session, header.Length);

        Assert.That(fixture.View.TryRead(session, int.MaxValue, out var frame), Is.True);

        Assert.That(frame.IsSingleSegment, Is.False);
        Assert.That(frame.Length, Is.EqualTo(TestMkv.PackagedSize(true, 600)));
        Assert.That(MemoryMarshal.TryGetArray(frame.First, out var firstPiece), Is.True);
        Assert.That(firstPiece.Array!.Length, Is.EqualTo(256), "the bytes are the store's segment, not a copy");
        Assert.That(EbmlWalker.WalkClusters(frame.ToArray())[0].FrameIds, Is.EqualTo(new[] { id }));
    }

    [Test]
    public void An_element_header_straddling_a_segment_boundary_is_written_whole()
    {
        using var fixture = new ViewFixture(segmentSize: 256);
        // 18 + 13 + 220 = 251 bytes: the next SimpleBlock header (13 bytes asked as GetSpan(64)) straddles offset 256.
        fixture.Put(startsFragment: true, payloadLength: 220);
        fixture.Put(startsFragment: false, payloadLength: 100);
        int session = fixture.View.StartSession();

        var frames = ViewFixture.FramesOf(fixture.SendAll(session));

        Assert.That(frames, Is.EqualTo(new long[] { 0, 1 }));
    }

    [Test]
    public void Writing_past_the_reservation_into_a_full_store_fails_with_advice()
    {
        using var fixture = new ViewFixture(segmentSize: 256, storageSize: 2 * 256);
        var info = fixture.Info(startsFragment: true);
        Assert.That(fixture.View.TryBeginFrame(info, 100), Is.True);

        var error = Assert.Throws<InvalidOperationException>(() =>
            TestMkv.WriteFrame(fixture.View.Writer, true, info.FragmentTimecode, 0, true, TestMkv.Payload(0, 600)));

        Assert.That(error!.Message, Does.Contain("reserve an upper bound"));
        fixture.View.AbortFrame();
        Assert.That(fixture.Store.HeldSegments, Is.Zero);
    }

    [Test]
    public void An_aborted_frame_leaves_nothing_behind()
    {
        using var fixture = new ViewFixture();
        var info = fixture.Info(startsFragment: true);
        Assert.That(fixture.View.TryBeginFrame(info, 100), Is.True);
        fixture.View.Writer.Advance(fixture.View.Writer.GetSpan(10).Length > 0 ? 10 : 0);

        fixture.View.AbortFrame();

        Assert.That(fixture.View.FrameCount, Is.Zero);
        Assert.That(fixture.Put(startsFragment: true), Is.EqualTo(0));
    }

    [Test]
    public void The_first_frame_of_a_stream_must_start_a_fragment()
    {
        using var fixture = new ViewFixture();

        var error = Assert.Throws<InvalidOperationException>(() => fixture.Put(startsFragment: false));

        Assert.That(error!.Message, Does.Contain("must start a fragment"));
    }

    [Test]
    public void A_fragment_timecode_that_does_not_increase_is_refused()
    {
        using var fixture = new ViewFixture();
        fixture.Put(startsFragment: true);
        fixture.Now -= TimeSpan.FromSeconds(1);

        var error = Assert.Throws<ArgumentException>(() => fixture.Put(startsFragment: true));

        Assert.That(error!.Message, Does.Contain("4004"));
    }

    [Test]
    public void A_frame_larger_than_the_store_is_refused_with_advice()
    {
        using var fixture = new ViewFixture(segmentSize: 256, storageSize: 4 * 256);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => fixture.View.TryBeginFrame(fixture.Info(true), 4 * 256));

        Assert.That(error!.Message, Does.Contain("raise the storage size"));
    }
}
