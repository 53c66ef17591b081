using System.Globalization;

namespace KvsProducer.Cli;

/// <summary>What a stream has done so far, as one status line (frames, fragments, bitrate, drops, reconnects).</summary>
internal sealed class StreamStatus
{
    private readonly KinesisVideoStream _stream;
    private long _framesPut;
    private long _framesRefused;
    private long _fragmentsPersisted;
    private long _framesDropped;
    private long _reconnects;
    private long _errorAcks;

    public StreamStatus(KinesisVideoStream stream)
    {
        _stream = stream;
        stream.FragmentAcknowledged += (_, ack) =>
        {
            if (ack.EventType == FragmentAckEventType.Persisted)
            {
                Interlocked.Increment(ref _fragmentsPersisted);
            }
            else if (ack.EventType == FragmentAckEventType.Error)
            {
                Interlocked.Increment(ref _errorAcks);
            }
        };
        stream.FramesDropped += (_, e) => Interlocked.Add(ref _framesDropped, e.FrameCount);
        stream.ErrorOccurred += (_, e) =>
        {
            Interlocked.Increment(ref _reconnects);
            Console.Error.WriteLine($"kvs: {e.Error.Message}{(e.IsFatal ? string.Empty : $" (retrying in {e.RetryIn.TotalSeconds:0.#} s)")}");
        };
    }

    public void CountFrame(bool stored)
    {
        Interlocked.Increment(ref _framesPut);
        if (!stored)
        {
            Interlocked.Increment(ref _framesRefused);
        }
    }

    public string Line(TimeSpan elapsed)
    {
        var metrics = _stream.GetMetrics();
        return string.Create(CultureInfo.InvariantCulture,
            $"{_stream.Name}: {elapsed.TotalSeconds:0.0} s, {Interlocked.Read(ref _framesPut)} frames put ({metrics.PersistedFrames} persisted, {Interlocked.Read(ref _framesDropped)} dropped, {_stream.FramesSkipped} skipped before a key frame), "
            + $"{Interlocked.Read(ref _fragmentsPersisted)} fragments persisted, {metrics.CurrentTransferRate * 8 / 1000:0} kbit/s, buffer {metrics.CurrentViewDuration.TotalSeconds:0.0} s, "
            + $"{Interlocked.Read(ref _reconnects)} reconnects, {Interlocked.Read(ref _errorAcks)} error acks");
    }
}
