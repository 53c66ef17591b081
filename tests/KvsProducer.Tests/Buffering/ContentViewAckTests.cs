using KvsProducer.Buffering;

namespace KvsProducer.Tests.Buffering;

public class ContentViewAckTests
{
    [Test]
    public void Persisted_ack_trims_the_tail_and_returns_its_segments_to_the_store()
    {
        using var fixture = new ViewFixture(segmentSize: 256);
        long first = fixture.PutFragment(frames: 4, payloadLength: 200);
        fixture.PutFragment(frames: 1, payloadLength: 20);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        int held = fixture.Store.HeldSegments;

        Assert.That(fixture.View.OnPersisted(session, first), Is.EqualTo(AckOutcome.Applied));

        Assert.That(fixture.View.FrameCount, Is.EqualTo(1));
        Assert.That(fixture.Store.HeldSegments, Is.LessThan(held));
        Assert.That(fixture.View.GetMetrics().PersistedFrames, Is.EqualTo(4));
    }

    [Test]
    public void Received_ack_frees_the_fragment_when_the_stream_keeps_no_data()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { KeepsData = false });
        long first = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);

        fixture.View.OnReceived(session, first);

        Assert.That(fixture.View.FrameCount, Is.EqualTo(1));
    }

    [Test]
    public void Received_ack_keeps_the_fragment_when_the_stream_keeps_data()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);

        fixture.View.OnReceived(session, first);

        Assert.That(fixture.View.FrameCount, Is.EqualTo(3));
    }

    [Test]
    public void A_persisted_fragment_not_yet_fully_sent_stays_until_it_is()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.View.TryRead(session, int.MaxValue, out var header);
        fixture.View.AdvanceSent(session, header.Length);
        fixture.View.TryRead(session, 30, out _);
        fixture.View.AdvanceSent(session, 30);

        fixture.View.OnPersisted(session, first);
        Assert.That(fixture.View.FrameCount, Is.EqualTo(3));

        fixture.SendAll(session);
        Assert.That(fixture.View.FrameCount, Is.EqualTo(1));
    }

    [Test]
    public void Acks_of_a_replaced_session_are_ignored()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 1);
        int old = fixture.View.StartSession();
        fixture.SendAll(old);
        fixture.View.StartSession();

        Assert.That(fixture.View.OnPersisted(old, first), Is.EqualTo(AckOutcome.StaleSession));
        Assert.That(fixture.View.FrameCount, Is.EqualTo(1));
    }

    [Test]
    public void An_ended_session_still_takes_its_last_acks()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 1);
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.EndSession(session);

        Assert.That(fixture.View.OnPersisted(session, first), Is.EqualTo(AckOutcome.Applied));
    }

    [Test]
    public void An_ack_for_a_timecode_not_in_the_buffer_is_reported_not_in_view()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();

        Assert.That(fixture.View.OnBuffering(session, first + 1), Is.EqualTo(AckOutcome.NotInView));
    }

    [Test]
    public void A_second_persisted_ack_for_the_same_fragment_changes_nothing()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 1);
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.OnReceived(session, first);

        Assert.That(fixture.View.OnReceived(session, first), Is.EqualTo(AckOutcome.Duplicate));
        Assert.That(fixture.View.GetMetrics().ReceivedAcks, Is.EqualTo(1));
    }

    [TestCase(4000)]
    [TestCase(4003)]
    [TestCase(5000)]
    [TestCase(5001)]
    [TestCase(7777)]
    public void Error_ack_with_a_retriable_id_resends_the_fragment_on_the_next_session(int errorId)
    {
        using var fixture = new ViewFixture(new ContentViewOptions { ReplayDuration = TimeSpan.Zero });
        long first = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);

        fixture.View.OnError(session, first, errorId);
        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)), Is.EqualTo(new long[] { 0, 1, 2 }));
        Assert.That(fixture.Drops, Is.Empty);
    }

    [TestCase(4001)]
    [TestCase(4002)]
    [TestCase(4004)]
    [TestCase(4006)]
    [TestCase(4007)]
    [TestCase(4504)]
    public void Error_ack_with_a_non_retriable_id_skips_the_fragment_and_reports_it(int errorId)
    {
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = StreamingMode.Offline });
        long first = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);

        fixture.View.OnError(session, first, errorId);
        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)), Is.EqualTo(new long[] { 2 }));
        var drop = fixture.Drops.Single();
        Assert.That((drop.Reason, drop.ErrorId, drop.FrameCount, drop.WasSent), Is.EqualTo((FrameDropReason.ErrorAcknowledgement, errorId, 2, true)));
        Assert.That(fixture.DroppedFrameIds, Is.EqualTo(new long[] { 0, 1 }));
        Assert.That(fixture.View.GetMetrics().SkippedFrames, Is.EqualTo(2));
    }

    [Test]
    public void Skipping_the_fragment_still_being_built_drops_its_later_frames_until_the_next_fragment_start()
    {
        using var fixture = new ViewFixture();
        long open = fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.OnError(session, open, 4002);

        Assert.That(fixture.Put(startsFragment: false), Is.EqualTo(-1));
        Assert.That(fixture.Drops[^1].Reason, Is.EqualTo(FrameDropReason.FragmentStartDropped));
        Assert.That(fixture.Put(startsFragment: true), Is.Not.EqualTo(-1));
    }

    [Test]
    public void Error_ack_without_a_timecode_applies_to_the_fragment_being_sent()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = StreamingMode.Offline });
        fixture.PutFragment(frames: 1);
        fixture.PutFragment(frames: 2);
        int session = fixture.View.StartSession();
        fixture.View.TryRead(session, int.MaxValue, out var header);
        fixture.View.AdvanceSent(session, header.Length);
        fixture.View.TryRead(session, int.MaxValue, out var firstFragment);
        fixture.View.AdvanceSent(session, firstFragment.Length);
        fixture.View.TryRead(session, 10, out _);
        fixture.View.AdvanceSent(session, 10);

        fixture.View.OnError(session, null, 4006);

        Assert.That(fixture.Drops.Single().FirstPresentationTime, Is.EqualTo(TimeSpan.FromSeconds(1000.1)));
    }
}
