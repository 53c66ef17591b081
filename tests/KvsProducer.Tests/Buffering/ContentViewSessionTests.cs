using System.Buffers;
using KvsProducer.Buffering;

namespace KvsProducer.Tests.Buffering;

public class ContentViewSessionTests
{
    [Test]
    public void A_session_starts_with_the_stream_header_then_the_stored_frames()
    {
        using var fixture = new ViewFixture();
        fixture.PutFragment(frames: 3);
        int session = fixture.View.StartSession();

        var bytes = fixture.SendAll(session);

        Assert.That(bytes.AsSpan(0, TestMkv.Header().Length).ToArray(), Is.EqualTo(TestMkv.Header()));
        Assert.That(ViewFixture.FramesOf(bytes), Is.EqualTo(new long[] { 0, 1, 2 }));
    }

    [Test]
    public void A_session_cannot_start_before_the_header_is_known()
    {
        using var store = new ContentStore(new ContentStoreOptions { SegmentSize = 256, StorageSize = 4096 }, TimeProvider.System);
        using var view = store.CreateView(new ContentViewOptions());

        var error = Assert.Throws<InvalidOperationException>(() => view.StartSession());

        Assert.That(error!.Message, Does.Contain("SetHeader"));
    }

    [Test]
    public void A_read_stops_at_the_end_of_the_fragment_being_sent()
    {
        using var fixture = new ViewFixture();
        fixture.PutFragment(frames: 2);
        fixture.PutFragment(frames: 2);
        int session = fixture.View.StartSession();
        fixture.View.TryRead(session, int.MaxValue, out var header);
        fixture.View.AdvanceSent(session, header.Length);

        fixture.View.TryRead(session, int.MaxValue, out var first);

        Assert.That(EbmlWalker.WalkClusters(first.ToArray()), Has.Count.EqualTo(1));
    }

    [Test]
    public void A_short_confirmation_leaves_the_rest_of_the_read_to_be_read_again()
    {
        using var fixture = new ViewFixture();
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.View.TryRead(session, int.MaxValue, out var header);
        fixture.View.AdvanceSent(session, 10);
        fixture.View.TryRead(session, int.MaxValue, out var rest);

        Assert.That(rest.Length, Is.EqualTo(header.Length - 10));
    }

    [Test]
    public void Reading_again_before_confirming_the_last_read_is_refused()
    {
        using var fixture = new ViewFixture();
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.View.TryRead(session, 100, out _);

        Assert.Throws<InvalidOperationException>(() => fixture.View.TryRead(session, 100, out _));
    }

    [Test]
    public void A_replaced_session_can_no_longer_read()
    {
        using var fixture = new ViewFixture();
        fixture.PutFragment(frames: 1);
        int old = fixture.View.StartSession();
        fixture.View.StartSession();

        var error = Assert.Throws<InvalidOperationException>(() => fixture.View.TryRead(old, 100, out _));

        Assert.That(error!.Message, Does.Contain("not the active session"));
    }

    [Test]
    public async Task The_sender_waiting_for_data_wakes_when_a_frame_is_committed()
    {
        using var fixture = new ViewFixture();
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);

        var waiting = fixture.View.WaitForDataAsync(session).AsTask();
        Assert.That(waiting.IsCompleted, Is.False);
        fixture.Put(startsFragment: false);

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        var continuation = EbmlWalker.WalkClusters(fixture.SendAll(session), allowLeadingBlocks: true);
        Assert.That(continuation.Single().FrameIds, Is.EqualTo(new long[] { 1 }));
    }

    [Test]
    public void Fragments_already_persisted_are_stepped_over_when_resending()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = StreamingMode.Offline });
        fixture.PutFragment(frames: 1);
        long second = fixture.PutFragment(frames: 1);
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        fixture.View.OnPersisted(session, second);

        int next = fixture.View.StartSession();

        Assert.That(ViewFixture.FramesOf(fixture.SendAll(next)), Is.EqualTo(new long[] { 0, 2 }));
    }
}
