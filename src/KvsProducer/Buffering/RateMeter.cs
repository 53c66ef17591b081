namespace KvsProducer.Buffering;

/// <summary>Events per second over windows of about one second, smoothed (like the official producers' frame-rate moving average).</summary>
internal struct RateMeter
{
    private long _windowStart;
    private long _count;
    private double _rate;

    public readonly double Rate => _rate;

    public void Add(long amount, long timestamp, TimeProvider clock)
    {
        if (_windowStart == 0)
        {
            _windowStart = timestamp;
        }

        _count += amount;
        var elapsed = clock.GetElapsedTime(_windowStart, timestamp);
        if (elapsed >= TimeSpan.FromSeconds(1))
        {
            double windowRate = _count / elapsed.TotalSeconds;
            _rate = _rate == 0 ? windowRate : (0.5 * _rate) + (0.5 * windowRate);
            _count = 0;
            _windowStart = timestamp;
        }
    }
}
