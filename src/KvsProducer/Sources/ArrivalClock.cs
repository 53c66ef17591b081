namespace KvsProducer.Sources;

/// <summary>
/// Timestamps for a live elementary stream that carries none (rpicam-vid's H.264 on a pipe): each
/// access unit is stamped by when it arrived, smoothed so pipe and scheduling jitter do not reach the
/// stream, and never going backwards.
/// </summary>
/// <remarks>
/// The next time is predicted from the last one plus the frame period, and moved a small part
/// (<see cref="TimeGain"/>) of the way towards the real arrival; so the camera's own pacing decides the
/// long-run rate while a late or bunched-up frame moves the stamps only a little. Without an
/// <c>fps</c> hint the period is learnt from the raw inter-arrival times alone (their median over the
/// first frames — a burst as the camera starts or the machine catches up does not count — then a slow
/// exponential average), never from the stamps, so the two estimates do not feed back into each other. A gap far beyond the period — the camera restarted, the reader was
/// paused — re-anchors on the arrival instead of stretching the frames in between.
/// Each frame's duration is a promise the next stamp keeps (the fragmenter refuses a frame that starts
/// inside the previous one): <see cref="DurationShare"/> of the period, so stamps can still close up a
/// little on a camera running faster than the hint.
/// </remarks>
internal sealed class ArrivalClock
{
    /// <summary>How far each stamp moves from the prediction towards the arrival.</summary>
    public const double TimeGain = 0.05;

    /// <summary>How fast a learnt period follows the arrivals once the first frames set it.</summary>
    public const double PeriodGain = 0.01;

    /// <summary>Frames over which a learnt period is the median of the inter-arrival times.</summary>
    public const int LearningFrames = 30;

    /// <summary>A frame's duration as a share of the period: the least step to the next stamp.</summary>
    public const double DurationShare = 0.9;

    /// <summary>A stamp is at least this much after the previous one (MKV's timecodes are in milliseconds).</summary>
    public static readonly TimeSpan MinimumStep = TimeSpan.FromMilliseconds(1);

    private static readonly TimeSpan UnknownPeriod = TimeSpan.FromSeconds(1.0 / 30); // rpicam-vid's default rate
    private static readonly TimeSpan ShortestPeriod = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestPeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ResyncGap = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _start;
    private readonly bool _periodFixed;
    private readonly TimeSpan[] _learnt = new TimeSpan[LearningFrames];
    private readonly TimeSpan[] _sorted = new TimeSpan[LearningFrames];
    private TimeSpan _period;
    private TimeSpan _anchor; // arrival of the first frame
    private TimeSpan _lastArrival;
    private TimeSpan _last;
    private TimeSpan _lastDuration;
    private long _count;

    /// <param name="start">The stamp of the first frame.</param>
    /// <param name="framesPerSecond">The camera's rate when known (<c>fps=</c>); null to learn it from the arrivals.</param>
    public ArrivalClock(TimeSpan start, double? framesPerSecond)
    {
        _start = start;
        _periodFixed = framesPerSecond is not null;
        _period = framesPerSecond is { } fps ? TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / fps)) : UnknownPeriod;
    }

    /// <summary>The frame period: the hint, or what the arrivals have shown so far.</summary>
    public TimeSpan Period => _period;

    /// <summary>The stamp and duration of a frame that arrived at <paramref name="arrival"/> (any monotonic clock).</summary>
    public (TimeSpan Decoding, TimeSpan Duration) Next(TimeSpan arrival)
    {
        var sinceLastArrival = arrival - _lastArrival;
        _lastArrival = arrival;
        if (_count++ == 0)
        {
            _anchor = arrival;
            _last = _start;
            return Stamped();
        }

        var arrived = _start + (arrival - _anchor);
        var predicted = _last + _period;
        var error = arrived - predicted;
        TimeSpan stamp;
        if (error.Duration() > Max(ResyncGap, _period * 10))
        {
            stamp = arrived; // a restart or a pause: follow the arrival, do not stretch the frames before it
        }
        else
        {
            if (!_periodFixed)
            {
                // The first frames' median inter-arrival time; later ones correct the period slowly.
                _period = Clamp(_count <= LearningFrames + 1 ? Median(sinceLastArrival) : _period + (sinceLastArrival - _period) * PeriodGain);
                predicted = _last + _period;
                error = arrived - predicted;
            }

            stamp = predicted + error * TimeGain;
        }

        _last = Max(stamp, _last + _lastDuration);
        return Stamped();
    }

    private (TimeSpan Decoding, TimeSpan Duration) Stamped()
    {
        _lastDuration = Max(MinimumStep, _period * DurationShare);
        return (_last, _lastDuration);
    }

    private TimeSpan Median(TimeSpan interArrival)
    {
        var count = (int)_count - 1; // inter-arrival times seen, this one included
        _learnt[count - 1] = interArrival;
        var sorted = _sorted.AsSpan(0, count);
        _learnt.AsSpan(0, count).CopyTo(sorted);
        sorted.Sort();
        return sorted[count / 2];
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Clamp(TimeSpan period) => period < ShortestPeriod ? ShortestPeriod : period > LongestPeriod ? LongestPeriod : period;
}
