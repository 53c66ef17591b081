using KvsProducer.Buffering;

namespace KvsProducer.Tests.Buffering;

public class ContentViewPressureTests
{
    [Test]
    public void Latency_pressure_fires_once_when_unsent_frames_wait_too_long_and_once_when_back_to_normal()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { MaxLatency = TimeSpan.FromSeconds(1) });
        fixture.PutFragment(frames: 15);
        Assert.That(fixture.Pressures.Select(p => (p.Kind, p.IsUnderPressure)), Is.EqualTo(new[] { (BufferPressureKind.Latency, true) }));

        int session = fixture.View.StartSession();
        fixture.SendAll(session);

        Assert.That(fixture.Pressures.Select(p => (p.Kind, p.IsUnderPressure)), Is.EqualTo(new[] { (BufferPressureKind.Latency, true), (BufferPressureKind.Latency, false) }));
        Assert.That(fixture.View.GetMetrics().LatencyPressures, Is.EqualTo(1));
    }

    [Test]
    public void Buffer_duration_pressure_begins_at_95_percent_and_ends_only_at_90_percent()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { BufferDuration = TimeSpan.FromSeconds(10), ReplayDuration = TimeSpan.FromSeconds(1) });
        long first = fixture.PutFragment(frames: 5);
        fixture.PutFragment(frames: 90);
        Assert.That(fixture.Pressures.Single().IsUnderPressure, Is.True, "9.5 s of 10 s");

        int session = fixture.View.StartSession();
        fixture.SendAll(session);
        Assert.That(fixture.Pressures, Has.Count.EqualTo(1), "sending alone frees nothing");

        fixture.View.OnPersisted(session, first);
        Assert.That(fixture.Pressures.Select(p => p.IsUnderPressure), Is.EqualTo(new[] { true, false }), "9.0 s after the first fragment is freed");
    }

    [Test]
    public void Offline_streams_raise_no_duration_or_latency_pressure()
    {
        using var fixture = new ViewFixture(new ContentViewOptions { Mode = StreamingMode.Offline, BufferDuration = TimeSpan.FromSeconds(2), ReplayDuration = TimeSpan.FromSeconds(1), MaxLatency = TimeSpan.FromSeconds(1) });
        var info = fixture.Info(startsFragment: true);
        Assert.That(fixture.View.BeginFrameAsync(info, 100).IsCompletedSuccessfully, Is.True);
        fixture.Write(info, 40);
        for (int i = 0; i < 18; i++)
        {
            info = fixture.Info(startsFragment: false);
            Assert.That(fixture.View.BeginFrameAsync(info, 100).IsCompletedSuccessfully, Is.True);
            fixture.Write(info, 40);
        }

        Assert.That(fixture.Pressures, Is.Empty);
    }
}
