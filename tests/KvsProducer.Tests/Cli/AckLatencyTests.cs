using System.Diagnostics;
using KvsProducer.Cli;

namespace KvsProducer.Tests.Cli;

/// <summary>Issue 11 (soak): the CLI's ACK latency figures keep bounded memory however long a stream runs.</summary>
public class AckLatencyTests
{
    [Test]
    public void Percentiles_are_taken_over_the_latest_window_of_fragments()
    {
        var latency = new AckLatency();
        var start = Stopwatch.GetTimestamp();
        var oneMs = Stopwatch.Frequency / 1000;

        // Window fragments at 1000 ms, then Window more at 10 ms: the old ones must have left the window.
        for (var i = 0; i < 2 * AckLatency.Window; i++)
        {
            var milliseconds = i < AckLatency.Window ? 1000 : 10;
            latency.OnKeyFramePut((ulong)i, start);
            latency.OnPersisted((ulong)i, start + (milliseconds * oneMs));
        }

        Assert.Multiple(() =>
        {
            Assert.That(latency.Count, Is.EqualTo(2 * AckLatency.Window));
            Assert.That(latency.Percentile(0.99), Is.EqualTo(10).Within(0.5));
        });
    }

    [Test]
    public void Key_frames_never_persisted_are_forgotten_after_a_window_of_newer_ones()
    {
        var latency = new AckLatency();
        var start = Stopwatch.GetTimestamp();

        // Fragment 0 is dropped (never PERSISTED); a window of newer key frames pushes it out, so a late
        // PERSISTED for its timecode records nothing instead of a latency from a table that grows forever.
        latency.OnKeyFramePut(0, start);
        for (var i = 1; i <= AckLatency.Window; i++)
        {
            latency.OnKeyFramePut((ulong)i, start);
        }

        latency.OnPersisted(0, start + Stopwatch.Frequency);
        latency.OnPersisted(1, start + Stopwatch.Frequency);

        Assert.Multiple(() =>
        {
            Assert.That(latency.Count, Is.EqualTo(1), "only fragment 1 is still known");
            Assert.That(latency.Percentile(0.5), Is.EqualTo(1000).Within(0.5));
        });
    }

    [Test]
    public void No_latency_yet_is_not_a_number()
    {
        Assert.That(new AckLatency().Percentile(0.5), Is.NaN);
    }
}
