using KvsProducer.Buffering.Spool;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Buffering.Spool;

/// <summary>How long the live upload counts as healthy: from the first PERSISTED after the last failure.</summary>
public class LiveUploadHealthTests
{
    private static readonly FragmentAck Persisted = new(FragmentAckEventType.Persisted, 1000, "1");

    [Test]
    public void Not_healthy_before_the_first_PERSISTED()
    {
        var clock = new FakeTimeProvider();
        var health = new LiveUploadHealth(clock, keepsData: true);
        health.OnAcknowledged(new FragmentAck(FragmentAckEventType.Buffering, 1000, "1"));
        health.OnAcknowledged(new FragmentAck(FragmentAckEventType.Received, 1000, "1"));
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.That(health.HealthyFor, Is.EqualTo(TimeSpan.Zero), "BUFFERING and RECEIVED do not prove a stream that keeps data is stored");
    }

    [Test]
    public void Healthy_for_the_time_since_the_first_PERSISTED_not_the_latest()
    {
        var clock = new FakeTimeProvider();
        var health = new LiveUploadHealth(clock, keepsData: true);
        health.OnAcknowledged(Persisted);
        clock.Advance(TimeSpan.FromSeconds(3));
        health.OnAcknowledged(Persisted);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.That(health.HealthyFor, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void An_upload_error_starts_health_over_at_the_next_PERSISTED()
    {
        var clock = new FakeTimeProvider();
        var health = new LiveUploadHealth(clock, keepsData: true);
        health.OnAcknowledged(Persisted);
        clock.Advance(TimeSpan.FromSeconds(4));
        health.OnFailure();
        Assert.That(health.HealthyFor, Is.EqualTo(TimeSpan.Zero));

        clock.Advance(TimeSpan.FromSeconds(1));
        health.OnAcknowledged(Persisted);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(health.HealthyFor, Is.EqualTo(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void An_ERROR_acknowledgement_is_a_failure()
    {
        var clock = new FakeTimeProvider();
        var health = new LiveUploadHealth(clock, keepsData: true);
        health.OnAcknowledged(Persisted);
        clock.Advance(TimeSpan.FromSeconds(4));
        health.OnAcknowledged(new FragmentAck(FragmentAckEventType.Error, 2000, "2", 4000));

        Assert.That(health.HealthyFor, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void RECEIVED_counts_on_a_stream_that_keeps_no_data()
    {
        var clock = new FakeTimeProvider();
        var health = new LiveUploadHealth(clock, keepsData: false);
        health.OnAcknowledged(new FragmentAck(FragmentAckEventType.Received, 1000, "1"));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.That(health.HealthyFor, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }
}
