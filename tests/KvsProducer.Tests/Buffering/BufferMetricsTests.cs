using System.Diagnostics.Metrics;
using KvsProducer.Buffering;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Buffering;

public class BufferMetricsTests
{
    [Test]
    public void The_snapshot_counts_puts_sessions_acks_and_bytes()
    {
        using var fixture = new ViewFixture();
        long first = fixture.PutFragment(frames: 3);
        fixture.PutFragment(frames: 1);
        int session = fixture.View.StartSession();
        long sent = fixture.SendAll(session).Length;
        fixture.View.OnBuffering(session, first);
        fixture.View.OnReceived(session, first);
        fixture.View.OnPersisted(session, first);

        var metrics = fixture.View.GetMetrics();

        Assert.That(metrics.PutFrames, Is.EqualTo(4));
        Assert.That(metrics.TotalSessions, Is.EqualTo(1));
        Assert.That((metrics.BufferedAcks, metrics.ReceivedAcks, metrics.PersistedAcks), Is.EqualTo((1L, 1L, 1L)));
        Assert.That(metrics.TransferredBytes, Is.EqualTo(sent));
        Assert.That(metrics.OverallViewDuration, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(metrics.CurrentViewSize, Is.Zero);
        Assert.That(metrics.OverallViewSize, Is.EqualTo(TestMkv.PackagedSize(true, 40)));
    }

    [Test]
    public void The_meter_publishes_the_official_metric_names_per_stream()
    {
        using var meter = new Meter("KvsProducer.Tests.Buffering");
        using var store = new ContentStore(new ContentStoreOptions { SegmentSize = 256, StorageSize = 4096 }, new FakeTimeProvider(), meter);
        using var view = store.CreateView(new ContentViewOptions { StreamName = "front-door" });
        var seen = new Dictionary<string, object?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen[instrument.Name] = tags.Length > 0 ? tags[0].Value : value);
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => seen[instrument.Name] = tags.Length > 0 ? tags[0].Value : value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.That(seen.Keys, Is.SupersetOf(new[]
        {
            "kvs.client.content_store_size", "kvs.client.content_store_available_size", "kvs.client.storage_pressures",
            "kvs.stream.current_view_duration", "kvs.stream.overall_view_size", "kvs.stream.current_frame_rate",
            "kvs.stream.persisted_acks", "kvs.stream.error_acks", "kvs.stream.dropped_frames", "kvs.stream.dropped_fragments",
            "kvs.stream.skipped_frames", "kvs.stream.latency_pressures", "kvs.stream.buffer_pressures",
            "kvs.stream.put_frames", "kvs.stream.persisted_frames", "kvs.stream.persisted_unconfirmed_frames", "kvs.stream.resent_unconfirmed_frames", "kvs.stream.persisted_fragments",
            "kvs.stream.put_bytes", "kvs.stream.persisted_bytes",
        }));
        Assert.That(seen["kvs.stream.dropped_frames"], Is.EqualTo("front-door"));
        Assert.That(seen["kvs.client.content_store_size"], Is.EqualTo(4096L));
    }
}
