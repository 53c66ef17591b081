using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Logging;

namespace KvsProducer.Auth;

/// <summary>
/// Credentials from the AWS SDK for .NET (AWSSDK.Core): any <see cref="AWSCredentials"/>, or by
/// default its standard chain — environment variables, the profile of ~/.aws/credentials and
/// ~/.aws/config (AWS_PROFILE), SSO, web identity, ECS/EKS container credentials, EC2 instance
/// metadata.
/// </summary>
/// <remarks>
/// Refresh: AWSSDK.Core 4.x exposes an expiry on every identity (<c>BaseIdentity.Expiration</c>,
/// overridden by <see cref="RefreshingAWSCredentials"/> — instance metadata, container, SSO,
/// assume-role, process credentials). When it is known, the credentials are fetched again
/// <c>refreshMargin</c> before it. When it is not (environment variables, static profile keys), they
/// are fetched again every <c>refreshPeriodWithoutExpiration</c>: the default chain notices changed
/// environment variables and credential files, so rotated keys are picked up (
/// the official SDKs never re-read environment session tokens).
/// </remarks>
public sealed class AwsSdkCredentialsProvider : ICredentialsProvider, IDisposable
{
    /// <summary>Default time before expiry at which credentials are fetched again: 5 minutes.</summary>
    public static readonly TimeSpan DefaultRefreshMargin = TimeSpan.FromMinutes(5);

    /// <summary>Default period between fetches when the credentials have no known expiry: 5 minutes.</summary>
    public static readonly TimeSpan DefaultRefreshPeriodWithoutExpiration = TimeSpan.FromMinutes(5);

    private readonly AWSCredentials? _credentials;
    private readonly CredentialsCache _cache;

    /// <summary>Resolves credentials through the AWS SDK's standard chain.</summary>
    public AwsSdkCredentialsProvider()
        : this(null, DefaultRefreshMargin, DefaultRefreshPeriodWithoutExpiration)
    {
    }

    /// <summary>Takes credentials from <paramref name="credentials"/>.</summary>
    public AwsSdkCredentialsProvider(AWSCredentials credentials)
        : this(credentials ?? throw new ArgumentNullException(nameof(credentials)), DefaultRefreshMargin, DefaultRefreshPeriodWithoutExpiration)
    {
    }

    /// <summary>Takes credentials from <paramref name="credentials"/>, or from the standard chain when it is null.</summary>
    /// <param name="credentials">The AWS SDK credentials; null for the standard chain.</param>
    /// <param name="refreshMargin">How long before expiry to fetch again (≥ 0).</param>
    /// <param name="refreshPeriodWithoutExpiration">How often to fetch again when no expiry is known (&gt; 0).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Logs refreshes and refresh failures.</param>
    public AwsSdkCredentialsProvider(
        AWSCredentials? credentials,
        TimeSpan refreshMargin,
        TimeSpan refreshPeriodWithoutExpiration,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        if (refreshMargin < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(refreshMargin), refreshMargin, "The refresh margin must be zero or positive (default 5 minutes).");
        }

        if (refreshPeriodWithoutExpiration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(refreshPeriodWithoutExpiration), refreshPeriodWithoutExpiration, "The refresh period must be positive (default 5 minutes).");
        }

        _credentials = credentials;
        var source = credentials is null ? "the AWS SDK credential chain" : $"the AWS SDK credentials {credentials.GetType().Name}";
        _cache = new CredentialsCache(FetchAsync, refreshMargin, refreshPeriodWithoutExpiration, source, timeProvider, logger);
    }

    /// <inheritdoc />
    public ValueTask<KvsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => _cache.GetAsync(forceRefresh: false, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();

    private async Task<KvsCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        AWSCredentials credentials;
        ImmutableCredentials immutable;
        try
        {
            // The v4 chain (FallbackCredentialsFactory is obsolete). It caches the
            // resolved source and starts over when environment variables or credential files change.
            credentials = _credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            immutable = await credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not CredentialsException)
        {
            // AmazonClientException when the chain finds nothing; AmazonServiceException (STS, SSO)
            // or HttpRequestException (metadata endpoints) when a source fails.
            throw new CredentialsException(
                CredentialsFailure.NotResolved,
                (_credentials is null
                    ? "The AWS SDK credential chain found no credentials (it looks at AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the AWS_PROFILE profile of ~/.aws/credentials and ~/.aws/config, SSO, web identity, container and EC2 instance metadata): "
                    : $"The AWS SDK credentials {_credentials.GetType().Name} failed: ") + exception.Message,
                innerException: exception);
        }

        if (immutable is null)
        {
            throw new CredentialsException(CredentialsFailure.NotResolved, $"The AWS SDK credentials {credentials.GetType().Name} returned no credentials.");
        }

        return new KvsCredentials(
            immutable.AccessKey,
            immutable.SecretKey,
            immutable.UseToken ? immutable.Token : null,
            ExpirationOf(credentials, immutable));
    }

    private static DateTimeOffset? ExpirationOf(AWSCredentials credentials, ImmutableCredentials immutable)
    {
        var expiration = credentials.Expiration ?? (immutable as AssumeRoleImmutableCredentials)?.Expiration;
        if (expiration is not { } value)
        {
            return null;
        }

        // AWSSDK.Core keeps expirations in UTC; a value without a kind is taken as UTC too.
        return value.Kind switch
        {
            DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
            _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
        };
    }
}
