using System.Diagnostics;

namespace KvsProducer.Cli;

/// <summary>
/// Time from putting a key frame to the PERSISTED acknowledgement of the fragment it starts (absolute 1 ms
/// timecodes), over the last <see cref="Window"/> fragments. Both tables are bounded: a stream that runs for
/// weeks keeps the same memory (the soak measures that), and a key frame whose fragment is never persisted
/// (dropped) leaves its entry only until <see cref="Window"/> newer key frames push it out.
/// </summary>
internal sealed class AckLatency
{
    /// <summary>Fragments the percentiles speak for: at 2 s fragments a little over two hours.</summary>
    public const int Window = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, long> _putAt = new(Window);
    private readonly Queue<ulong> _putOrder = new(Window);
    private readonly double[] _milliseconds = new double[Window];
    private readonly double[] _sorted = new double[Window];
    private long _recorded;

    public AckLatency(KinesisVideoStream stream)
        : this()
    {
        stream.FragmentAcknowledged += (_, ack) =>
        {
            if (ack.EventType == FragmentAckEventType.Persisted)
            {
                OnPersisted(ack.FragmentTimecode, Stopwatch.GetTimestamp());
            }
        };
    }

    /// <summary>Fed by the caller (tests) instead of a stream's acknowledgements.</summary>
    internal AckLatency()
    {
    }

    /// <summary>Latencies recorded so far (all of them, not only the window's).</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _recorded;
            }
        }
    }

    public void OnFramePut(in Frame frame)
    {
        if (frame.IsKeyFrame)
        {
            OnKeyFramePut((ulong)(frame.PresentationTime.Ticks / TimeSpan.TicksPerMillisecond), Stopwatch.GetTimestamp());
        }
    }

    internal void OnKeyFramePut(ulong timecode, long timestamp)
    {
        lock (_gate)
        {
            if (_putAt.TryAdd(timecode, timestamp))
            {
                _putOrder.Enqueue(timecode);
            }

            // The oldest key frames whose fragments were persisted already left _putAt; dropped ones leave here.
            while (_putOrder.Count > Window)
            {
                _putAt.Remove(_putOrder.Dequeue());
            }
        }
    }

    internal void OnPersisted(ulong fragmentTimecode, long timestamp)
    {
        lock (_gate)
        {
            if (_putAt.Remove(fragmentTimecode, out var putAt))
            {
                _milliseconds[_recorded % Window] = Stopwatch.GetElapsedTime(putAt, timestamp).TotalMilliseconds;
                _recorded++;
            }
        }
    }

    /// <summary>The <paramref name="quantile"/> of the last <see cref="Window"/> latencies, in ms; NaN before the first.</summary>
    public double Percentile(double quantile)
    {
        lock (_gate)
        {
            var count = (int)Math.Min(_recorded, Window);
            if (count == 0)
            {
                return double.NaN;
            }

            var sorted = _sorted.AsSpan(0, count);
            _milliseconds.AsSpan(0, count).CopyTo(sorted);
            sorted.Sort();
            return sorted[(int)Math.Min(count - 1, Math.Max(0, Math.Ceiling(quantile * count) - 1))];
        }
    }
}
