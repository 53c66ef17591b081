using System.Collections.Concurrent;
using System.Diagnostics;

namespace KvsProducer.Cli;

/// <summary>Time from putting a key frame to the PERSISTED acknowledgement of the fragment it starts (absolute 1 ms timecodes).</summary>
internal sealed class AckLatency
{
    private readonly ConcurrentDictionary<ulong, long> _putAt = new();
    private readonly ConcurrentQueue<double> _milliseconds = new();

    public AckLatency(KinesisVideoStream stream)
    {
        stream.FragmentAcknowledged += (_, ack) =>
        {
            if (ack.EventType == FragmentAckEventType.Persisted && _putAt.TryRemove(ack.FragmentTimecode, out var putAt))
            {
                _milliseconds.Enqueue(Stopwatch.GetElapsedTime(putAt).TotalMilliseconds);
            }
        };
    }

    public int Count => _milliseconds.Count;

    public void OnFramePut(in Frame frame)
    {
        if (frame.IsKeyFrame)
        {
            _putAt[(ulong)(frame.PresentationTime.Ticks / TimeSpan.TicksPerMillisecond)] = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The <paramref name="quantile"/> of the latencies so far, in ms; NaN before the first.</summary>
    public double Percentile(double quantile)
    {
        var sorted = _milliseconds.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Max(0, Math.Ceiling(quantile * sorted.Length) - 1))];
    }
}
