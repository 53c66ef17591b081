using System.Diagnostics.Metrics;
using KvsProducer.Buffering.Spool;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvsProducer.Tests.Buffering.Spool;

public class SpoolMetersTests
{
    [Test]
    public async Task The_disk_buffer_figures_are_published_on_the_Meter_tagged_with_the_stream()
    {
        using var directory = new SpoolDirectory();
        using var meter = new Meter("spool-meters-test");
        var meters = new SpoolMeters(meter);
        var definition = new StreamDefinition(SpoolDirectory.Stream) { DiskBuffer = directory.Options() };
        await using var buffer = new StreamDiskBuffer(definition, keepsData: true, TimeProvider.System, NullLogger.Instance, _ => throw new AssertionException("nothing to replay"));
        meters.Add(buffer);
        for (int i = 0; i < 3; i++)
        {
            buffer.Append(SpoolDirectory.FrameNumber(i));
        }

        var seen = new Dictionary<string, (long Value, object? Stream)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen[instrument.Name] = (value, tags[0].Value));
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.That(seen["kvs.spool.appended_frames"], Is.EqualTo((3L, (object)SpoolDirectory.Stream)));
        Assert.That(seen["kvs.spool.records"].Value, Is.EqualTo(3));
        Assert.That(seen["kvs.spool.size"].Value, Is.EqualTo(3 * (SpoolRecord.HeaderSize + 1000)));
        Assert.That(seen.Keys, Is.SupersetOf(new[] { "kvs.spool.replayed_frames", "kvs.spool.spilled_frames", "kvs.spool.dropped_frames", "kvs.spool.truncated_bytes" }));
    }
}
