using KvsProducer.Buffering;
using KvsProducer.Mkv;
using KvsProducer.Tests.Mkv;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Intermittent;

/// <summary>
/// The intermittent producer: with no frame for <see cref="StreamDefinition.IdleFragmentTimeout"/> the open fragment
/// ends with the end-of-fragment tag (the official SDKs' automatic intermittent mode), on a fake clock.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class IdleFragmentTests : IDisposable
{
    private static readonly TimeSpan Epoch = TimeSpan.FromSeconds(1_700_000_000);
    private readonly FakeTimeProvider _clock = new();
    private readonly ContentStore _store;
    private readonly ContentView _view;

    public IdleFragmentTests()
    {
        _store = new ContentStore(new ContentStoreOptions { SegmentSize = 4096, StorageSize = 8 * 1024 * 1024 }, _clock);
        _view = _store.CreateView(new ContentViewOptions());
    }

    public void Dispose() => _store.Dispose();

    private KinesisVideoStream Stream(TimeSpan idle) =>
        new(new StreamDefinition("idle") { IdleFragmentTimeout = idle }, _view, clock: _clock);

    private static Frame[] Frames(int count) => RecordedFrames.H264VgaFrames(Epoch, count);

    /// <summary>Everything a session sends (header, then the stored records), read back.</summary>
    private MkvInspector Session()
    {
        var session = _view.StartSession();
        var sent = new List<byte>();
        while (_view.TryRead(session, 64 * 1024, out var data))
        {
            foreach (var piece in data)
            {
                sent.AddRange(piece.Span);
            }

            _view.AdvanceSent(session, data.Length);
        }

        return new MkvInspector(sent.ToArray());
    }

    private static bool IsEndOfFragment(MkvInspector mkv, EbmlNode node) =>
        node.Id == MkvElementIds.Tags && mkv.SimpleTags(node).SequenceEqual([(MkvTagsWriter.EndOfFragmentTagName, "")]);

    [Test]
    public async Task A_fragment_idle_for_the_timeout_ends_with_the_end_of_fragment_tag()
    {
        await using var stream = Stream(TimeSpan.FromSeconds(20));
        foreach (var frame in Frames(10))
        {
            stream.PutFrame(frame);
        }

        _clock.Advance(TimeSpan.FromSeconds(25));

        var mkv = Session();
        Assert.That(stream.IdleFragmentsEnded, Is.EqualTo(1));
        Assert.That(IsEndOfFragment(mkv, mkv.SegmentChildren[^1]), Is.True, "the last element is the end-of-fragment tag");
        Assert.That(mkv.SegmentChildren[^2].Id, Is.EqualTo(MkvElementIds.Cluster));
        Assert.That(mkv.Blocks(mkv.SegmentChildren[^2]).Count(), Is.EqualTo(10), "every frame stays in the fragment it closes");
    }

    [Test]
    public async Task A_fragment_is_not_ended_before_the_timeout()
    {
        await using var stream = Stream(TimeSpan.FromSeconds(20));
        stream.PutFrame(Frames(1)[0]);

        _clock.Advance(TimeSpan.FromSeconds(19));

        Assert.That(stream.IdleFragmentsEnded, Is.Zero);
        Assert.That(Session().SegmentChildren.Any(n => n.Id == MkvElementIds.Tags), Is.False);
    }

    [Test]
    public async Task Frames_arriving_more_often_than_the_timeout_keep_the_fragment_open()
    {
        await using var stream = Stream(TimeSpan.FromSeconds(2));
        foreach (var frame in Frames(20))
        {
            stream.PutFrame(frame);
            _clock.Advance(TimeSpan.FromSeconds(1.5));
        }

        Assert.That(stream.IdleFragmentsEnded, Is.Zero);
    }

    [Test]
    public async Task After_an_idle_end_the_next_key_frame_starts_a_new_fragment_and_frames_before_it_are_skipped()
    {
        await using var stream = Stream(TimeSpan.FromSeconds(20));
        var frames = Frames(30);
        foreach (var frame in frames[..10])
        {
            stream.PutFrame(frame);
        }

        _clock.Advance(TimeSpan.FromSeconds(21));
        foreach (var frame in frames[10..])
        {
            stream.PutFrame(frame);
        }

        var mkv = Session();
        Assert.That(mkv.Clusters.Select(c => mkv.Blocks(c).Count()), Is.EqualTo(new[] { 10, 5 }), "frames 10-24 wait for the key frame 25");
        Assert.That(stream.FramesSkipped, Is.EqualTo(15));
        var children = mkv.SegmentChildren.ToList();
        Assert.That(IsEndOfFragment(mkv, children[children.IndexOf(mkv.Clusters.Last()) - 1]), Is.True);
    }

    [Test]
    public async Task An_idle_stream_ends_its_fragment_once()
    {
        await using var stream = Stream(TimeSpan.FromSeconds(1));
        stream.PutFrame(Frames(1)[0]);

        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.That(stream.IdleFragmentsEnded, Is.EqualTo(1));
        Assert.That(Session().SegmentChildren.Count(n => n.Id == MkvElementIds.Tags), Is.EqualTo(1));
    }

    [Test]
    public async Task A_zero_timeout_never_ends_a_fragment()
    {
        await using var stream = Stream(TimeSpan.Zero);
        stream.PutFrame(Frames(1)[0]);

        _clock.Advance(TimeSpan.FromHours(1));

        Assert.That(stream.IdleFragmentsEnded, Is.Zero);
    }

    [Test]
    public void A_timeout_under_100_ms_is_refused_with_the_range()
    {
        var definition = new StreamDefinition("idle") { IdleFragmentTimeout = TimeSpan.FromMilliseconds(50) };

        Assert.That(definition.Validate, Throws.ArgumentException.With.Message.Contains("IdleFragmentTimeout").And.Message.Contains("100 ms to 1 hour"));
    }
}
