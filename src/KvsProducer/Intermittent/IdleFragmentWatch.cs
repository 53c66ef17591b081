namespace KvsProducer.Intermittent;

/// <summary>
/// The intermittent-producer rule of the official SDKs: when no frame has arrived for a while, the open
/// fragment is ended with the end-of-fragment tag, so the service persists (and acknowledges) it at once
/// instead of waiting for the next key frame, which a motion-triggered camera may not send for hours.
/// </summary>
/// <remarks>
/// The PIC checks every 5 s (first after 3 s) and ends fragments idle for more than 20 s
/// (pic:src/client/src/Client.c checkIntermittentProducerCallback, client/Include.h
/// INTERMITTENT_PRODUCER_PERIOD_SENTINEL_VALUE / INTERMITTENT_PRODUCER_TIMER_START_DELAY /
/// INTERMITTENT_PRODUCER_MAX_TIMEOUT; the KVS PIC's stream state, amazon-kinesis-video-streams-pic). We check every quarter of the idle time, so a fragment
/// closes between 1 and 1.25 idle times after its last frame. A periodic timer has no re-arming race with
/// frames arriving, and the producer path only stores a timestamp (no allocation, no timer change per frame).
/// </remarks>
internal sealed class IdleFragmentWatch : IAsyncDisposable
{
    private readonly TimeProvider _clock;
    private readonly Func<Task> _check;
    private readonly ITimer _timer;

    public IdleFragmentWatch(TimeSpan idleAfter, TimeProvider clock, Func<Task> check)
    {
        IdleAfter = idleAfter;
        _clock = clock;
        _check = check;
        var period = idleAfter / 4;
        _timer = clock.CreateTimer(static state => ((IdleFragmentWatch)state!).Tick(), this, period, period);
    }

    /// <summary>How long without frames ends the open fragment.</summary>
    public TimeSpan IdleAfter { get; }

    /// <summary>The clock's timestamp now, for <see cref="IsIdleSince"/>.</summary>
    public long Now() => _clock.GetTimestamp();

    /// <summary>True when <paramref name="lastFrameTimestamp"/> (from the same clock's GetTimestamp) is at least <see cref="IdleAfter"/> ago.</summary>
    public bool IsIdleSince(long lastFrameTimestamp) => _clock.GetElapsedTime(lastFrameTimestamp) >= IdleAfter;

    public ValueTask DisposeAsync() => _timer.DisposeAsync();

    // The check takes the stream's gate; it never throws into the timer (a failure only means the fragment
    // stays open until the next key frame, as without this watch).
    private void Tick() => _ = _check();
}
