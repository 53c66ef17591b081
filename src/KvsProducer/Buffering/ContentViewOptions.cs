namespace KvsProducer.Buffering;

/// <summary>A stream's buffering rules (defaults as in the official SDKs' StreamInfo).</summary>
internal sealed record ContentViewOptions
{
    /// <summary>The stream's name, used as the <c>kvs.stream</c> tag of its metrics.</summary>
    public string StreamName { get; init; } = "stream";

    public StreamingMode Mode { get; init; } = StreamingMode.Realtime;

    /// <summary>The longest span of frames the view holds (C++ SDK and kvssink default: 120 s).</summary>
    public TimeSpan BufferDuration { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How far back a reconnect may resend unacknowledged fragments (C++ SDK default: 40 s).</summary>
    public TimeSpan ReplayDuration { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Latency pressure when frames wait longer than this to be sent; zero turns it off (C++ SDK default).</summary>
    public TimeSpan MaxLatency { get; init; } = TimeSpan.Zero;

    /// <summary>True when the stream has retention, so PERSISTED acknowledgements come. False: RECEIVED frees
    /// the fragment instead, because PERSISTED never comes (PutMedia reference: PERSISTED is sent only for streams that keep data).</summary>
    public bool KeepsData { get; init; } = true;

    /// <summary>How long an Offline put waits for space before it fails (15 s in the official SDKs).</summary>
    public TimeSpan OfflineWaitTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad option and the allowed range.</summary>
    public void Validate()
    {
        if (BufferDuration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"BufferDuration {BufferDuration} must be positive: use e.g. 120 s (the C++ SDK default).", nameof(BufferDuration));
        }

        if (ReplayDuration < TimeSpan.Zero || ReplayDuration > BufferDuration)
        {
            throw new ArgumentException($"ReplayDuration {ReplayDuration} must be between 0 and BufferDuration ({BufferDuration}): the official SDKs clamp it the same way.", nameof(ReplayDuration));
        }

        if (MaxLatency < TimeSpan.Zero)
        {
            throw new ArgumentException($"MaxLatency {MaxLatency} must not be negative: use 0 to turn latency pressure off.", nameof(MaxLatency));
        }

        if (OfflineWaitTimeout <= TimeSpan.Zero && OfflineWaitTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"OfflineWaitTimeout {OfflineWaitTimeout} must be positive or Timeout.InfiniteTimeSpan.", nameof(OfflineWaitTimeout));
        }
    }
}
