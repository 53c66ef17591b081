using KvsProducer.Cli;

namespace KvsProducer.Tests.Cli;

/// <summary>Issue 13: <c>kvs upload</c>'s progress is the share of the file persisted, and its ETA comes from the persisted rate.</summary>
public class UploadProgressTests
{
    [Test]
    public void A_file_read_whole_but_not_acknowledged_is_not_shown_as_done()
    {
        var progress = new UploadProgress();

        progress.Sample(TimeSpan.FromSeconds(1), readShare: 1, new StreamBufferMetrics { PutBytes = 1000, PersistedBytes = 250 });

        Assert.That(progress.Fraction, Is.EqualTo(0.25));
    }

    [Test]
    public void Everything_persisted_stays_below_100_percent_until_the_drain_completes()
    {
        var progress = new UploadProgress();
        progress.Sample(TimeSpan.FromSeconds(1), readShare: 1, new StreamBufferMetrics { PutBytes = 1000, PersistedBytes = 1000 });

        var before = progress.Fraction;
        progress.Complete();

        Assert.That(before, Is.LessThan(1));
        Assert.That(progress.Fraction, Is.EqualTo(1));
    }

    [Test]
    public void The_eta_is_what_remains_at_the_persisted_rate()
    {
        var progress = new UploadProgress();
        progress.Sample(TimeSpan.FromSeconds(0), readShare: 1, new StreamBufferMetrics { PutBytes = 1000, PersistedBytes = 0 });
        progress.Sample(TimeSpan.FromSeconds(4), readShare: 1, new StreamBufferMetrics { PutBytes = 1000, PersistedBytes = 400 });

        Assert.That(progress.EtaSeconds, Is.EqualTo(6), "10 % per second, 60 % left");
    }

    [Test]
    public void No_eta_while_nothing_is_persisted()
    {
        var progress = new UploadProgress();
        progress.Sample(TimeSpan.FromSeconds(0), readShare: 1, new StreamBufferMetrics { PutBytes = 1000 });
        progress.Sample(TimeSpan.FromSeconds(4), readShare: 1, new StreamBufferMetrics { PutBytes = 1000 });

        Assert.That(progress.EtaSeconds, Is.Null);
    }

    [Test]
    public void A_status_line_with_progress_and_eta_fits_79_columns_keeping_both()
    {
        var line = StreamStatus.Format(new StreamReport("front-door", ElapsedSeconds: 12.5, FramesPut: 375, FramesPersisted: 100, FramesDropped: 0, FramesSkipped: 0, FragmentsPersisted: 4, FrameRate: 0, KilobitsPerSecond: 4000, BufferSeconds: 10, AckLatencyP50Milliseconds: 120, AckLatencyP99Milliseconds: 300, Reconnects: 0, ErrorAcks: 0, Progress: 0.27, EtaSeconds: 34));

        var fitted = TerminalLine.Fit(line, 79);

        Assert.That(fitted, Does.StartWith("[#####...............]  27% persisted front-door: 12.5 s, ETA 00:00:34"));
    }
}
