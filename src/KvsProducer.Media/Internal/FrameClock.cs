namespace KvsProducer.Media.Internal;

/// <summary>
/// Turns the packet times of one or more connections into the times of one continuous stream:
/// every connection starts where the previous one ended (plus the time the outage lasted), the
/// first frame is at zero, times are filled in where the source has none (raw .h264), and
/// decoding times always increase — what the core's frame rules require (FrameRejectionReason).
/// </summary>
internal sealed class FrameClock
{
    private readonly long _nominalDuration;
    private long _base = NativeMethods.NoTime;
    private long _continuation;
    private long _syntheticRaw;
    private long _lastDts = -1;
    private long _lastDuration;

    /// <param name="nominalDuration">Ticks of one frame at the source's nominal rate; 0 when unknown.</param>
    public FrameClock(long nominalDuration)
    {
        _nominalDuration = nominalDuration;
    }

    /// <summary>The decoding time of the last frame mapped, or -1 before the first.</summary>
    public long LastDecodingTicks => _lastDts;

    /// <summary>The end of the last frame mapped (its decoding time plus duration).</summary>
    public long EndTicks => _lastDts < 0 ? 0 : _lastDts + Math.Max(_lastDuration, 1);

    /// <summary>
    /// Starts a new connection: its first frame continues at <see cref="EndTicks"/>, or later by
    /// <paramref name="outage"/> so that stream time keeps up with the time the camera was gone.
    /// </summary>
    public void StartSession(TimeSpan outage)
    {
        _base = NativeMethods.NoTime;
        _syntheticRaw = 0;
        _continuation = _lastDts < 0 ? 0 : Math.Max(EndTicks, _lastDts + Math.Max(outage.Ticks, 1));
    }

    /// <summary>Maps one packet's times; returns the frame's presentation, decoding and duration ticks.</summary>
    public (long Pts, long Dts, long Duration) Map(in NativePacket packet)
    {
        long duration = packet.DurationTicks > 0 ? packet.DurationTicks : _nominalDuration;
        long rawDts = packet.DecodingTicks != NativeMethods.NoTime ? packet.DecodingTicks
            : packet.PresentationTicks != NativeMethods.NoTime ? packet.PresentationTicks
            : _syntheticRaw;
        long rawPts = packet.PresentationTicks != NativeMethods.NoTime ? packet.PresentationTicks : rawDts;
        if (_base == NativeMethods.NoTime)
        {
            _base = rawDts;
        }

        _syntheticRaw = rawDts + duration;
        long dts = rawDts - _base + _continuation;
        long pts = rawPts - _base + _continuation;
        if (_lastDts >= 0 && dts <= _lastDts)
        {
            long shift = _lastDts + 1 - dts;
            dts += shift;
            pts += shift;
        }

        pts = Math.Max(pts, dts);
        _lastDts = dts;
        _lastDuration = duration;
        return (pts, dts, duration);
    }
}
