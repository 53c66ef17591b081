namespace KvsProducer.Service;

/// <summary>
/// Exponential backoff with full jitter for transient failures (throttling, 5xx, timeouts).
/// Defaults follow the PIC's retry strategy (the official SDKs: base 100 ms, doubling, cap 10 s,
/// 5 retries per control-plane state).
/// </summary>
internal sealed record RetryPolicyOptions
{
    /// <summary>The defaults.</summary>
    public static RetryPolicyOptions Default { get; } = new();

    /// <summary>The ceiling of the first jittered delay; it doubles with every further retry.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest ceiling a delay can have.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts in all, the first one included (1 = never retry).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>
    /// Retry once with no delay before backing off (the uploader's design: a connection that just
    /// dropped is usually back at once).
    /// </summary>
    public bool FirstRetryImmediate { get; init; } = true;

    /// <summary>Throws when an option is out of range, naming it, its value and the allowed range.</summary>
    public void Validate()
    {
        if (BaseDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, $"{nameof(BaseDelay)} must be positive, e.g. 100 ms.");
        }

        if (MaxDelay < BaseDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, $"{nameof(MaxDelay)} ({MaxDelay}) must be at least {nameof(BaseDelay)} ({BaseDelay}).");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, $"{nameof(MaxAttempts)} must be at least 1 (1 = no retry).");
        }
    }
}
