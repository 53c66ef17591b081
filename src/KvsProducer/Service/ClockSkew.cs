namespace KvsProducer.Service;

/// <summary>
/// The offset between the device clock and the service's, learnt from the server's <c>Date</c>
/// header when a request is refused as expired or badly signed, and added to every later signing
/// time. The official SDKs have no such correction (the PR for it was never
/// merged), so a device with a wrong clock cannot stream at all.
/// </summary>
internal sealed class ClockSkew
{
    // A refusal that names the clock (Signature expired, RequestExpired…) is corrected when the
    // server's Date is a minute or more away from ours: the Date header has one-second resolution,
    // and smaller differences cannot have caused the refusal.
    private static readonly TimeSpan ExplicitThreshold = TimeSpan.FromMinutes(1);

    // A bare 401/403 is only blamed on the clock when the server's Date is further away than the
    // 5 minutes SigV4 tolerates.
    private static readonly TimeSpan ImplicitThreshold = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time;
    private long _offsetTicks;

    /// <summary>Creates a correction that starts at zero.</summary>
    public ClockSkew(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>What is added to the local clock to get the service's (positive: the service is ahead).</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>The service's idea of now: the local clock plus <see cref="Offset"/>. Sign with this.</summary>
    public DateTimeOffset GetUtcNow() => _time.GetUtcNow() + Offset;

    /// <summary>
    /// Whether a refusal looks like a clock problem: an expired or not-yet-valid signature
    /// (InvalidSignatureException "Signature expired…", RequestExpired, RequestTimeTooSkewed), or any
    /// 401/403 (then only if the server's Date is far away, see <see cref="TryCorrect"/>).
    /// </summary>
    public static bool NamesTheClock(string errorType, string message) =>
        errorType is "RequestExpired" or "RequestTimeTooSkewed" or "RequestInTheFuture"
        || message.Contains("Signature expired", StringComparison.OrdinalIgnoreCase)
        || message.Contains("Signature not yet current", StringComparison.OrdinalIgnoreCase)
        || message.Contains("clock skew", StringComparison.OrdinalIgnoreCase)
        || (errorType is "InvalidSignatureException" && message.Contains("expired", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Learns the offset from a refused request. Returns true when the refusal is a clock problem
    /// and the offset changed, i.e. the request should be signed again and retried once at once.
    /// </summary>
    /// <param name="statusCode">The HTTP status of the refusal.</param>
    /// <param name="errorType">The service's error type ("" when none).</param>
    /// <param name="message">The service's message ("" when none).</param>
    /// <param name="serverDate">The response's <c>Date</c> header; nothing is learnt without it.</param>
    public bool TryCorrect(int statusCode, string errorType, string message, DateTimeOffset? serverDate)
    {
        if (serverDate is not { } date)
        {
            return false;
        }

        var explicitly = NamesTheClock(errorType, message);
        if (!explicitly && statusCode is not (401 or 403))
        {
            return false;
        }

        var difference = (date - GetUtcNow()).Duration();
        if (difference < (explicitly ? ExplicitThreshold : ImplicitThreshold))
        {
            return false;
        }

        // The Date header is truncated to the second: the server's clock lies in [date, date + 1 s).
        var offset = date.AddMilliseconds(500) - _time.GetUtcNow();
        Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
        return true;
    }
}
