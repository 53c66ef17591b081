namespace KvsProducer.Media.Internal;

/// <summary>
/// Turns the packet times of one or more connections into the times of one continuous stream:
/// every connection starts where the previous one ended (plus the time the outage lasted), the
/// first frame is at zero, times are filled in where the source has none (raw .h264), and
/// decoding times always increase — what the core's frame rules require (FrameRejectionReason).
/// Video and audio (issue 12) share the base and the continuation, so both tracks stay on one
/// timeline across reconnects; each track's decoding times increase on their own.
/// </summary>
internal sealed class FrameClock
{
    private readonly long _nominalDuration;
    private long _base = NativeMethods.NoTime;
    private long _continuation;
    private readonly long[] _syntheticRaw = new long[2];
    private readonly long[] _lastDts = [-1, -1];
    private readonly long[] _lastDuration = new long[2];

    /// <param name="nominalDuration">Ticks of one frame at the source's nominal rate; 0 when unknown.</param>
    public FrameClock(long nominalDuration)
    {
        _nominalDuration = nominalDuration;
    }

    /// <summary>The decoding time of the last frame mapped on any track, or -1 before the first.</summary>
    public long LastDecodingTicks => Math.Max(_lastDts[0], _lastDts[1]);

    /// <summary>The end of the last frame mapped on any track (its decoding time plus duration).</summary>
    public long EndTicks => Math.Max(End(0), End(1));

    private long End(int track) => _lastDts[track] < 0 ? 0 : _lastDts[track] + Math.Max(_lastDuration[track], 1);

    /// <summary>
    /// Starts a new connection: its first frame continues at <see cref="EndTicks"/>, or later by
    /// <paramref name="outage"/> so that stream time keeps up with the time the camera was gone.
    /// </summary>
    public void StartSession(TimeSpan outage)
    {
        _base = NativeMethods.NoTime;
        Array.Clear(_syntheticRaw);
        long last = LastDecodingTicks;
        _continuation = last < 0 ? 0 : Math.Max(EndTicks, last + Math.Max(outage.Ticks, 1));
    }

    /// <summary>Maps one video packet's times; returns the frame's presentation, decoding and duration ticks.</summary>
    public (long Pts, long Dts, long Duration) Map(in NativePacket packet) => Map(packet, 0, _nominalDuration);

    /// <summary>
    /// Maps one packet of <paramref name="track"/> (0 video, 1 audio) whose nominal duration is
    /// <paramref name="nominalDuration"/> ticks; the first packet of a session, of either track, sets the base.
    /// </summary>
    public (long Pts, long Dts, long Duration) Map(in NativePacket packet, int track, long nominalDuration)
    {
        long duration = packet.DurationTicks > 0 ? packet.DurationTicks : nominalDuration;
        long rawDts = packet.DecodingTicks != NativeMethods.NoTime ? packet.DecodingTicks
            : packet.PresentationTicks != NativeMethods.NoTime ? packet.PresentationTicks
            : _syntheticRaw[track];
        long rawPts = packet.PresentationTicks != NativeMethods.NoTime ? packet.PresentationTicks : rawDts;
        if (_base == NativeMethods.NoTime)
        {
            _base = rawDts;
        }

        _syntheticRaw[track] = rawDts + duration;
        long dts = rawDts - _base + _continuation;
        long pts = rawPts - _base + _continuation;
        long last = _lastDts[track];
        // Never backwards. Audio frames also never overlap the previous one (the fragmenter's
        // TimestampOverlap rule): a session's first audio frame may sit just before the key frame
        // that set the base. Video keeps its one-tick nudge (B-frame durations are not reliable).
        long earliest = last < 0 ? long.MinValue : track == 0 ? last + 1 : last + Math.Max(_lastDuration[track], 1);
        if (dts < earliest)
        {
            long shift = earliest - dts;
            dts += shift;
            pts += shift;
        }

        pts = Math.Max(pts, dts);
        _lastDts[track] = dts;
        _lastDuration[track] = duration;
        return (pts, dts, duration);
    }
}
