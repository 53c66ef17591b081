using System.Diagnostics.Metrics;

namespace KvsProducer.Buffering.Spool;

/// <summary>
/// Publishes every disk buffer's metrics on the producer's <see cref="Meter"/> as <c>kvs.spool.*</c> (tag
/// <c>kvs.stream</c>). Observable instruments: the append path pays nothing.
/// </summary>
internal sealed class SpoolMeters
{
    private readonly Lock _gate = new();
    private readonly List<StreamDiskBuffer> _buffers = [];

    public SpoolMeters(Meter meter)
    {
        meter.CreateObservableGauge("kvs.spool.size", () => Each(m => m.Bytes), "By", "Bytes in the disk buffer's segment files.");
        meter.CreateObservableGauge("kvs.spool.records", () => Each(m => m.Records), "{frame}", "Frames on disk not yet persisted by the service.");
        meter.CreateObservableCounter("kvs.spool.appended_frames", () => Each(m => m.AppendedFrames), "{frame}", "Frames written to the disk buffer.");
        meter.CreateObservableCounter("kvs.spool.replayed_frames", () => Each(m => m.ReplayedFrames), "{frame}", "Frames uploaded again from disk.");
        meter.CreateObservableCounter("kvs.spool.spilled_frames", () => Each(m => m.SpilledFrames), "{frame}", "Frames the memory buffer dropped that the disk kept.");
        meter.CreateObservableCounter("kvs.spool.spilled_persisted_frames", () => Each(m => m.SpilledPersistedFrames), "{frame}", "Spilled frames uploaded from disk and persisted.");
        meter.CreateObservableCounter("kvs.spool.spilled_lost_frames", () => Each(m => m.SpilledLostFrames), "{frame}", "Spilled frames lost after all (deleted over MaxBytes, or refused by the service).");
        meter.CreateObservableGauge("kvs.spool.spilled_waiting_frames", () => Each(m => m.SpilledWaitingFrames), "{frame}", "Spilled frames on disk waiting for their upload.");
        meter.CreateObservableCounter("kvs.spool.dropped_frames", () => Each(m => m.DroppedFrames), "{frame}", "Frames not yet persisted deleted from disk over MaxBytes, or not written.");
        meter.CreateObservableCounter("kvs.spool.truncated_bytes", () => Each(m => m.TruncatedBytes), "By", "Bytes cut from torn or damaged segment tails on open.");
    }

    public void Add(StreamDiskBuffer buffer)
    {
        lock (_gate)
        {
            _buffers.Add(buffer);
        }
    }

    public void Remove(StreamDiskBuffer buffer)
    {
        lock (_gate)
        {
            _buffers.Remove(buffer);
        }
    }

    private List<Measurement<long>> Each(Func<DiskBufferMetrics, long> value)
    {
        lock (_gate)
        {
            var measurements = new List<Measurement<long>>(_buffers.Count);
            foreach (var buffer in _buffers)
            {
                measurements.Add(new Measurement<long>(value(buffer.Spool.GetMetrics()), new KeyValuePair<string, object?>("kvs.stream", buffer.StreamName)));
            }

            return measurements;
        }
    }
}
