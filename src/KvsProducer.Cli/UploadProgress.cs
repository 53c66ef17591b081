namespace KvsProducer.Cli;

/// <summary>
/// How much of a file is acknowledged PERSISTED, and when the rest will be, at the rate persisted bytes
/// have been growing (issue 13: the bar must not reach 100 % while fragments are unacknowledged).
/// Persisted source bytes are estimated as the bytes read minus the bytes the stream still buffers
/// (<see cref="StreamBufferMetrics.OverallViewSize"/>: tail → head, freed by PERSISTED acknowledgements);
/// the packaging overhead inside the buffer makes the estimate err low, never high.
/// </summary>
internal sealed class UploadProgress(long totalBytes)
{
    // The rate is measured over the last 10 s: long enough to smooth the per-fragment steps of PERSISTED
    // acknowledgements (one every 2 s by default), short enough to follow a link that slows down.
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly Queue<(TimeSpan At, long Persisted)> _samples = new();
    private readonly Lock _gate = new();
    private long _persisted;
    private bool _complete;

    /// <summary>Records the stream's state at <paramref name="at"/> (time since the run began).</summary>
    public void Sample(TimeSpan at, long sourceBytesRead, long bufferedBytes)
    {
        lock (_gate)
        {
            _persisted = Math.Max(_persisted, Math.Clamp(sourceBytesRead - bufferedBytes, 0, totalBytes));
            _samples.Enqueue((at, _persisted));
            while (_samples.Count > 2 && at - _samples.Peek().At > RateWindow)
            {
                _samples.Dequeue();
            }
        }
    }

    /// <summary>Every fragment is acknowledged: the whole file is persisted.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _complete = true;
        }
    }

    /// <summary>Fraction of the file persisted (0–1); 1 only once the drain saw every fragment acknowledged.</summary>
    public double Fraction
    {
        get
        {
            lock (_gate)
            {
                // The estimate can reach the file's size before the last fragment's ACK (the overhead is
                // small): hold it just under 100 % until the drain ends.
                return _complete ? 1 : Math.Min(0.999, _persisted / (double)totalBytes);
            }
        }
    }

    /// <summary>Seconds until everything is persisted at the recent persisted rate; null while that rate is unknown or zero.</summary>
    public double? EtaSeconds
    {
        get
        {
            lock (_gate)
            {
                if (_complete)
                {
                    return 0;
                }

                if (_samples.Count < 2)
                {
                    return null;
                }

                var (firstAt, firstPersisted) = _samples.Peek();
                var elapsed = (_samples.Last().At - firstAt).TotalSeconds;
                var rate = elapsed > 0 ? (_persisted - firstPersisted) / elapsed : 0;
                return rate > 0 ? Math.Round((totalBytes - _persisted) / rate) : null;
            }
        }
    }
}
