namespace KvsProducer.Media.Internal;

/// <summary>
/// Delays between reconnect attempts: the first immediate, then doubling from the base up to the
/// ceiling, each drawn with jitter in [½, 1] of its step so that many cameras dropped by one
/// network blip do not all come back in the same instant.
/// </summary>
internal static class ReconnectBackoff
{
    /// <param name="attempt">1 for the first attempt.</param>
    /// <param name="unitRandom">A value in [0, 1).</param>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double unitRandom)
    {
        if (attempt <= 1)
        {
            return TimeSpan.Zero;
        }

        double step = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Min(attempt - 2, 30)));
        return TimeSpan.FromTicks((long)(step * (0.5 + (unitRandom / 2))));
    }
}
