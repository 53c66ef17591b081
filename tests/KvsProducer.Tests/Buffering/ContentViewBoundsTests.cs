using System.Buffers;
using KvsProducer.Buffering;

namespace KvsProducer.Tests.Buffering;

public class ContentViewBoundsTests
{
    [TestCase(StreamingMode.Realtime)]
    [TestCase(StreamingMode.NearRealtime)]
    public void A_full_store_drops_the_oldest_whole_fragment_and_hands_out_its_bytes(StreamingMode mode)
    {
        // 8 segments of 256 bytes; each fragment is 2 frames of ~300 bytes.
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = mode }, segmentSize: 256, storageSize: 8 * 256);
        fixture.PutFragment(frames: 2, payloadLength: 280);
        fixture.PutFragment(frames: 2, payloadLength: 280);
        fixture.PutFragment(frames: 2, payloadLength: 280);

        fixture.PutFragment(frames: 2, payloadLength: 280);

        var drop = fixture.Drops.Single();
        Assert.That((drop.Reason, drop.FrameCount, drop.WasSent), Is.EqualTo((FrameDropReason.StorageFull, 2, false)));
        Assert.That(drop.FirstPresentationTime, Is.EqualTo(TimeSpan.FromSeconds(1000)));
        Assert.That(fixture.DroppedFrameIds, Is.EqualTo(new long[] { 0, 1 }));
        Assert.That(fixture.View.GetMetrics().DroppedFragments, Is.EqualTo(1));
        Assert.That(fixture.Store.HeldSegments, Is.LessThanOrEqualTo(8));
    }

    [Test]
    public void A_partly_sent_frame_is_never_dropped_the_new_frame_is_refused_instead()
    {
        using var fixture = new ViewFixture(segmentSize: 256, storageSize: 4 * 256);
        fixture.PutFragment(frames: 2, payloadLength: 300);
        int session = fixture.View.StartSession();
        var sentBefore = fixture.SendSome(session, TestMkv.Header().Length + 100);

        long refused = fixture.Put(startsFragment: true, payloadLength: 500);

        Assert.That(refused, Is.EqualTo(-1));
        Assert.That(fixture.Drops.Single().Reason, Is.EqualTo(FrameDropReason.StorageFull));
        Assert.That(fixture.Drops.Single().Data.IsEmpty, Is.True);
        Assert.That(fixture.View.FrameCount, Is.EqualTo(2));
        Assert.That(ViewFixture.FramesOf([.. sentBefore, .. fixture.SendAll(session)]), Is.EqualTo(new long[] { 0, 1 }), "frame 0 finishes, frame 1 follows");
    }

    [Test]
    public void A_fragment_being_read_by_the_sender_is_not_dropped()
    {
        using var fixture = new ViewFixture(segmentSize: 256, storageSize: 4 * 256);
        fixture.PutFragment(frames: 1, payloadLength: 300);
        int session = fixture.View.StartSession();
        fixture.SendSome(session, TestMkv.Header().Length);
        fixture.View.TryRead(session, int.MaxValue, out var inFlight);

        Assert.That(fixture.Put(startsFragment: true, payloadLength: 700), Is.EqualTo(-1));

        Assert.That(EbmlWalker.WalkClusters(inFlight.ToArray())[0].FrameIds, Is.EqualTo(new long[] { 0 }), "the bytes in flight are intact");
        Assert.That(fixture.View.FrameCount, Is.EqualTo(1));
    }

    [Test]
    public void Dropping_the_fragment_being_built_drops_its_later_frames_until_a_new_fragment_starts()
    {
        using var fixture = new ViewFixture(segmentSize: 256, storageSize: 4 * 256);
        fixture.PutFragment(frames: 1, payloadLength: 400);

        long continuation = fixture.Put(startsFragment: false, payloadLength: 600);

        Assert.That(continuation, Is.EqualTo(-1));
        Assert.That(fixture.Drops.Select(d => d.Reason), Is.EqualTo(new[] { FrameDropReason.StorageFull, FrameDropReason.FragmentStartDropped }));
        Assert.That(fixture.Put(startsFragment: true), Is.Not.EqualTo(-1));
    }

    [Test]
    public void The_buffer_duration_bound_drops_the_oldest_fragment_in_realtime()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { BufferDuration = TimeSpan.FromSeconds(2), ReplayDuration = TimeSpan.FromSeconds(1) });
        fixture.PutFragment(frames: 10);
        fixture.PutFragment(frames: 10);

        fixture.Put(startsFragment: true);

        Assert.That(fixture.Drops.Single().Reason, Is.EqualTo(FrameDropReason.BufferDurationExceeded));
        Assert.That(fixture.View.GetMetrics().OverallViewDuration, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public async Task Offline_put_waits_for_a_persisted_ack_then_proceeds()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = StreamingMode.Offline }, segmentSize: 256, storageSize: 4 * 256);
        long first = fixture.PutFragment(frames: 1, payloadLength: 400);
        fixture.PutFragment(frames: 1, payloadLength: 300);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        var info = fixture.Info(startsFragment: true);

        var waiting = fixture.View.BeginFrameAsync(info, 300).AsTask();
        await Task.Delay(50);
        Assert.That(waiting.IsCompleted, Is.False);
        fixture.View.OnPersisted(session, first);

        Assert.That(await waiting.WaitAsync(TimeSpan.FromSeconds(5)), Is.True);
        fixture.Write(info, 260);
        Assert.That(fixture.Drops, Is.Empty);
    }

    [Test]
    public async Task Offline_put_gives_up_after_the_timeout_with_advice()
    {
        var options = new ContentViewOptions { Mode = StreamingMode.Offline, OfflineWaitTimeout = TimeSpan.FromSeconds(15) };
        using var fixture = new ViewFixture(options, segmentSize: 256, storageSize: 4 * 256);
        fixture.PutFragment(frames: 1, payloadLength: 700);

        var waiting = fixture.View.BeginFrameAsync(fixture.Info(startsFragment: true), 600).AsTask();
        fixture.Clock.Advance(TimeSpan.FromSeconds(16));

        var error = Assert.ThrowsAsync<TimeoutException>(async () => await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(error!.Message, Does.Contain("PERSISTED acknowledgements are not arriving"));
        Assert.That(await fixture.View.BeginFrameAsync(fixture.Info(startsFragment: true), 10).AsTask().WaitAsync(TimeSpan.FromSeconds(5)), Is.True, "the producer gate was released");
        fixture.View.AbortFrame();
    }

    [Test]
    public async Task Offline_put_stops_waiting_when_cancelled()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = StreamingMode.Offline }, segmentSize: 256, storageSize: 4 * 256);
        fixture.PutFragment(frames: 1, payloadLength: 700);
        using var cancel = new CancellationTokenSource();

        var waiting = fixture.View.BeginFrameAsync(fixture.Info(startsFragment: true), 600, cancel.Token).AsTask();
        await cancel.CancelAsync();

        Assert.CatchAsync<OperationCanceledException>(async () => await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(fixture.Drops, Is.Empty);
    }

    [Test]
    public void Offline_streams_must_use_the_waiting_put()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = StreamingMode.Offline });

        var error = Assert.Throws<InvalidOperationException>(() => fixture.View.TryBeginFrame(fixture.Info(startsFragment: true), 100));

        Assert.That(error!.Message, Does.Contain("BeginFrameAsync"));
    }

    [Test]
    public void Closing_the_stream_reports_every_unpersisted_frame_and_returns_all_segments()
    {
        var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 3);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.OnPersisted(session, first);

        fixture.View.Dispose();

        Assert.That(fixture.Drops.Single().Reason, Is.EqualTo(FrameDropReason.StreamClosed));
        Assert.That(fixture.DroppedFrameIds, Is.EqualTo(new long[] { 2, 3, 4 }));
        Assert.That(fixture.Store.HeldSegments, Is.Zero);
        fixture.Store.Dispose();
    }
}
