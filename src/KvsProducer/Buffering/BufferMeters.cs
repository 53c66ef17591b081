using System.Diagnostics.Metrics;

namespace KvsProducer.Buffering;

/// <summary>
/// Publishes the buffer metrics on a <see cref="Meter"/> with the official SDKs' names in
/// OpenTelemetry spelling: <c>kvs.client.*</c> for the store, <c>kvs.stream.*</c> per stream (tag
/// <c>kvs.stream</c> = stream name). All instruments are observable: the frame path pays nothing; values are
/// read from snapshots when a listener collects.
/// </summary>
internal sealed class BufferMeters : IDisposable
{
    private readonly ContentStore _store;
    private readonly List<Instrument> _instruments = [];
    private volatile bool _disposed;

    public BufferMeters(ContentStore store, Meter meter)
    {
        _store = store;
        Client(meter, "content_store_size", "By", "The byte budget shared by all streams.", m => m.ContentStoreSize);
        Client(meter, "content_store_available_size", "By", "Bytes of the budget not held by any stream.", m => m.ContentStoreAvailableSize);
        Client(meter, "content_store_allocated_size", "By", "Bytes held by streams.", m => m.ContentStoreAllocatedSize);
        Client(meter, "total_content_views_size", "By", "Bytes of buffered frames over all streams.", m => m.TotalContentViewsSize);
        _instruments.Add(meter.CreateObservableGauge("kvs.client.total_frame_rate", () => Store(m => m.TotalFrameRate), "{frame}/s", "Frames put per second over all streams."));
        _instruments.Add(meter.CreateObservableGauge("kvs.client.total_transfer_rate", () => Store(m => m.TotalTransferRate), "By/s", "Bytes sent per second over all streams."));
        _instruments.Add(meter.CreateObservableCounter("kvs.client.storage_pressures", () => Store(m => m.StoragePressures), "{event}", "Times the storage pressure began."));

        StreamGauge(meter, "current_view_duration", "s", "Duration of the frames not yet sent.", m => m.CurrentViewDuration.TotalSeconds);
        StreamGauge(meter, "overall_view_duration", "s", "Duration of all buffered frames.", m => m.OverallViewDuration.TotalSeconds);
        StreamGauge(meter, "current_view_size", "By", "Bytes not yet sent.", m => m.CurrentViewSize);
        StreamGauge(meter, "overall_view_size", "By", "Bytes buffered.", m => m.OverallViewSize);
        StreamGauge(meter, "current_frame_rate", "{frame}/s", "Frames put per second.", m => m.CurrentFrameRate);
        StreamGauge(meter, "current_transfer_rate", "By/s", "Bytes sent per second.", m => m.CurrentTransferRate);
        StreamCounter(meter, "transferred_bytes", "By", "Bytes handed to the network.", m => m.TransferredBytes);
        StreamCounter(meter, "total_sessions", "{session}", "Upload sessions started.", m => m.TotalSessions);
        StreamCounter(meter, "buffered_acks", "{ack}", "BUFFERING acknowledgements.", m => m.BufferedAcks);
        StreamCounter(meter, "received_acks", "{ack}", "RECEIVED acknowledgements.", m => m.ReceivedAcks);
        StreamCounter(meter, "persisted_acks", "{ack}", "PERSISTED acknowledgements.", m => m.PersistedAcks);
        StreamCounter(meter, "error_acks", "{ack}", "ERROR acknowledgements.", m => m.ErrorAcks);
        StreamCounter(meter, "dropped_frames", "{frame}", "Frames dropped.", m => m.DroppedFrames);
        StreamCounter(meter, "dropped_fragments", "{fragment}", "Fragments dropped whole.", m => m.DroppedFragments);
        StreamCounter(meter, "skipped_frames", "{frame}", "Frames skipped after a non-retriable ERROR acknowledgement.", m => m.SkippedFrames);
        StreamCounter(meter, "buffer_pressures", "{event}", "Times the buffer-duration pressure began.", m => m.BufferPressures);
        StreamCounter(meter, "latency_pressures", "{event}", "Times the latency pressure began.", m => m.LatencyPressures);
        StreamCounter(meter, "put_frames", "{frame}", "Frames accepted into the buffer.", m => m.PutFrames);
        StreamCounter(meter, "persisted_frames", "{frame}", "Frames the service has (PERSISTED, or RECEIVED on a connection that ended first), each once.", m => m.PersistedFrames);
        StreamCounter(meter, "persisted_unconfirmed_frames", "{frame}", "Of persisted_frames, those RECEIVED on a connection that ended before their PERSISTED came.", m => m.PersistedUnconfirmedFrames);
        StreamCounter(meter, "resent_unconfirmed_frames", "{frame}", "Frames resent after a connection reset with no RECEIVED or PERSISTED for them: the only frames that may be stored twice.", m => m.ResentUnconfirmedFrames);
        StreamCounter(meter, "persisted_fragments", "{fragment}", "Fragments holding persisted_frames, each once.", m => m.PersistedFragments);
        StreamCounter(meter, "put_bytes", "By", "Packaged bytes accepted into the buffer.", m => m.PutBytes);
        StreamCounter(meter, "persisted_bytes", "By", "Packaged bytes of persisted_frames (persisted_bytes / put_bytes is the upload's progress).", m => m.PersistedBytes);
    }

    /// <summary>The instruments live as long as their Meter (its owner disposes it); after this they report nothing.</summary>
    public void Dispose() => _disposed = true;

    private void Client(Meter meter, string name, string unit, string description, Func<ContentStoreMetrics, long> value)
        => _instruments.Add(meter.CreateObservableGauge("kvs.client." + name, () => Store(value), unit, description));

    private Measurement<T>[] Store<T>(Func<ContentStoreMetrics, T> value)
        where T : struct
        => _disposed ? [] : [new Measurement<T>(value(_store.GetMetrics()))];

    private void StreamGauge(Meter meter, string name, string unit, string description, Func<StreamBufferMetrics, double> value)
        => _instruments.Add(meter.CreateObservableGauge("kvs.stream." + name, () => PerStream(value), unit, description));

    private void StreamCounter(Meter meter, string name, string unit, string description, Func<StreamBufferMetrics, long> value)
        => _instruments.Add(meter.CreateObservableCounter("kvs.stream." + name, () => PerStream(value), unit, description));

    private List<Measurement<T>> PerStream<T>(Func<StreamBufferMetrics, T> value)
        where T : struct
    {
        var views = _disposed ? [] : _store.Views;
        var measurements = new List<Measurement<T>>(views.Count);
        foreach (var view in views)
        {
            measurements.Add(new Measurement<T>(value(view.GetMetrics()), new KeyValuePair<string, object?>("kvs.stream", view.Options.StreamName)));
        }

        return measurements;
    }
}
