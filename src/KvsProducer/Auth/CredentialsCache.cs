using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvsProducer.Auth;

/// <summary>
/// The refresh machinery the providers share: answers from memory while the credentials are fresh
/// (no allocation, no lock), fetches once for all concurrent callers when they are not, and keeps
/// serving still-valid credentials when a refresh fails, so a short outage of the credentials
/// source does not stop a stream. The official SDKs let credentials expire; here
/// the refresh starts <c>refreshMargin</c> before expiry.
/// </summary>
internal sealed partial class CredentialsCache : IDisposable
{
    /// <summary>Shortest wait between two fetches, so a source that keeps answering with credentials already inside the margin, or keeps failing, is not hammered.</summary>
    internal static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(10);

    private readonly Func<CancellationToken, Task<KvsCredentials>> _fetch;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _refreshMargin;
    private readonly TimeSpan? _refreshPeriodWithoutExpiration;
    private readonly string _source;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Entry? _entry;

    /// <param name="fetch">Gets fresh credentials from the source; throws <see cref="CredentialsException"/> with a precise message.</param>
    /// <param name="refreshMargin">How long before expiry to fetch again.</param>
    /// <param name="refreshPeriodWithoutExpiration">How often to fetch again when the source gives no expiry; null: never (until forced).</param>
    /// <param name="source">Names the source in log messages and errors.</param>
    public CredentialsCache(
        Func<CancellationToken, Task<KvsCredentials>> fetch,
        TimeSpan refreshMargin,
        TimeSpan? refreshPeriodWithoutExpiration,
        string source,
        TimeProvider? timeProvider,
        ILogger? logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(refreshMargin, TimeSpan.Zero);
        if (refreshPeriodWithoutExpiration is { } period)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero, nameof(refreshPeriodWithoutExpiration));
        }

        _fetch = fetch;
        _refreshMargin = refreshMargin;
        _refreshPeriodWithoutExpiration = refreshPeriodWithoutExpiration;
        _source = source;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>When the cached credentials will next be fetched again; null before the first fetch.</summary>
    public DateTimeOffset? RefreshAt => _entry?.RefreshAt;

    /// <summary>The cached credentials when fresh, otherwise fetched ones.</summary>
    /// <param name="forceRefresh">Fetch even when the cache is fresh (the source is known to have changed).</param>
    /// <param name="cancellationToken">Cancels the wait and the fetch.</param>
    public ValueTask<KvsCredentials> GetAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var entry = _entry;
        if (!forceRefresh && entry is not null && _timeProvider.GetUtcNow() < entry.RefreshAt)
        {
            return new ValueTask<KvsCredentials>(entry.Credentials);
        }

        return new ValueTask<KvsCredentials>(RefreshAsync(entry, forceRefresh, cancellationToken));
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async Task<KvsCredentials> RefreshAsync(Entry? observed, bool forceRefresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = _entry;
            var now = _timeProvider.GetUtcNow();

            // Another caller refreshed while this one waited for the gate: use its result.
            if (entry is not null && (!forceRefresh || !ReferenceEquals(entry, observed)) && now < entry.RefreshAt)
            {
                return entry.Credentials;
            }

            KvsCredentials fetched;
            try
            {
                fetched = await _fetch(cancellationToken).ConfigureAwait(false);
                if (CredentialsValidation.Problem(fetched) is { } problem)
                {
                    throw new CredentialsException(CredentialsFailure.InvalidFormat, $"The credentials from {_source} are invalid: {problem}");
                }

                if (fetched.Expiration is { } expiration && expiration <= now)
                {
                    throw new CredentialsException(
                        CredentialsFailure.Expired,
                        $"The credentials from {_source} (access key id {fetched.AccessKeyId}) expired at {expiration:O}; it is now {now:O}. " +
                        "Renew them at the source, and check the device clock if they should still be valid.");
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException && entry is not null && IsUsable(entry.Credentials, now))
            {
                // Still valid: keep streaming with them and try again shortly.
                var retryAt = Earliest(now + MinimumRefreshInterval, entry.Credentials.Expiration);
                _entry = entry with { RefreshAt = retryAt };
                LogRefreshFailedKeepingCurrent(_logger, exception, _source, entry.Credentials.AccessKeyId, entry.Credentials.Expiration, retryAt);
                return entry.Credentials;
            }

            var refreshAt = NextRefresh(fetched, now);
            _entry = new Entry(fetched, refreshAt);
            LogRefreshed(_logger, _source, fetched.AccessKeyId, fetched.Expiration, refreshAt);
            return fetched;
        }
        finally
        {
            _gate.Release();
        }
    }

    private DateTimeOffset NextRefresh(KvsCredentials credentials, DateTimeOffset now)
    {
        if (credentials.Expiration is not { } expiration)
        {
            return _refreshPeriodWithoutExpiration is { } period ? now + period : DateTimeOffset.MaxValue;
        }

        var beforeExpiry = expiration - _refreshMargin;
        if (beforeExpiry > now)
        {
            return beforeExpiry;
        }

        // Already inside the margin (the source hands out short-lived credentials, or refreshes
        // late): use them, ask again soon, never after they expire.
        return Earliest(now + MinimumRefreshInterval, expiration);
    }

    private static bool IsUsable(KvsCredentials credentials, DateTimeOffset now) =>
        credentials.Expiration is not { } expiration || expiration > now;

    private static DateTimeOffset Earliest(DateTimeOffset candidate, DateTimeOffset? limit) =>
        limit is { } l && l < candidate ? l : candidate;

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Credentials from {Source} refreshed: access key id {AccessKeyId}, expiration {Expiration}, next refresh at {RefreshAt}.")]
    private static partial void LogRefreshed(ILogger logger, string source, string accessKeyId, DateTimeOffset? expiration, DateTimeOffset refreshAt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Refreshing credentials from {Source} failed; still using access key id {AccessKeyId} (expiration {Expiration}) and trying again at {RetryAt}.")]
    private static partial void LogRefreshFailedKeepingCurrent(ILogger logger, Exception exception, string source, string accessKeyId, DateTimeOffset? expiration, DateTimeOffset retryAt);

    private sealed record Entry(KvsCredentials Credentials, DateTimeOffset RefreshAt);
}
