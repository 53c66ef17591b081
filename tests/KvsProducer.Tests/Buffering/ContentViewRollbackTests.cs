using KvsProducer.Buffering;

namespace KvsProducer.Tests.Buffering;

public class ContentViewRollbackTests
{
    [TestCase(StreamingMode.Realtime), TestCase(StreamingMode.Offline)]
    public void A_fragment_received_by_a_session_that_ended_before_its_persisted_is_not_resent_and_counts_as_persisted_unconfirmed(StreamingMode mode)
    {
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = mode });
        long first = fixture.PutFragment(frames: 2);
        long second = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 2);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.OnPersisted(session, first);
        fixture.View.OnReceived(session, second); // then the connection is cut: its PERSISTED never comes

        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)), Is.EqualTo(new long[] { 4, 5 }), "the RECEIVED fragment is not sent twice");
        var metrics = fixture.View.GetMetrics();
        Assert.That((metrics.PersistedFrames, metrics.PersistedUnconfirmedFrames, metrics.PersistedFragments), Is.EqualTo((4L, 2L, 2L)));
        Assert.That(fixture.Drops, Is.Empty);
    }

    [Test]
    public void Fragments_a_session_sent_without_any_received_or_persisted_count_as_resent_unconfirmed_when_sent_again()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 2);
        long second = fixture.PutFragment(frames: 3);
        fixture.PutFragment(frames: 4);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.OnPersisted(session, first);
        fixture.View.OnBuffering(session, second); // its first bytes arrived, the rest may sit in a hung endpoint's queue
        Assert.That(fixture.View.AwaitsAnswers(session), Is.True);
        fixture.View.EndSession(session);

        int next = fixture.View.StartSession();

        Assert.That(fixture.View.GetMetrics().ResentUnconfirmedFrames, Is.EqualTo(7), "the second and third fragments (3 + 4 frames) go again unanswered");
        fixture.SendAll(next);
        Assert.That(fixture.View.AwaitsAnswers(next), Is.True);
    }

    [Test]
    public void A_fragment_answered_received_after_its_session_ended_is_neither_resent_nor_counted()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 2);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.EndSession(session);
        fixture.View.OnReceived(session, first); // a late answer of the ended session, before the next starts

        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(fixture.View.GetMetrics().ResentUnconfirmedFrames, Is.EqualTo(2), "only the last fragment went again unanswered");
    }

    [Test]
    public void A_session_awaits_answers_only_for_fragments_it_handed_out_and_counts_nothing_it_never_sent()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 2);
        long second = fixture.PutFragment(frames: 2);
        int session = fixture.View.StartSession();
        Assert.That(fixture.View.AwaitsAnswers(session), Is.False, "nothing handed out yet");
        fixture.SendAll(session);
        fixture.View.OnReceived(session, first);
        Assert.That(fixture.View.AwaitsAnswers(session), Is.True, "the second fragment is unanswered");
        fixture.View.OnReceived(session, second);
        Assert.That(fixture.View.AwaitsAnswers(session), Is.False, "RECEIVED answers a fragment: the service has it whole");

        fixture.View.EndSession(session);
        fixture.View.StartSession();

        Assert.That(fixture.View.GetMetrics().ResentUnconfirmedFrames, Is.Zero);
    }

    [Test]
    public void A_received_fragment_an_error_asks_to_resend_is_resent()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 2);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.OnReceived(session, first);
        fixture.View.OnError(session, first, 5000); // internal error: kvs-protocol.md §4.4 says resend

        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)), Is.EqualTo(new long[] { 0, 1, 2, 3 }));
        Assert.That(fixture.View.GetMetrics().PersistedFrames, Is.Zero);
    }

    [Test]
    public void Rollback_starts_at_the_oldest_fragment_without_a_persisted_ack()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 2);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.OnPersisted(session, first);

        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)), Is.EqualTo(new long[] { 2, 3, 4, 5 }));
    }

    [Test]
    public void Rollback_goes_no_further_back_than_the_replay_duration_and_reports_what_it_leaves()
    {
        // Fragments of 1 s at 1000, 1001, 1002, 1003 s; all sent, none acknowledged; replay 1.5 s before 1004 s.
        using var fixture = new ViewFixture(new ContentViewOptions { ReplayDuration = TimeSpan.FromSeconds(1.5) });
        for (int i = 0; i < 4; i++)
        {
            fixture.PutFragment(frames: 10);
        }

        int session = fixture.View.StartSession();
        fixture.SendAll(session);

        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)).First(), Is.EqualTo(30), "the fragment at 1003 s is the first within 1.5 s");
        Assert.That(fixture.Drops.Select(d => d.Reason), Is.All.EqualTo(FrameDropReason.ReplayWindowExceeded));
        Assert.That(fixture.DroppedFrameIds, Is.EqualTo(Enumerable.Range(0, 30).Select(i => (long)i)));
        Assert.That(fixture.Drops.All(d => d.WasSent), Is.True);
    }

    [Test]
    public void Rollback_never_goes_past_the_first_unsent_frame()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { ReplayDuration = TimeSpan.Zero });
        fixture.PutFragment(frames: 3);
        int session = fixture.View.StartSession();
        fixture.View.TryRead(session, int.MaxValue, out var header);
        fixture.View.AdvanceSent(session, header.Length);
        fixture.View.TryRead(session, 40, out _);
        fixture.View.AdvanceSent(session, 40);

        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)), Is.EqualTo(new long[] { 0, 1, 2 }));
        Assert.That(fixture.Drops, Is.Empty);
    }

    [Test]
    public void Offline_rollback_starts_from_the_tail_whatever_the_replay_duration()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = StreamingMode.Offline, ReplayDuration = TimeSpan.Zero });
        for (int i = 0; i < 3; i++)
        {
            fixture.PutFragment(frames: 10);
        }

        int session = fixture.View.StartSession();
        fixture.SendAll(session);

        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)), Has.Count.EqualTo(30));
        Assert.That(fixture.Drops, Is.Empty);
    }

    [Test]
    public void A_resent_session_begins_with_a_fresh_header_and_a_cluster()
    {
        using var fixture = new ViewFixture();
        fixture.PutFragment(frames: 2);
        int session = fixture.View.StartSession();
        fixture.SendAll(session, maxBytes: 7);

        int next = fixture.View.StartSession();
        var clusters = EbmlWalker.WalkSession(fixture.SendAll(next, maxBytes: 13));

        Assert.That(clusters[0].FrameIds[0], Is.EqualTo(0));
    }
}
