using System.Net.Http;
using System.Net.Sockets;

namespace KvsProducer.Service;

/// <summary>
/// Runs an operation again after transient failures — throttling (ClientLimitExceededException,
/// HTTP 429), 5xx, timeouts and connection failures — with exponential backoff and full jitter;
/// never after other 4xx errors, which need a different request. Delays run on a
/// <see cref="TimeProvider"/>; the jitter comes from an injectable <see cref="Random"/>.
/// </summary>
internal sealed class RetryPolicy
{
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomLock = new();

    /// <summary>Creates the policy.</summary>
    /// <param name="options">Delays and attempts; null for <see cref="RetryPolicyOptions.Default"/>.</param>
    /// <param name="timeProvider">The clock delays run on; null for the system clock.</param>
    /// <param name="random">The source of jitter (seed it in tests); null for <see cref="Random.Shared"/>.</param>
    public RetryPolicy(RetryPolicyOptions? options = null, TimeProvider? timeProvider = null, Random? random = null)
    {
        Options = options ?? RetryPolicyOptions.Default;
        Options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? Random.Shared;
    }

    /// <summary>The options in force.</summary>
    public RetryPolicyOptions Options { get; }

    /// <summary>
    /// The delay before retry number <paramref name="retry"/> (1 = the first retry): zero for the
    /// first when <see cref="RetryPolicyOptions.FirstRetryImmediate"/>, then uniform in
    /// [0, min(MaxDelay, BaseDelay · 2ⁿ)) with n counting the backed-off retries from 0 ("full jitter").
    /// </summary>
    public TimeSpan GetDelay(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var exponent = Options.FirstRetryImmediate ? retry - 2 : retry - 1;
        if (exponent < 0)
        {
            return TimeSpan.Zero;
        }

        var ceiling = Math.Min(Options.MaxDelay.TotalMilliseconds, Options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(exponent, 62)));
        double fraction;
        lock (_randomLock)
        {
            fraction = _random.NextDouble();
        }

        // Whole milliseconds: timers have no finer resolution.
        return TimeSpan.FromMilliseconds(Math.Floor(ceiling * fraction));
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is worth another attempt: a retriable service error
    /// (throttling, 5xx), a timeout, or a failure to reach the endpoint at all. Cancellation by the
    /// caller is never retried.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        KinesisVideoServiceException service => service.IsRetriable,
        TimeoutException => true,
        OperationCanceledException => !callerToken.IsCancellationRequested,
        HttpRequestException http when http.StatusCode is { } status => (int)status >= 500 || (int)status == 429,
        HttpRequestException => true,
        SocketException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// Runs <paramref name="operation"/> until it succeeds, fails with a non-transient error, or
    /// <see cref="RetryPolicyOptions.MaxAttempts"/> are spent; the last error is rethrown.
    /// </summary>
    /// <param name="operation">The attempt; receives the caller's token.</param>
    /// <param name="onRetry">Told of each retry before its delay: (attempt that failed, error, delay).</param>
    /// <param name="cancellationToken">Stops waiting and retrying.</param>
    public async Task<T> ExecuteAsync<T>(
        Func<CancellationToken, Task<T>> operation,
        Action<int, Exception, TimeSpan>? onRetry,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (attempt < Options.MaxAttempts && IsTransient(exception, cancellationToken))
            {
                var delay = GetDelay(attempt);
                onRetry?.Invoke(attempt, exception, delay);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
