namespace KvsProducer.Cli;

/// <summary>
/// How much of a file is acknowledged PERSISTED, and when the rest will be, at the rate the persisted share
/// has been growing (issue 13: the bar must not reach 100 % while fragments are unacknowledged). The share is
/// the part of the file read times the part of what was read that the service persisted
/// (<see cref="StreamBufferMetrics.PersistedBytes"/> of <see cref="StreamBufferMetrics.PutBytes"/>).
/// </summary>
internal sealed class UploadProgress
{
    // The rate is measured over the last 10 s: long enough to smooth the per-fragment steps of PERSISTED
    // acknowledgements (one every 2 s by default), short enough to follow a link that slows down.
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly Queue<(TimeSpan At, double Persisted)> _samples = new();
    private readonly Lock _gate = new();
    private double _persisted;
    private bool _complete;

    /// <summary>Records the share persisted at <paramref name="at"/> (time since the run began).</summary>
    public void Sample(TimeSpan at, double readShare, StreamBufferMetrics metrics)
    {
        var persistedOfRead = metrics.PutBytes > 0 ? Math.Min(1, metrics.PersistedBytes / (double)metrics.PutBytes) : 0;
        lock (_gate)
        {
            _persisted = Math.Max(_persisted, readShare * persistedOfRead);
            _samples.Enqueue((at, _persisted));
            while (_samples.Count > 2 && at - _samples.Peek().At > RateWindow)
            {
                _samples.Dequeue();
            }
        }
    }

    /// <summary>The drain saw every fragment acknowledged: the whole file is persisted.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _complete = true;
        }
    }

    /// <summary>Share of the file persisted (0–1); 1 only once the drain saw every fragment acknowledged.</summary>
    public double Fraction
    {
        get
        {
            lock (_gate)
            {
                return _complete ? 1 : Math.Min(0.999, _persisted);
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
                return rate > 0 ? Math.Round((1 - _persisted) / rate) : null;
            }
        }
    }
}
